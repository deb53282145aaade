"""Images kept with the article: a local server serves a story with good, huge, mislabelled,
scripted, missing and slow images; the saved article shows the good ones from Newsroom and
the rest as their alt text with a link to the original, and never an image from elsewhere."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
import zlib
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from werkzeug import Response

from articles import images, ingest, jobs, sharing
from articles.models import Article, ArticleImage
from articles.sanitize import text_content
from tests.fetching import run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]

CAP = 64 * 1024  # IMAGE_MAX_BYTES in these tests


def png(rgb: tuple[int, int, int] = (200, 60, 40), width: int = 8, height: int = 6) -> bytes:
    """A valid PNG of one colour, written by hand (no imaging library)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


GOOD_PNG = png()
# A JPEG's start (SOI, JFIF APP0) and end: what the type is read from.
GOOD_JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + bytes(64)
    + b"\xff\xd9"
)
SLOW_PNG = png((10, 120, 200))
HUGE = png() + bytes(CAP + 1)
WEB_PAGE = b"<!doctype html><html><body><p>Not an image at all</p></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'

PARAGRAPHS = [
    "The harbour reopened on Monday after a week of repairs to the northern quay.",
    "Fishing boats returned at dawn, and the market opened an hour later than usual.",
    "The port authority said the southern quay would be repaired next spring.",
    "Traders welcomed the news but asked for compensation for the lost week.",
]
# name: (alt text, what the server answers). The slow one last: the test server answers
# one request at a time.
IMAGES = {
    "good.png": "The northern quay at dawn",
    "good.jpg": "Boats in the harbour",
    "huge.png": "A very large panorama",
    "wrong.png": "A mislabelled page",
    "chart.png": "A chart with a script",
    "gone.png": "A photo that moved",
    "slow.png": "A photo from a slow server",
}
# Served too, for the refresh and the second article.
LATER = {"new.png": "The quay repaired", "same.png": "The northern quay again"}


def story(names: list[str], *, extra: str = "") -> str:
    body = ""
    for i, paragraph in enumerate(PARAGRAPHS):
        body += f"<p>{paragraph}</p>"
        for name in names[2 * i : 2 * i + 2]:
            alt = IMAGES.get(name) or LATER[name]
            # Relative addresses: the extractor resolves them against the page's.
            body += (
                f'<figure><img src="/img/{name}" alt="{alt}">'
                f"<figcaption>{alt}, in a caption.</figcaption></figure>"
            )
    return (
        "<!doctype html><html lang=en><head><title>Harbour reopens</title></head><body>"
        f"<article><h1>Harbour reopens</h1>{body}{extra}</article></body></html>"
    )


@pytest.fixture
def kept(settings, tmp_path):
    """Images stored under the test's own directory; small caps."""
    location = tmp_path / "images"
    settings.STORAGES = {
        **settings.STORAGES,
        "images": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    settings.IMAGE_MAX_BYTES = CAP
    return location


@pytest.fixture
def site(httpserver):
    """The story and its images; `served` counts the requests for each image."""
    served: dict[str, int] = {}
    page = {"html": story(list(IMAGES))}

    def answer(name, data, content_type, status=200, delay=0.0):
        def handler(_request):
            served[name] = served.get(name, 0) + 1
            time.sleep(delay)
            return Response(data, status=status, content_type=content_type)

        httpserver.expect_request(f"/img/{name}").respond_with_handler(handler)

    httpserver.expect_request("/story").respond_with_handler(
        lambda _r: Response(page["html"], content_type="text/html; charset=utf-8")
    )
    answer("good.png", GOOD_PNG, "image/png")
    answer("good.jpg", GOOD_JPEG, "image/jpeg")
    answer("huge.png", HUGE, "image/png")
    answer("wrong.png", WEB_PAGE, "image/png")
    answer("chart.png", SVG, "image/svg+xml")
    answer("gone.png", b"Not found", "text/plain", status=404)
    answer("slow.png", SLOW_PNG, "image/png", delay=3)  # the read time-out is 2 s
    answer("new.png", png((0, 160, 80)), "image/png")
    answer("same.png", GOOD_PNG, "image/png")  # good.png's bytes at another address
    return {"page": page, "served": served}


def _srcs(html: str) -> list[str]:
    return [unescape(s) for s in re.findall(r'<img\s(?:[^>]*\s)?src="([^"]*)"', html)]


def _body(html: str) -> str:
    match = re.search(r'<div id="article-body" class="prose">(.*?)</div>', html, re.DOTALL)
    assert match, "no article body in the page"
    return match.group(1)


def _load(client: Client, url: str, **kwargs) -> tuple[int, bytes, object]:
    """GET an image address: status, the bytes, the response (closed: its file too)."""
    response = client.get(url, **kwargs)
    data = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return response.status_code, data, response


def _save(httpserver, user) -> Article:
    """Save the story as a person does, up to the article: its images not fetched yet."""
    job = jobs.submit(httpserver.url_for("/story"), user)
    assert jobs.run(job.pk) == "done"
    job.refresh_from_db()
    return job.article


def test_the_article_is_there_before_its_images_and_shows_them_from_newsroom_after(
    httpserver, site, kept, user, alice_client
):
    started = time.monotonic()
    article = _save(httpserver, user)
    # Saved at once, well before the slow image could have answered; nothing fetched yet.
    assert time.monotonic() - started < 2
    assert site["served"] == {}
    rows = {r.source_url.rsplit("/", 1)[-1]: r for r in article.images.all()}
    assert set(rows) == set(IMAGES)
    assert {r.status for r in rows.values()} == {ArticleImage.Status.PENDING}
    tasks = DBTaskResult.objects.filter(task_path="articles.images.fetch_article_images")
    assert tasks.count() == 1  # one task for the article, not one per image
    page = alice_client.get(article.get_absolute_url()).text
    assert _srcs(page) == []  # waiting: placeholders only, nothing from the source site
    assert page.count('class="image-missing"') == len(IMAGES)

    run_worker()
    rows = {r.source_url.rsplit("/", 1)[-1]: r for r in article.images.all()}
    assert rows["good.png"].status == rows["good.jpg"].status == ArticleImage.Status.STORED
    assert rows["good.png"].content_type == "image/png"
    assert rows["good.jpg"].content_type == "image/jpeg"
    assert rows["good.png"].sha256 == hashlib.sha256(GOOD_PNG).hexdigest()
    assert rows["good.png"].file.name == f"{rows['good.png'].sha256}.png"
    failed = {name: r.error for name, r in rows.items() if r.status == ArticleImage.Status.FAILED}
    assert set(failed) == set(IMAGES) - {"good.png", "good.jpg"}
    assert "64 KB" in failed["huge.png"]
    assert "not a png, jpeg, gif, webp or avif" in failed["wrong.png"]
    assert "SVG" in failed["chart.png"]
    assert "not found" in failed["gone.png"]
    assert "too long" in failed["slow.png"]
    assert all("\n" not in e and len(e) <= 200 for e in failed.values())

    page = alice_client.get(article.get_absolute_url()).text
    body = _body(page)
    srcs = _srcs(body)
    assert len(srcs) == 2
    assert all(src.startswith("/images/") for src in srcs)  # nothing from another host
    assert not re.search(r'<img\s[^>]*src="(?!/images/)', page)
    for name in set(IMAGES) - {"good.png", "good.jpg"}:
        original = httpserver.url_for(f"/img/{name}")
        placeholder = (
            f'<a class="image-missing" data-alt="{IMAGES[name]}" data-state="failed" '
            f'href="{original}" rel="nofollow noopener noreferrer" '
            f'aria-label="Image: {IMAGES[name]} (open the original)"></a>'
        )
        assert placeholder in body
    # The captions are kept, and the text is the article's to the character.
    assert "The northern quay at dawn, in a caption." in article.body_text
    assert text_content(body) == article.body_text

    for src, data, content_type in zip(
        srcs, [GOOD_PNG, GOOD_JPEG], ["image/png", "image/jpeg"], strict=True
    ):
        # Signed out: a share page's visitor loads them too.
        status, body_bytes, response = _load(Client(), src)
        assert status == 200
        assert body_bytes == data
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["X-Content-Type-Options"] == "nosniff"
        etag = response["ETag"]
        assert etag == f'"{hashlib.sha256(data).hexdigest()}"'
        assert _load(Client(), src, headers={"If-None-Match": etag})[0] == 304


def test_a_task_run_twice_stores_nothing_twice(httpserver, site, kept, user):
    site["page"]["html"] = story(["good.png", "good.jpg", "gone.png", "chart.png"])
    article = _save(httpserver, user)
    run_worker()
    before = list(article.images.values_list("pk", "status", "file", "error", "fetched_at"))
    files = sorted(p.name for p in kept.iterdir())
    served = dict(site["served"])
    assert images.fetch_pending(article.pk) == {"stored": 0, "failed": 0}
    images.fetch_article_images.enqueue(article.pk)
    run_worker()
    assert list(article.images.values_list("pk", "status", "file", "error", "fetched_at")) == before
    assert (
        sorted(p.name for p in kept.iterdir())
        == files
        == sorted(
            [
                f"{hashlib.sha256(GOOD_PNG).hexdigest()}.png",
                f"{hashlib.sha256(GOOD_JPEG).hexdigest()}.jpg",
            ]
        )
    )
    assert site["served"] == served  # and fetched nothing again


def test_the_same_image_in_two_articles_is_one_file(httpserver, site, kept, user):
    site["page"]["html"] = story(["good.png"])
    first = _save(httpserver, user)
    html = story(["same.png"]).replace("Harbour reopens", "Harbour closes again")
    html = html.replace("reopened on Monday", "closed again on Friday")
    second = ingest.save(ingest.prepare(html, url=httpserver.url_for("/other")), user).article
    run_worker()
    a, b = first.images.get(), second.images.get()
    assert a.status == b.status == ArticleImage.Status.STORED
    assert a.file.name == b.file.name
    assert [p.name for p in kept.iterdir()] == [a.file.name]


def test_a_refresh_records_and_fetches_the_new_images_and_keeps_the_old_rows(
    httpserver, site, kept, user, alice_client
):
    site["page"]["html"] = story(["good.png", "gone.png"])
    article = _save(httpserver, user)
    run_worker()
    site["page"]["html"] = story(["new.png"]).replace("a week of repairs", "ten days of repairs")
    alice_client.post(reverse("refresh_article", args=[article.pk]))
    run_worker()
    article.refresh_from_db()
    assert "ten days" in article.body_text
    statuses = {r.source_url.rsplit("/", 1)[-1]: r.status for r in article.images.all()}
    # The old text's rows stay: its version on the versions page still shows them.
    assert statuses == {"good.png": "stored", "gone.png": "failed", "new.png": "stored"}
    body = _body(alice_client.get(article.get_absolute_url()).text)
    assert len(_srcs(body)) == 1
    assert "image-missing" not in body
    version = article.versions.get()
    old = alice_client.get(reverse("article_version", args=[article.pk, version.pk])).text
    assert len(_srcs(old)) == 1
    assert _srcs(old)[0].startswith("/images/")
    assert 'data-alt="A photo that moved"' in old


def test_an_image_inside_a_link_is_no_link_itself(kept, user, alice_client):
    html = (
        '<p>See <a href="https://e.org/gallery"><img src="https://e.org/a.png" alt="A map">'
        "the gallery</a> for more.</p><p>And <img src='http://e.org/b.png'> too.</p>"
    )
    article = ingest.ingest(html, user=user).article
    body = _body(alice_client.get(article.get_absolute_url()).text)
    assert (
        '<a href="https://e.org/gallery" rel="nofollow noopener noreferrer">'
        '<span class="image-missing" data-alt="A map" data-state="pending" role="img" '
        'aria-label="Image: A map"></span>the gallery</a>'
    ) in body
    assert 'data-alt="Image" data-state="pending" href="http://e.org/b.png"' in body
    assert text_content(body) == article.body_text
    assert body.count("<a ") == 2


def test_unknown_or_forged_image_addresses_are_not_found(httpserver, site, kept, user):
    site["page"]["html"] = story(["good.png"])
    article = _save(httpserver, user)
    run_worker()
    name = article.images.get(source_url__endswith="/good.png").file.name
    good = images.url_for(name)
    signature = good.split("/")[2]
    client = Client()
    assert _load(client, good)[0] == 200
    other = f"{'0' * 64}.png"
    assert client.get(reverse("article_image", args=[signature, other])).status_code == 404
    assert client.get(reverse("article_image", args=["x" * 43, name])).status_code == 404
    assert client.get(images.url_for(other)).status_code == 404  # signed, but kept by none
    assert client.get(f"/images/{signature}/..%2Fsecret_key").status_code == 404
    assert client.post(good).status_code == 405


def test_the_per_article_cap_fails_what_comes_after_it(httpserver, site, kept, settings, user):
    settings.IMAGE_MAX_ARTICLE_BYTES = len(GOOD_PNG) + 10
    site["page"]["html"] = story(["good.png", "good.jpg"])
    article = _save(httpserver, user)
    run_worker()
    png_row, jpeg_row = article.images.order_by("id")
    assert png_row.status == ArticleImage.Status.STORED
    assert jpeg_row.status == ArticleImage.Status.FAILED
    assert jpeg_row.error == "The article's images would pass 1 KB in all."


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (GOOD_PNG, "image/png"),
        (GOOD_JPEG, "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24), "image/webp"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(16), "image/avif"),
        (b"\x00\x00\x00\x20ftypheic\x00\x00\x00\x00mif1heicavif" + bytes(16), "image/avif"),
    ],
)
def test_the_type_is_read_from_the_bytes(data, kind):
    assert images.sniff(data) == kind


@pytest.mark.parametrize(
    "data",
    [
        SVG,
        b'<?xml version="1.0"?>\n<svg><script>alert(1)</script></svg>',
        WEB_PAGE,
        b"\x00\x00\x00\x1cftypheic\x00\x00\x00\x00mif1heic" + bytes(16),
        b"BM\x00\x00",
        b"",
    ],
)
def test_everything_else_is_refused(data):
    with pytest.raises(ingest.IngestError):
        images.sniff(data)


def test_the_command_records_and_queues_the_images_of_older_articles(httpserver, site, kept, user):
    html = story(["good.png"])
    article = ingest.save(ingest.prepare(html, url=httpserver.url_for("/story")), user).article
    ArticleImage.objects.all().delete()  # as an article saved before images were kept
    DBTaskResult.objects.all().delete()
    out = io.StringIO()
    call_command("images", "fetch", stdout=out)
    assert "Queued 1 image(s) of 1 article(s)" in out.getvalue()
    run_worker()
    assert article.images.get().status == ArticleImage.Status.STORED
    call_command("images", "fetch", stdout=out)  # nothing left to record
    assert "Queued 0 image(s) of 0 article(s)" in out.getvalue()


def test_a_share_page_for_a_signed_out_visitor_shows_the_kept_images(httpserver, site, kept, user):
    site["page"]["html"] = story(["good.png", "gone.png"])
    article = _save(httpserver, user)
    run_worker()
    link = sharing.create_link(user, article, audience="anyone")
    page = Client().get(reverse("share_link", args=[link.token])).text
    srcs = _srcs(page)
    assert len(srcs) == 1
    assert srcs[0].startswith("/images/")
    assert _load(Client(), srcs[0])[:2] == (200, GOOD_PNG)
    assert 'data-alt="A photo that moved"' in page

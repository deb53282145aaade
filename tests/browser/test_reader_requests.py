"""Reading asks no other site for anything: every request the reader and a share page
make goes to Newsroom; kept images show, the others show their alt text."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from articles import images, ingest, sharing
from articles.models import ArticleImage
from tests.test_images import png

pytestmark = pytest.mark.django_db(transaction=True)

BODY_TEXT_JS = "document.getElementById('article-body').textContent"
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
HTML = (
    "<p>The harbour reopened on Monday after a week of repairs to the northern quay.</p>"
    '<figure><img src="https://images.news.example/quay.png" alt="The northern quay" '
    'width="320" height="200"><figcaption>The quay, repaired.</figcaption></figure>'
    "<p>Fishing boats returned at dawn.</p>"
    '<figure><img src="http://cdn.news.example/market.jpg" alt="The fish market at dawn">'
    "<figcaption>The market opened late.</figcaption></figure>"
    '<p>See <a href="https://news.example/gallery"><img src="https://cdn.news.example/map.png" '
    'alt="A map of the port"> the gallery</a> and <img src="https://cdn.news.example/dot.gif">'
    " the dot.</p>"
)


@pytest.fixture
def article(settings, tmp_path, user):
    settings.STORAGES = {
        **settings.STORAGES,
        "images": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "images")},
        },
    }
    article = ingest.ingest(HTML, user=user).article
    # What the worker would have made of them: two kept, the market photo and the map
    # could not be fetched.
    kept = {
        "https://images.news.example/quay.png": png((30, 90, 160), 320, 200),
        "https://cdn.news.example/dot.gif": GIF,
    }
    for url, data in kept.items():
        stored = images._store(data, images.sniff(data))
        ArticleImage.objects.filter(article=article, source_url=url).update(
            status="stored", file=stored.name, sha256=stored.sha256,
            content_type=stored.content_type, size=stored.size, fetched_at=timezone.now(),
        )  # fmt: skip
    ArticleImage.objects.filter(article=article, status="pending").update(
        status="failed", error="The image was not found (HTTP 404).", fetched_at=timezone.now()
    )
    return article


def _visit(page, url: str) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    # Lazy images below the fold load once scrolled to.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    return requested


def _check(page, live_server, article, requested: list[str]) -> None:
    ours = urlsplit(live_server.url).netloc
    assert requested, "no request recorded"
    others = [url for url in requested if urlsplit(url).netloc != ours]
    assert others == []
    widths = page.eval_on_selector_all(
        "#article-body img", "imgs => imgs.map(i => [i.getAttribute('src'), i.naturalWidth])"
    )
    assert len(widths) == 2
    assert all(src.startswith("/images/") and width > 0 for src, width in widths)
    placeholders = page.locator("#article-body .image-missing")
    assert placeholders.count() == 2
    for alt in ("The fish market at dawn", "A map of the port"):
        placeholder = page.locator(f'#article-body .image-missing[data-alt="{alt}"]')
        assert placeholder.is_visible()
        shown = placeholder.evaluate("e => getComputedStyle(e, '::before').content")
        assert shown == f'"{alt}"'
        assert alt in placeholder.get_attribute("aria-label")
    # The market photo links to its original; the map is already inside a link.
    market = page.locator('#article-body a.image-missing[data-alt="The fish market at dawn"]')
    assert market.get_attribute("href") == "http://cdn.news.example/market.jpg"
    assert page.locator("#article-body a a").count() == 0
    assert page.evaluate(BODY_TEXT_JS) == article.body_text
    assert page.console.errors == []


def test_the_reader_asks_no_other_host_for_anything(signed_in, live_server, article):
    requested = _visit(signed_in, live_server.url + article.get_absolute_url())
    _check(signed_in, live_server, article, requested)


def test_a_share_page_shows_kept_images_to_a_visitor_signed_out(page, live_server, article, user):
    link = sharing.create_link(user, article, audience="anyone")
    requested = _visit(page, live_server.url + link.get_absolute_url())
    assert page.locator("#article-body").is_visible()
    _check(page, live_server, article, requested)

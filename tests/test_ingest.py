"""Ingest: decoding, refusals, duplicates, and what lands in the database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from articles import sanitize
from articles.errors import IngestError
from articles.ingest import ingest, prepare
from articles.models import Article
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db

STORY = (
    "Harbour Strike Enters Second Week\n\n"
    "By Jane Doe\n\n"
    "March 3, 2025\n\n"
    "Dock workers in Rotterdam stayed off the job for an eighth day on Monday,\n"
    "leaving container ships waiting outside the port.\n\n"
    "The union said talks with the port authority would resume on Thursday.\n"
)


def test_it_saves_a_plain_text_story_with_its_metadata(user):
    result = ingest(STORY.encode(), filename="strike.txt", user=user)
    article = result.article
    assert not result.duplicate
    assert article.title == "Harbour Strike Enters Second Week"
    assert article.byline == "Jane Doe"
    assert article.published_at.date().isoformat() == "2025-03-03"
    assert article.paragraph_count == 2
    assert article.body_text.startswith("Dock workers in Rotterdam stayed off the job")
    assert "\n" not in article.body_text.split("\n\n")[0]
    assert article.added_by == user
    assert article.language == "en"
    assert article.word_count > 20
    assert article.reading_minutes == 1


def test_body_text_is_the_text_content_of_body_html():
    article = ingest(STORY.encode(), filename="strike.txt").article
    assert article.body_text == sanitize.text_content(article.body_html)


def test_the_sample_becomes_a_clean_article():
    sample = shared_file("samples", "north-korean-troops.txt")
    article = ingest(sample.read_bytes(), filename=sample.name).article
    assert article.title.lower() == "ukraine says russia to deploy 10k north korean troops"
    assert article.byline == "AFP"
    assert article.site_name == "themoscowtimes.com"
    assert article.source_url == (
        "https://www.themoscowtimes.com/2024/10/17/ukraine-says-russia-to-deploy-10k-north-korean-troops-a86731"
    )
    assert article.published_at.date().isoformat() == "2024-10-17"
    assert article.paragraph_count == 12
    assert article.body_text.startswith(
        "Russia is preparing to deploy 10,000 North Korean soldiers in the fight against Kyiv, "
        "Ukrainian President Volodymyr Zelensky said Thursday"
    )
    assert "http" not in article.body_text
    assert "Related article" not in article.body_text
    assert "Original url" not in article.body_text
    assert len(article.related_links) == 1
    assert article.related_links[0]["url"].endswith("killed-in-ukraine-seoul")


def test_the_same_text_twice_is_a_duplicate_and_adds_nothing():
    first = ingest(STORY.encode(), filename="a.txt")
    second = ingest(STORY.replace("Monday,", "Monday, ").encode(), filename="b.txt")
    assert second.duplicate
    assert second.article.pk == first.article.pk
    assert Article.objects.count() == 1


def test_the_same_canonical_url_is_a_duplicate_even_with_other_text():
    page = (
        "<html><head><title>{t}</title><link rel=canonical href='https://news.example.org/a?utm_source=x'>"
        "</head><body><article><h1>{t}</h1>{p}</article></body></html>"
    )
    paragraphs = "".join(
        f"<p>Paragraph {i} of a long story about a harbour and its workers.</p>" for i in range(8)
    )
    first = ingest(page.format(t="Harbour story", p=paragraphs).encode(), filename="a.html")
    second = ingest(
        page.format(t="Harbour story", p=paragraphs.replace("harbour", "port")).encode(),
        filename="b.html",
    )
    assert first.article.source_url == "https://news.example.org/a"
    assert second.duplicate
    assert Article.objects.count() == 1


def test_racing_ingests_of_one_story_make_one_article(transactional_db):
    results, errors = [], []

    def run():
        try:
            results.append(ingest(STORY.encode(), filename="s.txt"))
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Article.objects.count() == 1
    assert sorted(r.duplicate for r in results) == [False, True, True, True]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"   \n\n  \t", "blank.txt", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "report.txt", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "pic.html", "PNG"),
        (bytes(range(256)) * 20, "noise.txt", "binary"),
        (b"Some text", "story.pdf", ".pdf"),
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "nav.html", "article"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_saves_nothing(data, filename, message):
    with pytest.raises(IngestError, match=message):
        ingest(data, filename=filename)
    assert Article.objects.count() == 0


def test_an_oversized_article_is_refused(settings):
    settings.MAX_ARTICLE_BYTES = 2048
    with pytest.raises(IngestError, match=r"up to 2 KB"):
        ingest(b"word " * 1000, filename="big.txt")
    assert Article.objects.count() == 0


def test_it_detects_a_legacy_encoding():
    text = "Москва\n\nВ понедельник в Москве прошла большая встреча журналистов и редакторов газет."
    article = ingest(text.encode("cp1251"), filename="ru.txt").article
    assert "В понедельник в Москве" in article.body_text
    assert article.language == "ru"


def test_it_reads_utf16_with_a_bom():
    article = ingest(STORY.encode("utf-16"), filename="u16.txt").article
    assert article.title == "Harbour Strike Enters Second Week"


def test_pasted_html_fragment_is_sanitised_and_kept_as_the_body():
    doc = prepare(
        "<h1>Short note</h1><p>First <b>bold</b> point.</p><script>alert(1)</script><p>Second point.</p>"
    )
    assert doc.title == "Short note"
    assert "script" not in doc.body_html
    assert "alert" not in doc.body_text
    assert doc.body_text == "First bold point.\n\nSecond point."


def test_pasted_plain_text_is_parsed_as_text():
    doc = prepare("Plain title\n\nA first paragraph that is clearly prose, not markup at all.")
    assert doc.kind == Article.Kind.TEXT
    assert doc.title == "Plain title"


def test_related_links_keep_only_web_urls():
    doc = prepare(STORY)
    for link in doc.related:
        assert link["url"] == "" or link["url"].startswith(("http://", "https://"))


def test_a_pasted_fragments_title_is_text_not_markup():
    from articles import ingest

    doc = ingest.prepare(
        "<h1>S&amp;P 500 falls &lt;again&gt;</h1><p>The index of the largest companies fell "
        "again on Monday as investors sold shares of banks and insurers.</p>"
    )
    assert doc.title == "S&P 500 falls <again>"


@pytest.mark.django_db(transaction=True)
def test_a_feed_items_title_keeps_its_ampersand(httpserver, user, settings):
    from werkzeug import Response

    from articles import feeds
    from articles.models import Article, Feed
    from tests.fetching import LONG, item, rss

    settings.FETCH_ALLOW_PRIVATE = True
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda _r: Response(
            rss(item("i1", "S&amp;P 500 falls", link="https://markets.example/sp",
                     content=f"<p>{LONG}</p>")),
            content_type="application/rss+xml",
        )
    )  # fmt: skip
    feeds.poll(Feed.objects.create(url=httpserver.url_for("/feed.xml"), added_by=user))
    assert Article.objects.get().title == "S&P 500 falls"

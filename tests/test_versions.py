"""Refresh and versions: a changed story keeps its earlier text, annotations are
re-anchored (orphans listed, never misplaced), the reader says it was updated since you
annotated it, and the versions page marks insertions and deletions side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse
from werkzeug import Response

from articles import jobs, versions
from articles.models import Annotation, Article, ArticleVersion, FetchJob
from tests.factories import form_fields, highlight, make_article
from tests.fetching import page, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

V1 = page(
    "Harbour reopens after repairs",
    "The harbour reopened on Monday after a week of repairs to the northern quay.",
    "Fishing boats returned at dawn, and the market opened an hour later than usual.",
    "The mayor said the closure had cost the town about two million euros.",
    "Traders welcomed the news but asked for compensation for the lost week.",
)
V2 = page(
    "Harbour reopens after repairs",
    "The harbour reopened on Monday after ten days of repairs to the northern quay.",
    "Fishing boats returned at dawn, and the market opened an hour later than usual.",
    "Traders welcomed the news but asked for compensation for the lost week.",
    "The port authority will inspect the southern quay next spring.",
)


@pytest.fixture(autouse=True)
def allow_private(settings):
    settings.FETCH_ALLOW_PRIVATE = True


@pytest.fixture
def story(httpserver):
    """The page's current text can be swapped, as a newsroom edits a story."""
    current = {"html": V1}
    httpserver.expect_request("/story").respond_with_handler(
        lambda _r: Response(current["html"], content_type="text/html")
    )
    return current


def _save(httpserver, user):
    job = jobs.submit(httpserver.url_for("/story"), user)
    run_worker()
    job.refresh_from_db()
    return job.article


def test_refresh_keeps_the_old_text_and_reanchors_annotations(
    httpserver, story, user, alice_client
):
    article = _save(httpserver, user)
    boats = highlight(article, user, "Fishing boats returned at dawn", note="Check with the port")
    mayor = highlight(article, user, "two million euros", note="Source?")

    story["html"] = V2
    response = alice_client.post(reverse("refresh_article", args=[article.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("article_versions", args=[article.pk])
    run_worker()

    article.refresh_from_db()
    assert "ten days of repairs" in article.body_text
    old = ArticleVersion.objects.get(article=article)
    assert "two million euros" in old.body_text
    assert "ten days" not in old.body_text

    boats.refresh_from_db()
    mayor.refresh_from_db()
    assert boats.status == Annotation.Status.ANCHORED
    assert article.body_text[boats.start : boats.end] == "Fishing boats returned at dawn"
    assert mayor.status == Annotation.Status.ORPHANED  # the sentence is gone: not misplaced
    assert mayor.exact == "two million euros"

    reader = alice_client.get(article.get_absolute_url()).text
    assert "Updated since you annotated it." in reader
    assert "two million euros" in reader  # listed under "Needs review"

    page_html = alice_client.get(reverse("article_versions", args=[article.pk])).text
    assert "<del>a week </del>" in page_html
    assert "<ins>ten days </ins>" in page_html
    assert "two million euros" in page_html  # the deleted paragraph, marked
    assert "1 annotation needs review" in page_html


def test_an_unchanged_story_keeps_no_version(httpserver, story, user, alice_client):
    article = _save(httpserver, user)
    highlight(article, user, "Fishing boats")
    alice_client.post(reverse("refresh_article", args=[article.pk]))
    run_worker()
    assert FetchJob.objects.filter(purpose=FetchJob.Purpose.REFRESH).get().status == "done"
    assert not ArticleVersion.objects.exists()
    assert (
        "Updated since you annotated it." not in alice_client.get(article.get_absolute_url()).text
    )
    assert (
        "Only one version so far."
        in alice_client.get(reverse("article_versions", args=[article.pk])).text
    )


def test_annotations_made_after_the_update_do_not_show_the_notice(
    httpserver, story, user, alice_client
):
    article = _save(httpserver, user)
    story["html"] = V2
    alice_client.post(reverse("refresh_article", args=[article.pk]))
    run_worker()
    article.refresh_from_db()
    highlight(article, user, "ten days of repairs")
    assert (
        "Updated since you annotated it." not in alice_client.get(article.get_absolute_url()).text
    )


def test_a_failed_refresh_changes_nothing_and_says_why(httpserver, story, user, alice_client):
    article = _save(httpserver, user)
    httpserver.clear()
    httpserver.expect_request("/story").respond_with_data("", status=410)
    alice_client.post(reverse("refresh_article", args=[article.pk]))
    run_worker()
    article.refresh_from_db()
    assert "a week of repairs" in article.body_text
    page_html = alice_client.get(reverse("article_versions", args=[article.pk])).text
    assert "The last refresh failed: The page was not found (HTTP 410)." in page_html


def test_an_article_without_an_address_cannot_be_refreshed(alice_client):
    article = make_article("A pasted story about the harbour and its long week of repairs.")
    response = alice_client.post(reverse("refresh_article", args=[article.pk]), follow=True)
    assert "no web address" in response.text
    assert not FetchJob.objects.exists()


def test_the_word_diff_marks_insertions_and_deletions():
    diff = versions.diff("The cat sat on the mat.", "The dog sat on the red mat.")
    before = "".join(f"[-{s.text}-]" if s.kind == "del" else s.text for s in diff.before)
    after = "".join(f"{{+{s.text}+}}" if s.kind == "ins" else s.text for s in diff.after)
    assert before == "The [-cat -]sat on the mat."
    assert after == "The {+dog +}sat on the {+red +}mat."
    assert (diff.inserted_words, diff.deleted_words) == (2, 1)


def test_a_paragraph_added_at_the_end_changes_no_old_word():
    old = "Dock workers struck.\n\nTalks resume next week."
    diff = versions.diff(old, old + "\n\nA deal was signed.")
    assert [s.kind for s in diff.before] == ["same"]
    assert (diff.inserted_words, diff.deleted_words) == (4, 0)


def test_the_command_line_update_keeps_a_version(httpserver, story, user):
    from django.core.management import call_command

    article = _save(httpserver, user)
    story["html"] = V2
    call_command("ingest", "--update", httpserver.url_for("/story"))
    assert ArticleVersion.objects.filter(article=article).count() == 1
    assert Article.objects.count() == 1


def test_the_versions_page_polls_only_while_a_refresh_is_on_its_way(
    httpserver, story, user, alice_client
):
    article = _save(httpserver, user)
    story["html"] = V2
    alice_client.post(reverse("refresh_article", args=[article.pk]))
    waiting = alice_client.get(reverse("article_versions", args=[article.pk])).text
    assert "Fetching the current text of the story…" in waiting
    assert 'hx-trigger="every 2s"' in waiting
    run_worker()
    done = alice_client.get(reverse("article_versions", args=[article.pk])).text
    assert 'hx-trigger="every 2s"' not in done
    assert "<ins>ten days </ins>" in done


# ---------- every way a text changes keeps the old one and tells the annotator ----------

OLD_SENTENCE = "The mayor said the closure had cost the town about two million euros."


def _kept_and_noticed(article, client, old_words: str) -> None:
    """What a person notices after any text change: the old text is a version, the
    reader says it changed since they annotated it, the versions page shows the diff."""
    article.refresh_from_db()
    assert article.text_changed_at is not None
    old = ArticleVersion.objects.get(article=article)
    assert old_words in old.body_text
    assert old_words not in article.body_text
    assert "Updated since you annotated it." in client.get(article.get_absolute_url()).text
    versions_page = client.get(reverse("article_versions", args=[article.pk])).text
    assert "Only one version so far." not in versions_page


def test_an_admin_edit_of_the_text_keeps_a_version(admin_client, admin_user):
    article = make_article(V1, url="https://harbour.example/story")
    highlight(article, admin_user, "Fishing boats returned at dawn")
    url = reverse("admin:articles_article_change", args=[article.pk])

    fields = form_fields(admin_client.get(url).text)
    data = {**fields, "body_html": article.body_html.replace(f"<p>{OLD_SENTENCE}</p>", "")}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.text[:2000]
    _kept_and_noticed(article, admin_client, "two million euros")


def test_an_admin_edit_to_an_empty_text_is_refused_on_the_form(admin_client):
    article = make_article(V1)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = admin_client.post(url, {"title": article.title, "body_html": "<p> </p>"})
    assert response.status_code == 200
    assert "The new text is empty." in response.text
    article.refresh_from_db()
    assert "two million euros" in article.body_text
    assert not ArticleVersion.objects.exists()


def test_ingest_update_of_a_file_keeps_a_version(tmp_path, user, alice_client):
    from django.core.management import call_command

    source = "Original url: https://harbour.example/2025/03/03/reopens\n\n"
    first = f"Harbour reopens\n\nFishing boats returned at dawn.\n\n{OLD_SENTENCE}"
    path = tmp_path / "story.txt"
    path.write_text(source + first)
    call_command("ingest", str(path))
    article = Article.objects.get()
    highlight(article, user, "Fishing boats returned at dawn")
    path.write_text(source + first.replace(OLD_SENTENCE, "Traders asked for compensation."))
    call_command("ingest", "--update", str(path))
    assert Article.objects.count() == 1
    _kept_and_noticed(article, alice_client, "two million euros")


def test_a_refresh_keeps_a_version(httpserver, story, user, alice_client):
    article = _save(httpserver, user)
    highlight(article, user, "Fishing boats returned at dawn")
    story["html"] = V2
    alice_client.post(reverse("refresh_article", args=[article.pk]))
    run_worker()
    _kept_and_noticed(article, alice_client, "two million euros")


def test_a_changed_feed_entry_updates_its_article_and_keeps_a_version(
    httpserver, user, alice_client
):
    from articles import feeds
    from articles.models import Feed
    from tests.fetching import LONG, item, rss

    served = {"content": f"<p>{LONG}</p><p>{OLD_SENTENCE}</p>"}
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda _r: Response(
            rss(item("a1", "Budget agreed", link="https://harbour.example/budget",
                     content=served["content"])),
            content_type="application/rss+xml",
        )
    )  # fmt: skip
    feed = Feed.objects.create(url=httpserver.url_for("/feed.xml"), added_by=user)
    assert feeds.poll(feed).new_items == 1
    article = Article.objects.get()
    highlight(article, user, "agreed the new budget")

    assert feeds.poll(feed).updated_items == 0  # the same entry again changes nothing
    assert not ArticleVersion.objects.exists()

    served["content"] = f"<p>{LONG}</p><p>Traders asked for compensation.</p>"
    result = feeds.poll(feed)
    assert (result.new_items, result.updated_items) == (0, 1)
    assert Article.objects.count() == 1
    _kept_and_noticed(article, alice_client, "two million euros")

"""Annotations you can trust when the story changes: each keeps the words it was written
on; after a text change it is unchanged, changed (flagged, with a was/now diff) or
orphaned; changed and orphaned ones need review (Still stands, Move, Detach), logged."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from werkzeug import Response

from articles import annotations as annotating
from articles import feeds, ingest, jobs, sharing, versions
from articles.models import (
    Annotation,
    AnnotationReview,
    Article,
    ArticleVersion,
    ColorLabel,
    Feed,
)
from tests.factories import form_fields, highlight, make_article, signed_in, span
from tests.fetching import LONG, item, page, rss, run_worker

pytestmark = pytest.mark.django_db

MAYOR = "The mayor said the closure had cost the town about two million euros."
TRADERS = "Traders welcomed the news but asked for compensation for the lost week."
INSPECT = "The port authority will inspect the southern quay next spring."
PARAGRAPHS = [
    "The harbour reopened on Monday after a week of repairs to the northern quay.",
    "Fishing boats returned at dawn, and the market opened an hour later than usual.",
    MAYOR,
    TRADERS,
    INSPECT,
]
# The edit a newsroom makes: a figure corrected, a paragraph dropped.
EDITED = [PARAGRAPHS[0], MAYOR.replace("two million", "2.5 million"), TRADERS, INSPECT]
COST = "cost the town about two million euros"
NEW_COST = "cost the town about 2.5 million euros"


def _text(paragraphs: list[str]) -> str:
    return "Harbour reopens after repairs\n\n" + "\n\n".join(paragraphs)


def _replace(article, paragraphs: list[str]) -> versions.Applied:
    doc = ingest.body_document("".join(f"<p>{p}</p>" for p in paragraphs), title=article.title)
    return versions.replace_text(article, doc)


@pytest.fixture
def story():
    return make_article(_text(PARAGRAPHS))


@pytest.fixture
def assertive():
    ColorLabel.objects.update_or_create(
        color="green", defaults={"label": "Verified claim", "asserts": True}
    )


def _annotated(story, user):
    """A verified figure, a note on a sentence that will go, one on words that stay."""
    return {
        "figure": highlight(story, user, COST, color="green", note="Checked with the council"),
        "gone": highlight(story, user, "returned at dawn", note="Which boats?"),
        "kept": highlight(story, user, "asked for compensation"),
    }


def _fresh(annotations: dict[str, Annotation]) -> dict[str, Annotation]:
    return {k: Annotation.objects.get(pk=a.pk) for k, a in annotations.items()}


# --- What an annotation remembers ---------------------------------------------------------


def test_an_edited_passage_keeps_its_original_words_and_is_flagged_changed(story, user):
    made = _annotated(story, user)
    result = _replace(story, EDITED)
    assert (result.reanchored.changed, result.reanchored.orphaned) == (1, 1)
    figure, gone, kept = _fresh(made).values()
    version = ArticleVersion.objects.get(article=story)

    assert figure.status == Annotation.Status.CHANGED
    assert figure.exact == NEW_COST  # where it is now
    assert figure.original_exact == COST  # what it was written on, for good
    assert version.body_text[figure.original_start : figure.original_end] == COST
    assert figure.written_on == version

    assert gone.status == Annotation.Status.ORPHANED
    assert gone.original_exact == "returned at dawn"
    assert kept.status == Annotation.Status.ANCHORED
    assert kept.exact == kept.original_exact


def test_the_original_outlives_a_second_change(story, user):
    made = _annotated(story, user)
    _replace(story, EDITED)
    _replace(story, [p.replace("2.5 million", "three million") for p in EDITED])
    figure = Annotation.objects.get(pk=made["figure"].pk)
    first = ArticleVersion.objects.filter(article=story).order_by("replaced_at", "id").first()
    assert figure.original_exact == COST
    assert figure.written_on == first  # the text it was written on, not the one in between
    assert figure.exact == "cost the town about three million euros"
    assert figure.status == Annotation.Status.CHANGED


def test_the_same_words_restored_are_unchanged_again(story, user):
    made = _annotated(story, user)
    _replace(story, EDITED)
    _replace(story, PARAGRAPHS)
    assert Annotation.objects.get(pk=made["figure"].pk).status == Annotation.Status.ANCHORED


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("the town's harbour", "the town’s harbour"),  # a curly apostrophe
        ("repairs - to the quay", "repairs – to the quay"),  # a dash
        ("prices rose...", "prices rose…"),  # an ellipsis
    ],
)
def test_typography_alone_leaves_an_annotation_unchanged(user, old, new):
    text = f"Harbour news\n\nAfter the storm {old} was closed for a week, officials said today."
    article = make_article(text)
    made = highlight(article, user, old)
    _replace(article, [text.split("\n\n")[1].replace(old, new)])
    made.refresh_from_db()
    assert made.exact == new
    assert made.status == Annotation.Status.ANCHORED


def test_same_words_ignores_spacing_and_typography_but_not_figures_or_letters():
    assert annotating.same_words("“It’s done” — he said…", '"It\'s  done" - he\nsaid...')
    assert not annotating.same_words("10,000 troops", "12,000 troops")
    assert not annotating.same_words("missiles", "shells")
    assert not annotating.same_words("He said.", "He said,")


def test_a_new_annotation_s_original_is_its_own_words(story, user):
    made = highlight(story, user, "Fishing boats")
    assert (made.original_exact, made.original_start, made.original_end) == (
        "Fishing boats",
        made.start,
        made.end,
    )
    assert made.written_on is None
    assert made.original_at == made.created_at


# --- Every writer of the text ----------------------------------------------------------------


def _review_state(article, user) -> None:
    """What the annotator finds after any writer changed the text: the figure on changed
    words with its was/now diff, the sentence gone orphaned, both under Needs review."""
    figure = Annotation.objects.get(article=article, original_exact=COST)
    gone = Annotation.objects.get(article=article, original_exact="returned at dawn")
    assert figure.status == Annotation.Status.CHANGED
    assert figure.exact == NEW_COST
    assert gone.status == Annotation.Status.ORPHANED
    reader = signed_in(user).get(article.get_absolute_url()).text
    review = reader[reader.index('id="review-heading"') : reader.index('id="passages-heading"')]
    assert "The text changed since this was written." in review
    assert "<del>two </del>" in review
    assert "<ins>2.5 </ins>" in review
    assert "Its words are no longer in the text." in review
    assert "returned at dawn" in review
    assert f'data-ids="{figure.pk}" data-color="green" data-kind="highlight" data-state' in reader


def _highlight_both(article, user):
    highlight(article, user, COST, color="green")
    highlight(article, user, "returned at dawn")


def test_an_admin_edit_flags_changed_annotations(admin_client, admin_user):
    article = make_article(_text(PARAGRAPHS))
    _highlight_both(article, admin_user)
    url = reverse("admin:articles_article_change", args=[article.pk])
    body = "".join(f"<p>{p}</p>" for p in EDITED)
    response = admin_client.post(
        url, {**form_fields(admin_client.get(url).text), "body_html": body}
    )
    assert response.status_code == 302
    messages = admin_client.get(url).text
    assert "1 on changed words, 1 orphaned; 2 need review" in messages
    _review_state(article, admin_user)


def test_ingest_update_of_a_file_flags_changed_annotations(tmp_path, user, capsys):
    source = "Original url: https://harbour.example/2025/03/03/reopens\n\n"
    path = tmp_path / "story.txt"
    path.write_text(source + _text(PARAGRAPHS))
    call_command("ingest", str(path))
    article = Article.objects.get()
    _highlight_both(article, user)
    path.write_text(source + _text(EDITED))
    call_command("ingest", "--update", str(path))
    assert "1 on changed words, 1 orphaned; 2 need review" in capsys.readouterr().out
    _review_state(article, user)


@pytest.mark.django_db(transaction=True)
def test_a_refresh_flags_changed_annotations(httpserver, user, settings):
    settings.FETCH_ALLOW_PRIVATE = True
    served = {"html": page("Harbour reopens after repairs", *PARAGRAPHS)}
    httpserver.expect_request("/story").respond_with_handler(
        lambda _r: Response(served["html"], content_type="text/html")
    )
    job = jobs.submit(httpserver.url_for("/story"), user)
    run_worker()
    job.refresh_from_db()
    _highlight_both(job.article, user)
    served["html"] = page("Harbour reopens after repairs", *EDITED)
    signed_in(user).post(reverse("refresh_article", args=[job.article.pk]))
    run_worker()
    _review_state(job.article, user)


@pytest.mark.django_db(transaction=True)
def test_a_feed_re_poll_flags_changed_annotations(httpserver, user, settings):
    settings.FETCH_ALLOW_PRIVATE = True  # the feed is served on 127.0.0.1
    served = {"content": "".join(f"<p>{p}</p>" for p in [LONG, *PARAGRAPHS])}
    httpserver.expect_request("/feed.xml").respond_with_handler(
        lambda _r: Response(
            rss(item("a1", "Harbour reopens", link="https://harbour.example/reopens",
                     content=served["content"])),
            content_type="application/rss+xml",
        )
    )  # fmt: skip
    feed = Feed.objects.create(url=httpserver.url_for("/feed.xml"), added_by=user)
    feeds.poll(feed)
    article = Article.objects.get()
    _highlight_both(article, user)
    served["content"] = "".join(f"<p>{p}</p>" for p in [LONG, *EDITED])
    assert feeds.poll(feed).updated_items == 1
    _review_state(article, user)


# --- Reviewing -------------------------------------------------------------------------------


def test_still_stands_makes_the_new_words_the_original_and_logs_the_old(story, user, alice_client):
    made = _annotated(story, user)
    _replace(story, EDITED)
    response = alice_client.post(reverse("review_still_stands", args=[made["figure"].pk]))
    assert response.status_code == 302
    figure = Annotation.objects.get(pk=made["figure"].pk)
    assert figure.status == Annotation.Status.ANCHORED
    assert figure.original_exact == NEW_COST
    assert figure.written_on is None  # written on (confirmed on) the current text
    review = AnnotationReview.objects.get(annotation=figure)
    assert (review.action, review.by, review.status) == ("still_stands", user, "changed")
    assert (review.was_exact, review.now_exact) == (COST, NEW_COST)
    assert review.was_written_on == ArticleVersion.objects.get(article=story)
    reader = alice_client.get(story.get_absolute_url()).text
    card = reader[reader.index(f'id="card-{figure.pk}"') :]
    assert "The text changed since this was written." not in card[: card.index("</li>")]
    assert "Still stands by alice" in card
    assert f"was “{COST}”" in card


def test_still_stands_is_refused_for_an_orphan_and_an_unchanged_annotation(
    story, user, alice_client
):
    made = _annotated(story, user)
    _replace(story, EDITED)
    for name, why in (("gone", "move or detach it"), ("kept", "Only an annotation whose")):
        response = alice_client.post(
            reverse("review_still_stands", args=[made[name].pk]), headers={"HX-Request": "true"}
        )
        assert response.status_code == 400
        assert why in response.text
    assert not AnnotationReview.objects.exists()


def test_move_attaches_the_annotation_to_other_words(story, user, alice_client):
    made = _annotated(story, user)
    _replace(story, EDITED)
    story.refresh_from_db()
    target = span(story, "inspect the southern quay")
    response = alice_client.post(reverse("review_move", args=[made["gone"].pk]), target)
    assert response.status_code == 302
    moved = Annotation.objects.get(pk=made["gone"].pk)
    assert (moved.start, moved.exact, moved.status) == (
        target["start"],
        "inspect the southern quay",
        Annotation.Status.ANCHORED,
    )
    assert moved.original_exact == "inspect the southern quay"
    assert moved.note == "Which boats?"  # the same annotation, note and all
    review = moved.reviews.get()
    assert (review.action, review.was_exact) == ("move", "returned at dawn")


def test_move_refuses_a_selection_that_does_not_match_the_text(story, user, alice_client):
    made = _annotated(story, user)
    _replace(story, EDITED)
    bad = {"start": "0", "end": "5", "quote": "nothing like it"}
    response = alice_client.post(
        reverse("review_move", args=[made["gone"].pk]), bad, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert Annotation.objects.get(pk=made["gone"].pk).status == Annotation.Status.ORPHANED


def test_detach_makes_a_page_note_that_keeps_the_original_quote(story, user, alice_client):
    made = _annotated(story, user)
    _replace(story, EDITED)
    alice_client.post(reverse("review_detach", args=[made["gone"].pk]))
    note = Annotation.objects.get(pk=made["gone"].pk)
    assert note.is_page_note
    assert (note.exact, note.original_exact) == ("returned at dawn",) * 2
    assert note.status == Annotation.Status.ANCHORED
    reader = alice_client.get(story.get_absolute_url()).text
    notes = reader[reader.index('id="page-notes-heading"') : reader.index('id="passages-heading"')]
    assert "returned at dawn" in notes
    assert "Which boats?" in notes
    assert "Its words are no longer in the text." not in reader  # reviewed: not listed
    assert note.reviews.get().action == "detach"


def test_a_colleague_cannot_review_someone_elses_annotation(story, user, bob, desk):
    made = highlight(story, user, COST, audience=desk)
    _replace(story, EDITED)
    for name in ("review_still_stands", "review_detach"):
        assert signed_in(bob).post(reverse(name, args=[made.pk])).status_code == 403
    reader = signed_in(bob).get(story.get_absolute_url()).text
    assert "The text changed since this was written." in reader  # bob sees it changed…
    assert "still-stands/" not in reader  # …but is offered no review
    assert Annotation.objects.get(pk=made.pk).status == Annotation.Status.CHANGED


# --- Assertive colours ------------------------------------------------------------------------


def test_a_changed_assertion_is_withheld_until_reviewed(story, user, alice_client, assertive):
    made = _annotated(story, user)
    _replace(story, EDITED)
    reader = alice_client.get(story.get_absolute_url()).text
    figure = made["figure"].pk
    assert f'data-ids="{figure}" data-color="green" data-kind="highlight" data-state="recheck"' in (
        reader
    )
    card = reader[reader.index(f'id="card-{figure}"') :]
    assert "Needs re-check" in card[: card.index("card-actions")]
    alice_client.post(reverse("review_still_stands", args=[figure]))
    reader = alice_client.get(story.get_absolute_url()).text
    assert 'data-state="recheck"' not in reader
    assert "Needs re-check" not in reader


def test_a_changed_annotation_in_an_ordinary_colour_is_only_hatched(story, user, alice_client):
    made = highlight(story, user, COST, color="yellow")
    _replace(story, EDITED)
    reader = alice_client.get(story.get_absolute_url()).text
    assert (
        f'data-ids="{made.pk}" data-color="yellow" data-kind="highlight" data-state="changed"'
        in (reader)
    )
    assert "Needs re-check" not in reader


# --- Where review is asked for ---------------------------------------------------------------


def test_the_library_filters_and_counts_what_needs_review(story, user, bob, alice_client):
    _annotated(story, user)
    calm = make_article(_text(PARAGRAPHS[:2]) + "\n\nNothing else changed.")
    highlight(calm, user, "Fishing boats")
    _replace(story, EDITED)
    library = alice_client.get(reverse("library")).text
    row = library[library.index(f'id="article-{story.pk}"') :]
    assert "2 to review" in row[: row.index("</li>")]
    review = alice_client.get(reverse("library"), {"view": "review"}).text
    assert story.title in review
    assert f'id="article-{calm.pk}"' not in review
    assert 'id="view-review"' in review
    # Shared with Everyone: bob sees them, and so is asked to review them too.
    assert "2 to review" in signed_in(bob).get(reverse("library")).text


def test_a_private_annotation_that_needs_review_counts_for_its_author_only(story, user, bob):
    highlight(story, user, COST, audience=None)
    _replace(story, EDITED)
    assert "1 to review" in signed_in(user).get(reverse("library")).text
    assert "to review" not in signed_in(bob).get(reverse("library")).text
    nothing = signed_in(bob).get(reverse("library"), {"view": "review"}).text
    assert "Nothing to review." in nothing


def test_the_activity_lists_a_groups_annotations_that_need_review(story, user, bob, desk):
    highlight(story, user, COST, audience=desk, note="Desk check")
    _replace(story, EDITED)
    for person in (user, bob):
        page_html = signed_in(person).get(reverse("library")).text
        activity = page_html[page_html.index('id="review-activity-heading"') :]
        assert COST in activity
        assert "Words changed" in activity


# --- Reading it as it was ---------------------------------------------------------------------


def test_an_annotation_opens_on_the_version_it_was_written_on(story, user, alice_client):
    made = _annotated(story, user)
    _replace(story, EDITED)
    version = ArticleVersion.objects.get(article=story)
    reader = alice_client.get(story.get_absolute_url()).text
    link = f"/articles/{story.pk}/versions/{version.pk}/?a={made['gone'].pk}"
    assert link in reader  # "Read it as it was" on the orphan's card
    old = alice_client.get(link).text
    assert "An earlier version." in old
    assert "Fishing boats " in old  # the paragraph that is gone now
    assert f'id="annotation-{made["gone"].pk}"' in old
    assert "Here it is on the words it was written on." in old


def test_a_version_of_another_article_is_not_found(story, user, alice_client):
    _replace(story, EDITED)
    other = make_article(_text(["Another story entirely, about ferries and their timetables."]))
    version = ArticleVersion.objects.get(article=story)
    url = reverse("article_version", args=[other.pk, version.pk])
    assert alice_client.get(url).status_code == 404


def test_the_versions_page_shows_the_annotations_on_each_side(story, user, alice_client):
    _annotated(story, user)
    _replace(story, EDITED)
    page_html = alice_client.get(reverse("article_versions", args=[story.pk])).text
    before = page_html[
        page_html.index('id="before-heading"') : page_html.index('id="after-heading"')
    ]
    after = page_html[page_html.index('id="after-heading"') :]
    assert "3 annotations written on this text" in before
    assert '<mark class="hl" data-color="yellow">returned at dawn</mark>' in before.replace(
        "<del>", ""
    ).replace("</del>", "")
    assert "2 annotations on the current text" in after
    assert '<mark class="hl" data-color="green">' in after


def test_a_share_link_withholds_a_changed_assertion_too(story, user, client, assertive):
    made = highlight(story, user, COST, color="green")
    link = sharing.create_link(user, story, audience="anyone")
    _replace(story, EDITED)
    shared = client.get(link.get_absolute_url()).text
    assert (
        f'data-ids="{made.pk}" data-color="green" data-kind="highlight" data-state="recheck"'
        in (shared)
    )
    assert "Needs re-check" in shared
    assert "still-stands/" not in shared  # a visitor reviews nothing
    assert "/versions/" not in shared  # nor opens the stored versions

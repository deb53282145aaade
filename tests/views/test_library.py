"""The library page (articles/views/library.py): its views, label filters, pagination and
query count, the activity feed, "Add article", and deleting an article."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import library
from articles.ingest import ingest
from articles.models import Annotation, Article, Label
from tests.factories import highlight, make_article, make_user, signed_in

pytestmark = pytest.mark.django_db

STORY = "Port Talks Resume\n\nBy Jane Doe\n\nNegotiators met again in Rotterdam on Thursday after a week of strikes at the port."


def test_it_requires_sign_in(client, user):
    response = client.get(reverse("library"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_empty_library_explains_how_to_start(alice_client):
    response = alice_client.get(reverse("library"))
    assert response.status_code == 200
    assert "Your library is empty" in response.text


def test_it_lists_articles_newest_first_with_site_date_and_reading_time(alice_client):
    ingest("Older Story\n\nThe first of two stories, an older one about harbours.")
    ingest(
        "<html><head><meta property='og:site_name' content='Example News'>"
        "<meta property='article:published_time' content='2025-03-03'><title>Newer Story</title></head>"
        "<body><article><h1>Newer Story</h1>"
        + "<p>A newer story about port workers and the ships that wait outside.</p>" * 6
        + "</article></body></html>",
        filename="n.html",
    )
    response = alice_client.get(reverse("library"))
    text = response.text
    assert text.index("Newer Story") < text.index("Older Story")
    assert "min read" in text
    assert "3 Mar 2025" in text


def test_pagination_answers_htmx_with_the_list_fragment_only(alice_client):
    for i in range(30):
        ingest(f"Story number {i}\n\nBody of story {i} about a different harbour, number {i}.")
    response = alice_client.get(
        reverse("library") + "?page=2", headers={"HX-Request": "true", "HX-Target": "article-list"}
    )
    assert response.text.lstrip().startswith('<div id="article-list">')
    assert "<html" not in response.text
    # The filter bar comes along out of band, so its counts and current view stay true.
    assert 'id="library-filters" class="library-filters" hx-swap-oob="true"' in response.text


def test_pasting_text_adds_an_article_and_opens_it(alice_client):
    response = alice_client.post(reverse("add_article"), {"text": STORY})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert article.title == "Port Talks Resume"
    assert article.added_by.username == "alice"


def test_htmx_paste_redirects_the_browser_to_the_article(alice_client):
    response = alice_client.post(
        reverse("add_article"), {"text": STORY}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == Article.objects.get().get_absolute_url()


def test_uploading_a_file_adds_an_article(alice_client):
    upload = SimpleUploadedFile("talks.txt", STORY.encode(), content_type="text/plain")
    alice_client.post(reverse("add_article"), {"file": upload})
    assert Article.objects.get().title == "Port Talks Resume"


def test_adding_the_same_story_again_opens_the_existing_one(alice_client):
    alice_client.post(reverse("add_article"), {"text": STORY})
    response = alice_client.post(reverse("add_article"), {"text": STORY}, follow=True)
    assert Article.objects.count() == 1
    assert "already in the library" in response.text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Paste an article or choose a file"),
        ({"text": "   "}, "The pasted text is empty"),
        ({"file": SimpleUploadedFile("x.bin", b"\x00\x01\x02" * 100)}, "not supported"),
        ({"file": SimpleUploadedFile("x.txt", b"%PDF-1.4 stuff")}, "x.txt: It is a PDF document"),
        ({"file": SimpleUploadedFile("empty.txt", b"")}, "empty"),
    ],
)
def test_bad_input_shows_an_inline_error_and_saves_nothing(alice_client, data, error):
    response = alice_client.post(reverse("add_article"), data)
    assert response.status_code == 400
    assert error in response.text
    assert 'id="add-article"' in response.text
    assert Article.objects.count() == 0


def test_htmx_errors_swap_only_the_form(alice_client):
    response = alice_client.post(
        reverse("add_article"), {"text": " "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert response.text.lstrip().startswith("<form")
    assert "The pasted text is empty" in response.text


def test_a_huge_upload_is_refused_before_it_is_read(alice_client, settings):
    settings.MAX_ARTICLE_BYTES = 4096
    big = SimpleUploadedFile("big.txt", b"word " * 40_000)
    response = alice_client.post(reverse("add_article"), {"file": big})
    assert response.status_code in {400, 413}
    assert "Newsroom accepts articles up to 4 KB" in response.text
    assert Article.objects.count() == 0


def test_a_forged_form_without_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("add_article"), {"text": STORY})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert Article.objects.count() == 0


def test_adding_is_post_only(alice_client):
    assert alice_client.get(reverse("add_article")).status_code == 405


def test_deleting_asks_for_confirmation_first(alice_client, user):
    article = make_article("A story\n\nWith a body that is long enough to be a story.", user=user)
    page = alice_client.get(reverse("delete_article", args=[article.pk]))
    assert "Delete this article?" in page.text
    assert Article.objects.filter(pk=article.pk).exists()
    response = alice_client.post(reverse("delete_article", args=[article.pk]))
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_only_the_adder_or_staff_may_delete(client, bob, user):
    article = make_article("A story\n\nWith a body that is long enough to be a story.", user=user)
    client.force_login(bob)
    assert client.post(reverse("delete_article", args=[article.pk])).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
    reader = client.get(article.get_absolute_url())
    assert "Delete article" not in reader.text


# ---------- views, labels, pagination, counts ----------


def story(n: int, title: str = "") -> Article:
    title = title or f"Story number {n}"
    return make_article(f"{title}\n\nBody of story {n} about a different harbour, number {n}.")


def listed(response) -> list[str]:
    """The titles in the list, in order."""
    import re

    return re.findall(
        r'class="article-title"[^>]*>(?:<span[^>]*></span><span[^>]*>Unread: </span>)?([^<]+)</a>',
        response.text,
    )


@pytest.fixture
def shelf(user):
    """Four stories: read, archived, favourite (and labelled Ukraine), and untouched."""
    read, archived, starred, fresh = (
        story(i, t) for i, t in enumerate(["Read one", "Archived one", "Starred one", "Fresh one"])
    )
    library.set_state(user, read, "read", on=True)
    library.set_state(user, archived, "archived", on=True)
    library.set_state(user, starred, "favourite", on=True)
    library.add_label(starred, "Ukraine", user)
    library.add_label(fresh, "Ukraine", user)
    library.add_label(archived, "Ukraine", user)
    return {"read": read, "archived": archived, "starred": starred, "fresh": fresh}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", ["Fresh one", "Starred one", "Read one"]),
        ("?view=all", ["Fresh one", "Starred one", "Read one"]),
        ("?view=unread", ["Fresh one", "Starred one"]),
        ("?view=favourites", ["Starred one"]),
        ("?view=archived", ["Archived one"]),
        ("?view=bogus", ["Fresh one", "Starred one", "Read one"]),
    ],
)
def test_each_view_lists_its_articles(alice_client, shelf, query, titles):
    response = alice_client.get(reverse("library") + query)
    assert response.status_code == 200
    assert listed(response) == titles


def test_the_label_filter_combines_with_the_view(alice_client, shelf):
    label = Label.objects.get()
    response = alice_client.get(reverse("library"), {"label": label.pk})
    assert listed(response) == ["Fresh one", "Starred one"]  # the archived one stays archived
    response = alice_client.get(reverse("library"), {"label": label.pk, "view": "archived"})
    assert listed(response) == ["Archived one"]
    response = alice_client.get(reverse("library"), {"label": label.pk, "view": "favourites"})
    assert listed(response) == ["Starred one"]


def test_the_filter_links_keep_the_other_filter_and_mark_the_current_one(alice_client, shelf):
    label = Label.objects.get()
    response = alice_client.get(reverse("library"), {"label": label.pk, "view": "unread"})
    text = response.text
    assert f'href="/?view=favourites&amp;label={label.pk}"' in text
    assert f'href="/?label={label.pk}"' in text  # "All", keeping the label
    assert 'id="view-unread" class="view-tab is-active" href="/?view=unread' in text
    assert 'aria-current="page">Unread' in text
    # The current label's chip clears the label filter, keeping the view.
    assert (
        f'id="label-filter-{label.pk}" class="legend-item is-active" href="/?view=unread"' in text
    )


def test_the_unread_count_is_shown_and_follows_the_label_filter(alice_client, shelf):
    response = alice_client.get(reverse("library"))
    assert '<span class="count" data-unread-count>2</span>' in response.text
    other = Label.objects.create(name="Elsewhere")
    response = alice_client.get(reverse("library"), {"label": other.pk})
    assert '<span class="count" data-unread-count>0</span>' in response.text


def test_read_and_unread_articles_look_different(alice_client, shelf):
    text = alice_client.get(reverse("library")).text
    assert f'id="article-{shelf["fresh"].pk}" class="article-item is-unread"' in text
    assert f'id="article-{shelf["read"].pk}" class="article-item"' in text
    assert "Unread: </span>Fresh one" in text


def test_my_state_never_changes_a_colleagues_library(client, shelf, bob):
    client.force_login(bob)
    everything = ["Fresh one", "Starred one", "Archived one", "Read one"]
    assert listed(client.get(reverse("library"))) == everything
    assert listed(client.get(reverse("library"), {"view": "unread"})) == everything
    assert "No favourites yet" in client.get(reverse("library"), {"view": "favourites"}).text
    assert "Nothing archived" in client.get(reverse("library"), {"view": "archived"}).text
    text = client.get(reverse("library")).text
    assert 'aria-pressed="true"' not in text
    assert "Mark as unread" not in text
    # The team's labels are everyone's.
    assert "Ukraine" in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?view=unread", "Nothing unread: you are all caught up."),
        ("?view=favourites", "No favourites yet."),
        ("?view=favourites", "Star an article (☆ Favourite) to keep it here."),
        ("?view=archived", "Nothing archived."),
        ("", "You have archived everything."),
    ],
)
def test_each_empty_view_explains_itself(alice_client, user, query, message):
    archived = story(1)
    library.set_state(user, archived, "read", on=True)
    if "archived" not in query:
        library.set_state(user, archived, "archived", on=True)
    response = alice_client.get(reverse("library") + query)
    assert response.status_code == 200
    assert listed(response) == []
    assert message in response.text


def test_an_empty_label_filter_says_which_label(alice_client, user):
    story(1)
    label = Label.objects.create(name="Ukraine")
    response = alice_client.get(reverse("library"), {"label": label.pk, "view": "favourites"})
    assert "No favourite articles labelled “Ukraine”." in response.text
    assert 'href="/?view=favourites">Show them without the label filter' in response.text


@pytest.mark.parametrize("raw", ["424242", "ukraine", "<script>"])
def test_a_label_filter_that_no_longer_exists_says_so(alice_client, user, raw):
    story(1)
    response = alice_client.get(reverse("library"), {"label": raw})
    assert response.status_code == 200
    assert listed(response) == []
    assert "That label no longer exists." in response.text
    assert "<script>" not in response.text


def test_pagination_keeps_the_filters(alice_client, user):
    label = Label.objects.create(name="Port")
    for i in range(30):
        library.add_label(story(i), "Port", user)
    story(99, "Unlabelled story")
    query = {"view": "unread", "label": label.pk}
    first = alice_client.get(reverse("library"), query)
    assert "Page 1 of 2" in first.text
    next_url = f"/?view=unread&amp;label={label.pk}&amp;page=2"
    assert f'href="{next_url}" hx-get="{next_url}"' in first.text
    second = alice_client.get(reverse("library"), {**query, "page": 2})
    assert "Story number 0" in second.text
    assert "Unlabelled story" not in second.text
    assert f'href="/?view=unread&amp;label={label.pk}" hx-get' in second.text  # back to page 1
    # Forms in the rows come back to this page with these filters.
    assert '<input type="hidden" name="page" value="2">' in second.text
    assert '<input type="hidden" name="view" value="unread">' in second.text


def test_the_fetch_refresh_reloads_the_filtered_list(alice_client, shelf):
    text = alice_client.get(reverse("library"), {"view": "favourites"}).text
    assert '<div hidden hx-get="/?view=favourites" hx-trigger="newsroom:fetched from:body"' in text


def _populate(n: int) -> None:
    """n articles, each with two labels, and state rows for alice and bob on most of them."""
    User = get_user_model()  # noqa: N806 - the model class, named as Django names it
    user = User.objects.get(username="alice")
    bob = make_user("bob")
    for i in range(n):
        article = story(i)
        library.add_label(article, f"Label {i % 7}", user)
        library.add_label(article, f"Topic {i % 5}", user)
        if i % 4:
            library.set_state(user, article, "read", on=True)
            library.set_state(bob, article, "favourite", on=True)
        if i % 3 == 0:
            library.set_state(user, article, "favourite", on=True)
        if i % 10 == 9:
            library.set_state(user, article, "archived", on=True)


# session, user, count, page of articles (with the state join and review counts), their
# labels, the label chips with counts, the unread count, the count of articles to review,
# fetch jobs, the activity feed (and its "Needs review" list only when there is any), and
# the header's count of unread notifications (articles.context).
LIBRARY_QUERIES = 11
# Filtered by a label, one more: whether the person watches it ("Watch this label").
LABEL_WATCH_QUERIES = 1


@pytest.mark.parametrize("n", [3, 30])
@pytest.mark.parametrize("query", ["", "?view=unread", "?view=favourites&label=LABEL", "?page=2"])
def test_the_library_page_makes_the_same_queries_however_many_articles_labels_and_states(
    alice_client, django_assert_num_queries, n, query
):
    _populate(n)
    query = query.replace("LABEL", str(Label.objects.get(name="Label 0").pk))
    alice_client.get(reverse("library"))  # the first request also checks for a first run
    expected = LIBRARY_QUERIES + (LABEL_WATCH_QUERIES if "label=" in query else 0)
    with django_assert_num_queries(expected):
        response = alice_client.get(reverse("library") + query)
    assert response.status_code == 200
    if n == 30 and not query:
        assert "Page 1 of 2" in response.text
        assert response.text.count('class="label-chip"') == 25 * 2


def test_the_htmx_list_and_filter_bar_need_no_more_queries(alice_client, django_assert_num_queries):
    _populate(30)
    alice_client.get(reverse("library"))
    headers = {"HX-Request": "true", "HX-Target": "article-list"}
    # session, user, count, page, labels, chips, unread and review counts: no jobs, no
    # activity, no header (and so no count of notifications).
    with django_assert_num_queries(LIBRARY_QUERIES - 3):
        alice_client.get(reverse("library") + "?view=unread", headers=headers)


def test_hostile_label_names_are_escaped_in_the_library(alice_client, user):
    library.add_label(story(1), '<img src=x onerror=alert(1)>"', user)
    text = alice_client.get(reverse("library")).text
    assert "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;" in text


def test_filtered_lists_vary_on_htmx_so_back_never_shows_a_bare_fragment(alice_client):
    ingest(STORY)
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "article-list"}):
        response = alice_client.get(reverse("library"), {"view": "unread"}, **headers)
        assert "HX-Request" in response["Vary"]


# The activity feed -------------------------------------------------------------------


def test_the_home_page_lists_colleagues_shared_annotations_newest_first(article, user, bob, desk):
    older = highlight(article, bob, "eighth day", note="first")
    Annotation.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    highlight(article, bob, "Rotterdam", note="second", audience=desk)
    highlight(article, bob, "port", note="bob-private", audience=None)
    highlight(article, user, "Monday", note="my-own")
    page = signed_in(user).get(reverse("library")).text
    feed = page[page.index('id="activity-heading"') :]
    assert feed.index("second") < feed.index("first")
    assert "bob-private" not in feed
    assert "my-own" not in feed
    assert article.title in feed


def test_the_activity_feed_has_an_empty_state(user):
    page = signed_in(user).get(reverse("library")).text
    assert "Nothing shared yet" in page

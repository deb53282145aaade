"""A second person who saves an address while someone else's job for it is on its way
(articles/jobs.py `submit`, `FetchJobFollower`): they follow that one job, see it in their
own list with its progress and result, retry it, and dismiss it for themselves only."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles import jobs
from articles.models import Article, FetchJob, FetchJobFollower
from tests.factories import make_user, signed_in
from tests.fetching import STORY, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]


def _save(client, url):
    return client.post(reverse("add_article"), {"url": url, "text": ""})


def _jobs_html(client) -> str:
    return client.get(reverse("fetch_jobs"), headers={"HX-Request": "true"}).text


def _item(html: str, job: FetchJob) -> str:
    """The list's line for `job`, as its reader sees it (tags and spacing dropped)."""
    found = re.search(rf'<li class="job [^"]*" data-job="{job.pk}">(.*?)</li>', html, re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split()) if found else ""


@pytest.fixture
def story(httpserver):
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    return httpserver.url_for("/story")


@pytest.fixture
def alice(user):
    return signed_in(user)


@pytest.fixture
def bobs(bob):
    return signed_in(bob)


def test_the_second_person_sees_the_waiting_job_in_their_own_list(alice, bobs, bob, story):
    _save(alice, story)
    response = _save(bobs, story)

    assert response.status_code == 302
    job = FetchJob.objects.get()  # still one job
    assert list(job.followers.all()) == [bob]
    library = bobs.get(reverse("library")).text
    assert "Waiting…" in _item(library, job)
    assert 'hx-trigger="every 2s"' in library  # bob's list follows its progress


def test_the_htmx_save_answers_with_the_list_showing_the_followed_job(alice, bobs, story):
    _save(alice, story)
    response = bobs.post(
        reverse("add_article"), {"url": story, "text": ""}, headers={"HX-Request": "true"}
    )
    job = FetchJob.objects.get()
    assert "Waiting…" in _item(response.text, job)
    assert 'hx-swap-oob="true"' in response.text


def test_the_follower_is_told_when_it_arrives(alice, bobs, story):
    _save(alice, story)
    _save(bobs, story)
    assert "HX-Trigger" not in bobs.get(reverse("fetch_jobs"), headers={"HX-Request": "true"})

    run_worker()

    done = bobs.get(reverse("fetch_jobs"), headers={"HX-Request": "true"})
    assert "newsroom:fetched" in done["HX-Trigger"]  # bob's library list reloads
    article = Article.objects.get()
    job = FetchJob.objects.get()
    assert _item(done.text, job).startswith("Saved Harbour reopens after repairs")
    assert article.get_absolute_url() in done.text
    assert 'hx-trigger="every 2s"' not in done.text


def test_the_follower_sees_the_failure_and_may_retry_it(alice, bobs, httpserver):
    httpserver.expect_oneshot_request("/gone").respond_with_data("", status=404)
    url = httpserver.url_for("/gone")
    _save(alice, url)
    _save(bobs, url)
    run_worker()
    job = FetchJob.objects.get()
    assert "The page was not found (HTTP 404)." in _item(_jobs_html(bobs), job)
    assert reverse("retry_fetch", args=[job.pk]) in _jobs_html(bobs)

    httpserver.expect_request("/gone").respond_with_data(STORY, content_type="text/html")
    assert bobs.post(reverse("retry_fetch", args=[job.pk])).status_code == 302
    run_worker()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.DONE
    assert job.article.added_by.username == "alice"  # the requester's save, still one
    assert "Saved" in _item(_jobs_html(bobs), job)
    assert "Saved" in _item(_jobs_html(alice), job)


def test_dismissing_takes_it_off_ones_own_list_only(alice, bobs, bob, user, story):
    _save(alice, story)
    _save(bobs, story)
    run_worker()
    job = FetchJob.objects.get()

    bobs.post(reverse("dismiss_fetch", args=[job.pk]))
    assert _item(_jobs_html(bobs), job) == ""
    assert "Saved" in _item(_jobs_html(alice), job)
    job.refresh_from_db()
    assert not job.dismissed

    alice.post(reverse("dismiss_fetch", args=[job.pk]))
    assert _item(_jobs_html(alice), job) == ""
    assert FetchJobFollower.objects.get(job=job, user=bob).dismissed


def test_the_requesters_dismissal_leaves_the_follower_list_alone(alice, bobs, story):
    _save(alice, story)
    _save(bobs, story)
    run_worker()
    job = FetchJob.objects.get()
    alice.post(reverse("dismiss_fetch", args=[job.pk]))
    assert "Saved" in _item(_jobs_html(bobs), job)


def test_a_job_on_its_way_cannot_be_dismissed_by_its_follower(alice, bobs, story):
    _save(alice, story)
    _save(bobs, story)
    job = FetchJob.objects.get()
    bobs.post(reverse("dismiss_fetch", args=[job.pk]))
    assert "Waiting…" in _item(_jobs_html(bobs), job)


def test_saving_ones_own_waiting_address_again_follows_nothing(alice, story):
    _save(alice, story)
    _save(alice, story)
    assert FetchJob.objects.count() == 1
    assert not FetchJobFollower.objects.exists()


def test_someone_who_did_not_save_it_neither_sees_nor_touches_it(alice, bobs, story, carol):
    _save(alice, story)
    _save(bobs, story)
    run_worker()
    job = FetchJob.objects.get()
    carols = signed_in(carol)
    assert _item(_jobs_html(carols), job) == ""
    assert carols.post(reverse("dismiss_fetch", args=[job.pk])).status_code == 404
    assert carols.post(reverse("retry_fetch", args=[job.pk])).status_code == 404


def test_an_administrator_dismissing_it_takes_it_off_nobodys_list(alice, bobs, story, admin_user):
    _save(alice, story)
    _save(bobs, story)
    run_worker()
    job = FetchJob.objects.get()
    assert signed_in(admin_user).post(reverse("dismiss_fetch", args=[job.pk])).status_code == 302
    assert "Saved" in _item(_jobs_html(alice), job)
    assert "Saved" in _item(_jobs_html(bobs), job)


def test_a_feeds_waiting_fetch_is_followed_too(bobs, story, feed):
    job = jobs.submit(story, feed=feed)
    _save(bobs, story)
    assert "Waiting…" in _item(_jobs_html(bobs), job)


def test_saving_an_address_ones_feed_is_fetching_shows_it_too(alice, story, feed, user):
    job = jobs.submit(story, user, feed=feed)  # alice's feed: in no one's list
    assert _item(_jobs_html(alice), job) == ""
    _save(alice, story)
    assert "Waiting…" in _item(_jobs_html(alice), job)


def test_the_list_costs_the_same_queries_for_one_followed_job_as_for_many(
    bobs, bob, user, httpserver, django_assert_max_num_queries
):
    def followed(count: int) -> None:
        for n in range(count):
            url = httpserver.url_for(f"/story-{FetchJob.objects.count()}-{n}")
            jobs.submit(url, user)
            jobs.submit(url, bob)

    followed(1)
    bobs.get(reverse("fetch_jobs"))  # the session and the like, once
    with django_assert_max_num_queries(99) as one:
        bobs.get(reverse("fetch_jobs"))
    followed(6)
    with django_assert_max_num_queries(len(one)) as seven:
        html = bobs.get(reverse("fetch_jobs")).text
    assert html.count('data-job="') == 7
    assert len(seven) == len(one)


def test_sixteen_people_saving_one_waiting_address_follow_one_job(user, story):
    jobs.submit(story, user)
    people = [make_user(f"reporter{n}") for n in range(15)]
    for person in people:
        jobs.submit(story, person)
        jobs.submit(story, person)  # twice: still one follow
    job = FetchJob.objects.get()
    assert job.follows.count() == 15
    assert all(job in jobs.recent_for(person).items for person in people)

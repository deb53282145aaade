"""A verdict as schema.org ClaimReview (`articles.claimreview`) and `manage.py claims
export`: the properties fact-checkers publish, present and of the right type; the rating
on the team's own scale; who made the claim; every article where it appears; and only
published verdicts in the export."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import claimreview, claims
from articles.models import Article, Claim, TeamSettings
from articles.permissions import visible_claims
from tests.factories import claim, make_article, make_group, tag

Status = Claim.Status
BASE = "https://newsroom.example.org"
SAID = (
    "The mayor's numbers\n\n"
    "The mayor said the port handled 14 million containers last year, more than ever.\n\n"
    "Critics said the figure counted empty boxes twice."
)
AGAIN = (
    "Monday's speech\n\n"
    "Speaking on Monday, the mayor repeated that the port handled 14 million containers "
    "last year, more than ever before."
)
PUBLISHED_ON = dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def said(db):
    article = make_article(SAID)
    Article.objects.filter(pk=article.pk).update(
        source_url="https://news.example.org/mayor", published_at=PUBLISHED_ON
    )
    article.refresh_from_db()
    return article


def published(marked: Claim, by, verdict: str = "Mostly false", summary: str = "") -> Claim:
    claims.set_verdict(marked, by, verdict, summary)
    claims.move(marked, by, Status.PUBLISHED)
    marked.refresh_from_db()
    return marked


def test_a_published_verdict_has_every_property_fact_checkers_publish(said, user):
    TeamSettings.objects.update_or_create(
        pk=1,
        defaults={"organisation": "Harbour Checks", "organisation_url": "https://checks.example"},
    )
    mayor = tag(said, user, "mayor", name="Anna Berg", kind="person").entity
    marked = claim(said, user, "the port handled 14 million containers last year")
    claims.set_claimant(marked, user, mayor)
    marked = published(marked, user, summary="Empty boxes were **counted twice**.")

    review = claimreview.claim_review(marked, base_url=BASE)

    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "the port handled 14 million containers last year"
    assert review["url"] == BASE + marked.get_absolute_url()
    assert review["datePublished"] == marked.published_at.date().isoformat()
    dt.date.fromisoformat(review["datePublished"])
    assert review["reviewBody"] == "Empty boxes were counted twice."
    rating = review["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "alternateName": "Mostly false",
        "ratingValue": 2,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert all(isinstance(rating[k], int) for k in ("ratingValue", "bestRating", "worstRating"))
    assert review["author"] == {
        "@type": "Organization",
        "name": "Harbour Checks",
        "url": "https://checks.example",
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Person", "name": "Anna Berg"}
    assert item["appearance"] == [
        {
            "@type": "CreativeWork",
            "url": "https://news.example.org/mayor",
            "headline": "The mayor's numbers",
            "datePublished": "2026-11-03",
        }
    ]
    assert item["firstAppearance"] == item["appearance"][0]
    json.dumps(review)  # plain JSON, as published


def test_the_rating_bounds_are_the_teams_own_scale(said, user):
    TeamSettings.objects.update_or_create(
        pk=1,
        defaults={"verdict_scale": claims.parse_scale("Correct = 10\nHalf = 5\nWrong = 0\nOdd")},
    )
    marked = published(claim(said, user, "14 million containers"), user, "Half")
    rating = claimreview.claim_review(marked, base_url=BASE)["reviewRating"]
    assert rating == {
        "@type": "Rating",
        "alternateName": "Half",
        "ratingValue": 5,
        "bestRating": 10,
        "worstRating": 0,
    }


def test_a_verdict_off_the_numeric_scale_keeps_its_label_and_no_numbers(said, user):
    marked = published(claim(said, user, "14 million containers"), user, "Unproven")
    rating = claimreview.claim_review(marked, base_url=BASE)["reviewRating"]
    assert rating == {"@type": "Rating", "alternateName": "Unproven"}


def test_an_organisation_that_made_the_claim_is_an_organization(said, user):
    critics = tag(said, user, "Critics", name="Port critics", kind="organisation").entity
    marked = claim(said, user, "counted empty boxes twice", claimant=critics)
    review = claimreview.claim_review(published(marked, user), base_url=BASE)
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "Port critics"}


def test_without_a_claimant_or_organisation_there_is_no_claim_author_and_the_host_publishes(
    said, user
):
    review = claimreview.claim_review(
        published(claim(said, user, "14 million containers"), user), base_url=BASE
    )
    assert "author" not in review["itemReviewed"]
    assert review["author"] == {"@type": "Organization", "name": "newsroom.example.org"}
    assert "reviewBody" not in review


def test_a_claim_seen_before_lists_both_articles_the_earliest_first(said, user):
    again = make_article(AGAIN)  # pasted: no address on the web, so its page in Newsroom
    first = claim(said, user, "the port handled 14 million containers last year")
    later = claim(again, user, "the port handled 14 million containers last year")
    claims.link_repeat(later, user, first)
    review = claimreview.claim_review(published(first, user), base_url=BASE)
    places = review["itemReviewed"]["appearance"]
    assert [p["url"] for p in places] == [
        "https://news.example.org/mayor",
        BASE + again.get_absolute_url(),
    ]
    assert [p["headline"] for p in places] == ["The mayor's numbers", "Monday's speech"]
    assert "datePublished" not in places[1]  # unknown for a pasted text
    assert review["itemReviewed"]["firstAppearance"]["url"] == "https://news.example.org/mayor"


def test_a_private_claim_elsewhere_is_not_listed_unless_the_reader_sees_it(said, user, bob):
    again = make_article(AGAIN)
    first = claim(said, user, "the port handled 14 million containers last year")
    mine = claim(again, bob, "the port handled 14 million containers", audience=None)
    claims.link_repeat(mine, bob, first)
    first = published(first, user)
    shared = claimreview.claim_review(first, base_url=BASE)
    assert len(shared["itemReviewed"]["appearance"]) == 1
    bobs = claimreview.claim_review(first, base_url=BASE, visible=visible_claims(bob))
    assert len(bobs["itemReviewed"]["appearance"]) == 2


def test_a_claim_without_a_verdict_has_no_claimreview(said, user):
    with pytest.raises(claimreview.NoVerdict):
        claimreview.claim_review(claim(said, user, "14 million containers"), base_url=BASE)


# manage.py claims export -----------------------------------------------------------------


def export(*args: str) -> list[dict]:
    out, err = StringIO(), StringIO()
    call_command("claims", "export", *args, stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_the_export_prints_one_line_per_published_verdict_and_nothing_for_drafts(said, user, bob):
    desk = make_group("Desk", user, bob)
    published(claim(said, user, "14 million containers"), user, "False")
    published(claim(said, user, "counted empty boxes twice", audience=desk), user, "True")
    draft = claim(said, user, "more than ever")
    claims.set_verdict(draft, user, "Mixed")  # a verdict not yet published
    claim(said, user, "The mayor said")  # still to check
    withdrawn = published(claim(said, user, "the figure"), user, "Mixed")
    claims.move(withdrawn, user, Status.IN_PROGRESS)

    lines = export("--base-url", BASE + "/")
    assert [line["reviewRating"]["alternateName"] for line in lines] == ["False", "True"]
    assert all(line["@type"] == "ClaimReview" for line in lines)
    assert lines[0]["url"].startswith(BASE + "/")


def test_the_export_of_nothing_published_prints_nothing(said, user):
    claims.set_verdict(claim(said, user, "14 million containers"), user, "False")
    assert export() == []


@pytest.mark.parametrize("wrong", ["newsroom.example.org", "ftp://example.org", "https://"])
def test_the_export_refuses_a_base_url_that_is_not_one(db, wrong):
    with pytest.raises(CommandError, match="--base-url"):
        export("--base-url", wrong)

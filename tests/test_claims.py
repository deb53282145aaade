"""The desk's workflow (`articles.claims`): marking, the status steps, verdicts from the
team's scale, the two-person rule, evidence, the log, and claims seen before."""

from __future__ import annotations

import pytest

from articles import claims
from articles.models import Annotation, Claim, ClaimEvent, Evidence, TeamSettings
from tests.factories import claim, highlight, make_article, tag

Status = Claim.Status
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


@pytest.fixture
def said(db):
    return make_article(SAID)


def test_a_claim_is_an_assessing_annotation_to_check_with_its_words(said, user):
    marked = claim(said, user, "the port handled 14 million containers last year")
    assert marked.status == Status.TO_CHECK
    assert marked.text == "the port handled 14 million containers last year"
    assert marked.annotation.motivation == Annotation.Motivation.ASSESSING
    assert marked.annotation.exact == marked.text
    assert [e.field for e in marked.events.all()] == [ClaimEvent.Field.MARKED]


def test_the_nearest_people_and_organisations_are_suggested_as_claimant(said, user):
    tag(said, user, "Critics", name="Port critics", kind="organisation")
    tag(said, user, "mayor", name="Anna Berg", kind="person")
    marked = claim(said, user, "14 million containers")
    mentions = Annotation.objects.filter(motivation=Annotation.Motivation.IDENTIFYING)
    names = [e.name for e in claims.claimant_suggestions(marked.annotation, mentions)]
    assert names == ["Anna Berg", "Port critics"]


def test_the_steps_run_from_to_check_to_published_and_each_is_logged(said, user, bob):
    marked = claim(said, user, "14 million containers")
    claims.move(marked, user, Status.IN_PROGRESS)
    claims.assign(marked, user, bob)
    claims.set_verdict(marked, bob, "Mostly false", "Empty boxes were **counted twice**.")
    marked.refresh_from_db()
    assert marked.status == Status.VERDICT
    assert marked.rating == 2
    assert "<strong>counted twice</strong>" in marked.summary_html
    claims.move(marked, user, Status.PUBLISHED)
    marked.refresh_from_db()
    assert marked.status == Status.PUBLISHED
    assert marked.published_at is not None
    log = [(e.field, e.before, e.after) for e in marked.events.all()]
    assert ("status", "To check", "In progress") in log
    assert ("assignee", "", "bob") in log
    assert ("verdict", "", "Mostly false") in log
    assert ("status", "In progress", "Verdict") in log
    assert ("status", "Verdict", "Published") in log


def test_a_step_the_workflow_does_not_have_is_refused_and_changes_nothing(said, user):
    marked = claim(said, user, "14 million containers")
    with pytest.raises(claims.ClaimError, match="cannot go to that status"):
        claims.move(marked, user, Status.PUBLISHED)
    with pytest.raises(claims.ClaimError):
        claims.move(marked, user, "nonsense")
    marked.refresh_from_db()
    assert marked.status == Status.TO_CHECK
    assert marked.events.count() == 1


def test_a_verdict_off_the_scale_is_refused(said, user):
    marked = claim(said, user, "14 million containers")
    with pytest.raises(claims.ClaimError, match="scale"):
        claims.set_verdict(marked, user, "Pants on fire")
    TeamSettings.objects.update_or_create(
        pk=1, defaults={"verdict_scale": claims.parse_scale("Correct = 1\nWrong = 0")}
    )
    claims.set_verdict(marked, user, "Wrong")
    marked.refresh_from_db()
    assert (marked.verdict, marked.rating) == ("Wrong", 0)


def test_the_two_person_rule_needs_a_second_persons_sign_off(said, user, bob):
    TeamSettings.objects.update_or_create(pk=1, defaults={"two_person_rule": True})
    marked = claim(said, user, "14 million containers")
    claims.set_verdict(marked, user, "False")
    with pytest.raises(claims.ClaimError, match="second person"):
        claims.move(marked, user, Status.PUBLISHED)
    with pytest.raises(claims.ClaimError, match="second person"):
        claims.sign_off(marked, user)
    claims.sign_off(marked, bob)
    claims.move(marked, user, Status.PUBLISHED)
    marked.refresh_from_db()
    assert marked.status == Status.PUBLISHED
    assert marked.signed_off_by == bob


def test_a_changed_verdict_needs_signing_off_again(said, user, bob):
    marked = claim(said, user, "14 million containers")
    claims.set_verdict(marked, user, "False")
    claims.sign_off(marked, bob)
    claims.set_verdict(marked, user, "Mixed")
    marked.refresh_from_db()
    assert marked.signed_off_by is None


def test_a_published_verdict_is_withdrawn_before_it_changes(said, user):
    marked = claim(said, user, "14 million containers")
    claims.set_verdict(marked, user, "False")
    claims.move(marked, user, Status.PUBLISHED)
    with pytest.raises(claims.ClaimError, match="Withdraw"):
        claims.set_verdict(marked, user, "True")
    claims.move(marked, user, Status.IN_PROGRESS)
    marked.refresh_from_db()
    assert marked.published_at is None
    assert marked.verdict == "False"  # kept as a draft


def test_evidence_from_another_article_supports_or_contradicts(said, user):
    marked = claim(said, user, "14 million containers")
    other = make_article(AGAIN)
    passage = highlight(other, user, "more than ever before")
    evidence = claims.add_evidence(marked, user, stance="contradicts", annotation=passage)
    claims.add_evidence(marked, user, stance="supports", url="https://example.org/stats")
    assert [e.stance for e in marked.evidence.all()] == ["contradicts", "supports"]
    with pytest.raises(claims.ClaimError):
        claims.add_evidence(marked, user, stance="supports")
    with pytest.raises(claims.ClaimError):
        claims.add_evidence(marked, user, stance="maybe", note="Hm")
    claims.remove_evidence(evidence, user)
    assert Evidence.objects.filter(claim=marked).count() == 1
    assert marked.events.filter(field="evidence").count() == 3


def test_claims_worded_alike_are_found_closest_first_and_linked(said, user):
    first = claim(said, user, "the port handled 14 million containers last year")
    other = make_article(AGAIN)
    again = claim(other, user, "the port handled 14 million containers last year")
    unrelated = claim(said, user, "Critics said the figure counted empty boxes twice")
    found = claims.similar(again.text, user, exclude=again)
    assert [c.pk for c in found] == [first.pk]
    assert found[0].similarity > 0.9
    assert unrelated not in found
    claims.link_repeat(again, user, first)
    places = claims.appearances(first, Claim.objects.all())
    assert [c.annotation.article.title for c in places] == [
        "The mayor's numbers",
        "Monday's speech",
    ]
    with pytest.raises(claims.ClaimError):
        claims.link_repeat(first, user, again)


def test_someone_elses_private_claim_is_not_seen_before(said, user, bob):
    claim(said, user, "the port handled 14 million containers last year", audience=None)
    other = make_article(AGAIN)
    mine = claim(other, bob, "the port handled 14 million containers last year")
    assert claims.similar(mine.text, bob, exclude=mine) == []
    assert len(claims.similar(mine.text, user, exclude=mine)) == 1


def test_the_scale_an_administrator_writes_is_read_line_by_line():
    assert claims.parse_scale("True = 2\n\n Unproven \nFalse=0") == [
        ["True", 2],
        ["Unproven", None],
        ["False", 0],
    ]
    with pytest.raises(claims.ClaimError, match="twice"):
        claims.parse_scale("True\ntrue")
    with pytest.raises(claims.ClaimError, match="whole number"):
        claims.parse_scale("True = high")
    with pytest.raises(claims.ClaimError, match="at least one"):
        claims.parse_scale("  \n")


def test_a_claim_repeated_with_a_word_changed_shares_a_band_and_another_does_not(db):
    said = claims.bands("The port handled 14 million containers last year, more than ever")
    again = claims.bands("The port handled 14 million containers last year, more than before")
    other = claims.bands("Critics said the figure counted empty boxes twice")
    assert len(said) == claims.BANDS
    assert set(said) & set(again)
    assert not set(said) & set(other)
    assert claims.bands("It was what it is") == []  # stop words only: nothing to compare
    # The same words stemmed alike make the same bands, whatever their case and order.
    assert claims.bands("Containers handled: 14 million") == claims.bands(
        "14 MILLION containers handle"
    )

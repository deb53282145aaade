"""The fact-checking desk's pages (articles/views/claims/): the claims board and its
filters, a claim's page, every write (and its refusals), the two-person rule with two
people, evidence from another article, the claimant's entity page, the policy."""

from __future__ import annotations

from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import accounts, claims, library
from articles.entities import curation
from articles.models import Claim, ClaimEvent, Evidence, Role, TeamSettings
from tests.factories import claim, highlight, make_article, make_user, signed_in, tag

pytestmark = pytest.mark.django_db

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
REPORT = (
    "Port report\n\n"
    "The port's annual report counts 11 million containers, with empties counted once."
)


@pytest.fixture
def said():
    return make_article(SAID)


@pytest.fixture
def report():
    return make_article(REPORT)


@pytest.fixture
def marked(said, user):
    return claim(said, user, "the port handled 14 million containers last year")


@pytest.fixture
def alice(client, user):
    client.force_login(user)
    return client


def _post(client, name, claim_, data=None, *extra):
    return client.post(reverse(name, args=[claim_.pk, *extra]), data or {})


def _body(response) -> str:
    return response.content.decode()


def _events(claim_) -> list[str]:
    return list(ClaimEvent.objects.filter(claim=claim_).values_list("field", flat=True))


# The board -----------------------------------------------------------------------------


def test_the_board_lists_claims_by_status_linking_to_the_passage_and_the_claim(alice, marked, said):
    response = alice.get(reverse("claims"))
    body = _body(response)
    assert response.status_code == 200
    assert "the port handled 14 million containers last year" in body
    assert marked.annotation.get_absolute_url() in body
    assert marked.get_absolute_url() in body
    assert escape(said.title) in body
    for label in Status.labels:
        assert label in body


def test_an_empty_board_explains_how_to_mark_a_claim(alice):
    body = _body(alice.get(reverse("claims")))
    assert "No claims yet" in body
    assert "<kbd>c</kbd>" in body


def test_the_board_filters_by_assignee_claimant_label_verdict_and_date(alice, said, user, bob):
    mayor = curation.create_entity("Anna Berg", "person", user)
    first = claim(said, user, "14 million containers", claimant=mayor)
    second = claim(said, user, "counted empty boxes twice")
    claims.assign(first, user, bob)
    claims.set_verdict(second, user, "False")
    other = make_article(AGAIN)
    third = claim(other, user, "more than ever before")
    library.add_label(other, "Speeches", user)
    label = other.labels.get()

    def shown(**params) -> set[int]:
        response = alice.get(reverse("claims"), params)
        assert response.status_code == 200, params
        body = _body(response)
        return {c.pk for c in (first, second, third) if c.get_absolute_url() in body}

    assert shown() == {first.pk, second.pk, third.pk}
    assert shown(assignee=bob.pk) == {first.pk}
    assert shown(assignee="none") == {second.pk, third.pk}
    assert shown(claimant=mayor.pk) == {first.pk}
    assert shown(label=label.pk) == {third.pk}
    assert shown(verdict="False") == {second.pk}
    assert shown(status="verdict") == {second.pk}
    assert shown(**{"from": "2000-01-01", "to": "2999-12-31"}) == {first.pk, second.pk, third.pk}
    assert shown(to="2000-01-01") == set()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"assignee": "x"}, "That assignee is not on the team"),
        ({"assignee": "999999"}, "That assignee is not on the team"),
        ({"claimant": "-1"}, "That claimant no longer exists"),
        ({"label": "²"}, "That label no longer exists"),
        ({"verdict": "Pants on fire"}, "not on your team"),
        ({"from": "yesterday"}, "must be a date"),
        ({"to": "2025-02-30"}, "must be a date"),
        ({"from": "2025-03-02", "to": "2025-03-01"}, "after the"),
        ({"status": "lost"}, "no such status"),
        ({"page": "1e9", "status": "to_check"}, ""),
    ],
)
def test_a_filter_that_is_none_of_the_choices_is_told_not_a_500(alice, marked, params, message):
    response = alice.get(reverse("claims"), params)
    assert response.status_code == (400 if message else 200)
    assert message in _body(response)
    assert marked.get_absolute_url() in _body(response)  # shown without that filter


def test_a_guest_reads_the_board(client, marked, admin_user):
    gail = make_user("gail")
    accounts.set_role(gail, Role.GUEST, by=admin_user)
    client.force_login(gail)
    response = client.get(reverse("claims"))
    assert response.status_code == 200
    assert marked.get_absolute_url() in _body(response)


def test_a_claim_kept_private_is_on_nobody_elses_board(client, said, user, bob):
    mine = claim(said, user, "more than ever", audience=None)
    client.force_login(bob)
    assert mine.get_absolute_url() not in _body(client.get(reverse("claims")))
    assert client.get(mine.get_absolute_url()).status_code == 404


def test_a_column_shows_so_many_and_the_rest_on_its_own_pages(alice, said, user, settings):
    for _ in range(3):
        claim(said, user, "14 million containers")
    from articles.views.claims import board as views

    views.COLUMN_LIMIT, limit = 2, views.COLUMN_LIMIT
    try:
        body = _body(alice.get(reverse("claims")))
    finally:
        views.COLUMN_LIMIT = limit
    assert "Show all 3" in body
    assert body.count('class="claim-card"') == 2
    single = _body(alice.get(reverse("claims"), {"status": "to_check"}))
    assert single.count('class="claim-card"') == 3


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("claims")).status_code == 200
    return len(queries)


def test_the_board_makes_as_many_queries_for_many_claims_as_for_one(alice, said, user, bob):
    mayor = curation.create_entity("Anna Berg", "person", user)
    claims.assign(claim(said, user, "14 million containers", claimant=mayor), user, bob)
    one = _board_queries(alice)
    for phrase in ("counted empty boxes twice", "more than ever", "The mayor said"):
        marked_ = claim(said, user, phrase, claimant=mayor)
        claims.assign(marked_, user, bob)
        claims.set_verdict(marked_, user, "Mixed")
    other = make_article(AGAIN, user=bob)
    claim(other, bob, "more than ever before")
    assert _board_queries(alice) == one


# A claim's page ------------------------------------------------------------------------


def test_the_claim_page_shows_the_passage_article_steps_and_log(alice, marked, said):
    body = _body(alice.get(marked.get_absolute_url()))
    assert marked.annotation.get_absolute_url() in body
    assert escape(said.title) in body
    assert "Start checking" in body
    assert "Drop" in body
    assert "Marked" in body  # the log


def test_the_claim_page_makes_as_many_queries_with_more_evidence_and_log(
    alice, marked, user, report
):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice.get(marked.get_absolute_url()).status_code == 200
        return len(queries)

    claims.add_evidence(marked, user, stance="supports", url="https://example.org/a")
    before = count()
    passage = highlight(report, user, "11 million containers")
    for n in range(4):
        claims.add_evidence(marked, user, stance="contradicts", note=f"note {n}")
    claims.add_evidence(marked, user, stance="contradicts", annotation=passage)
    assert count() == before + 1  # the visibility check of passages


def test_a_claim_someone_cannot_see_is_404_for_every_url(client, said, user, bob):
    mine = claim(said, user, "more than ever", audience=None)
    client.force_login(bob)
    for name in ("claim", "claim_status", "claim_verdict", "claim_evidence", "claim_repeats"):
        url = reverse(name, args=[mine.pk])
        response = client.get(url) if name == "claim" else client.post(url, {"to": "dropped"})
        assert response.status_code == 404, name
    assert Claim.objects.get(pk=mine.pk).status == Status.TO_CHECK


def test_the_writes_answer_only_post(alice, marked):
    assert alice.get(reverse("claim_status", args=[marked.pk])).status_code == 405


# Status, assignee, claimant -----------------------------------------------------------


def test_a_step_moves_the_claim_and_is_logged(alice, marked):
    response = _post(alice, "claim_status", marked, {"to": "in_progress"})
    assert response.status_code == 302
    assert response.url == marked.get_absolute_url()
    marked.refresh_from_db()
    assert marked.status == Status.IN_PROGRESS
    assert _events(marked)[-1] == ClaimEvent.Field.STATUS
    assert "now “In progress”" in _body(alice.get(response.url))


@pytest.mark.parametrize("to", ["published", "verdict", "nowhere", ""])
def test_a_step_the_workflow_does_not_allow_is_refused_with_a_message(alice, marked, to):
    response = _post(alice, "claim_status", marked, {"to": to})
    assert response.status_code == 400
    assert "cannot go to that status" in _body(response)
    marked.refresh_from_db()
    assert marked.status == Status.TO_CHECK
    assert _events(marked) == [ClaimEvent.Field.MARKED]


def test_assigning_a_member_and_nobody(alice, marked, bob):
    assert _post(alice, "claim_assign", marked, {"assignee": bob.pk}).status_code == 302
    marked.refresh_from_db()
    assert marked.assignee == bob
    assert _post(alice, "claim_assign", marked, {"assignee": ""}).status_code == 302
    marked.refresh_from_db()
    assert marked.assignee is None


@pytest.mark.parametrize("who", ["guest", "inactive", "nobody", "text"])
def test_assigning_someone_off_the_team_is_refused(alice, marked, admin_user, who):
    gail = make_user("gail")
    accounts.set_role(gail, Role.GUEST, by=admin_user)
    gone = make_user("gone", is_active=False)
    value = {"guest": gail.pk, "inactive": gone.pk, "nobody": 999_999, "text": "bob"}[who]
    response = _post(alice, "claim_assign", marked, {"assignee": value})
    assert response.status_code == 400
    assert "Choose someone on the team" in _body(response)
    marked.refresh_from_db()
    assert marked.assignee is None


def test_the_claimant_is_offered_from_the_article_and_set(alice, marked, said, user):
    mayor = tag(said, user, "mayor", name="Anna Berg", kind="person").entity
    page = _body(alice.get(marked.get_absolute_url()))
    assert f'value="{mayor.pk}"' in page
    assert _post(alice, "claim_claimant", marked, {"entity": mayor.pk}).status_code == 302
    marked.refresh_from_db()
    assert marked.claimant == mayor
    assert _post(alice, "claim_claimant", marked, {"entity": ""}).status_code == 302
    marked.refresh_from_db()
    assert marked.claimant is None


def test_the_claimant_can_be_found_by_name_without_javascript(alice, marked, user):
    port = curation.create_entity("Port of Rotterdam", "organisation", user)
    body = _body(alice.get(marked.get_absolute_url(), {"q": "rotter"}))
    assert f'value="{port.pk}"' in body


def test_a_claimant_merged_away_meanwhile_is_refused(alice, marked, user, bob):
    theirs = curation.create_entity("Secret", "person", bob, private=True)
    for value in (theirs.pk, 999_999, "x"):
        response = _post(alice, "claim_claimant", marked, {"entity": value})
        assert response.status_code == 400
        assert "no longer exists" in _body(response)
    marked.refresh_from_db()
    assert marked.claimant is None


# Evidence ------------------------------------------------------------------------------


def test_evidence_from_another_article_is_shown_with_its_article(alice, marked, user, report):
    passage = highlight(report, user, "11 million containers")
    page = _body(alice.get(marked.get_absolute_url()))
    assert f'value="{passage.pk}"' in page  # offered
    response = _post(
        alice, "claim_evidence", marked, {"stance": "contradicts", "annotation": passage.pk}
    )
    assert response.status_code == 302
    evidence = marked.evidence.get()
    assert (evidence.stance, evidence.annotation) == ("contradicts", passage)
    body = _body(alice.get(marked.get_absolute_url()))
    assert escape(report.title) in body
    assert passage.get_absolute_url() in body
    assert "Contradicts" in body


def test_passages_of_the_claims_own_article_are_not_offered(alice, marked, said, user):
    here = highlight(said, user, "empty boxes")
    assert f'value="{here.pk}"' not in _body(alice.get(marked.get_absolute_url()))


def test_passages_are_found_by_their_words(alice, marked, user, report):
    passage = highlight(report, user, "11 million containers")
    other = highlight(report, user, "annual report")
    body = _body(alice.get(marked.get_absolute_url(), {"find": "11 million"}))
    assert f'value="{passage.pk}"' in body
    assert f'value="{other.pk}"' not in body


def test_links_and_notes_are_evidence_too(alice, marked):
    data = {"stance": "supports", "url": "https://example.org/stats", "note": "Port stats"}
    assert _post(alice, "claim_evidence", marked, data).status_code == 302
    evidence = marked.evidence.get()
    assert (evidence.url, evidence.note) == ("https://example.org/stats", "Port stats")
    assert ClaimEvent.Field.EVIDENCE in _events(marked)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stance": "maybe", "note": "Keep me"}, "supports or contradicts"),
        ({"stance": "supports"}, "needs a link, a note or a passage"),
        ({"stance": "supports", "url": "javascript:alert(1)", "note": "Keep me"}, "http://"),
        ({"stance": "supports", "url": "https://x.org/" + "a" * 2000}, "too long"),
        ({"stance": "supports", "annotation": "999999", "note": "Keep me"}, "not one you can see"),
        ({"stance": "supports", "annotation": "abc", "note": "Keep me"}, "not one you can see"),
    ],
)
def test_evidence_that_is_not_evidence_is_refused_keeping_the_input(alice, marked, data, message):
    response = _post(alice, "claim_evidence", marked, data)
    assert response.status_code == 400
    body = _body(response)
    assert message in body
    if "note" in data:
        assert "Keep me</textarea>" in body
    assert not Evidence.objects.exists()


def test_a_passage_someone_else_kept_private_cannot_be_evidence(alice, marked, bob, report):
    theirs = highlight(report, bob, "11 million containers", audience=None)
    response = _post(
        alice, "claim_evidence", marked, {"stance": "supports", "annotation": theirs.pk}
    )
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_the_claim_itself_is_no_evidence(alice, marked):
    data = {"stance": "supports", "annotation": marked.annotation_id}
    response = _post(alice, "claim_evidence", marked, data)
    assert response.status_code == 400
    assert "no evidence for itself" in _body(response)


def test_passage_evidence_shows_only_to_those_who_see_the_passage(
    client, marked, user, bob, report
):
    private = highlight(report, user, "11 million containers", note="MINE-ONLY", audience=None)
    claims.add_evidence(marked, user, stance="contradicts", annotation=private)
    client.force_login(bob)
    body = _body(client.get(marked.get_absolute_url()))
    assert "MINE-ONLY" not in body
    assert private.get_absolute_url() not in body
    assert "1 more piece of evidence is a passage you cannot see" in body


def test_removing_evidence_is_logged(alice, marked, user):
    evidence = claims.add_evidence(marked, user, stance="supports", note="A note")
    response = _post(alice, "claim_remove_evidence", marked, {}, evidence.pk)
    assert response.status_code == 302
    assert not Evidence.objects.exists()
    assert _events(marked)[-1] == ClaimEvent.Field.EVIDENCE


def test_removing_another_claims_evidence_through_this_one_is_refused(alice, marked, said, user):
    other = claim(said, user, "counted empty boxes twice")
    evidence = claims.add_evidence(other, user, stance="supports", note="A note")
    response = _post(alice, "claim_remove_evidence", marked, {}, evidence.pk)
    assert response.status_code == 400
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# Verdict and sign-off -----------------------------------------------------------------


def test_a_verdict_from_the_scale_with_its_summary(alice, marked):
    data = {"verdict": "Mostly false", "summary": "Empties were **counted twice**."}
    response = _post(alice, "claim_verdict", marked, data)
    assert response.status_code == 302
    marked.refresh_from_db()
    assert (marked.status, marked.verdict, marked.rating) == (Status.VERDICT, "Mostly false", 2)
    body = _body(alice.get(marked.get_absolute_url()))
    assert "<strong>counted twice</strong>" in body


def test_a_verdict_off_the_scale_is_refused_keeping_the_summary(alice, marked):
    data = {"verdict": "Pants on fire", "summary": "My careful summary"}
    response = _post(alice, "claim_verdict", marked, data)
    assert response.status_code == 400
    assert "Choose a verdict from your team" in _body(response)
    assert "My careful summary</textarea>" in _body(response)
    marked.refresh_from_db()
    assert (marked.status, marked.verdict) == (Status.TO_CHECK, "")


def test_a_summary_is_sanitised(alice, marked):
    data = {"verdict": "False", "summary": "<script>alert(1)</script><b onclick='x'>b</b>"}
    _post(alice, "claim_verdict", marked, data)
    body = _body(alice.get(marked.get_absolute_url()))
    assert "<script>alert(1)" not in body
    assert "<b onclick" not in body


def test_with_the_two_person_rule_a_second_person_signs_off_before_publishing(alice, marked, bob):
    TeamSettings.objects.update_or_create(pk=1, defaults={"two_person_rule": True})
    _post(alice, "claim_verdict", marked, {"verdict": "Mostly false", "summary": ""})
    page = _body(alice.get(marked.get_absolute_url()))
    assert "only after a second person signs it off" in page
    assert "Sign off this verdict" not in page  # not her own
    refused = _post(alice, "claim_status", marked, {"to": "published"})
    assert refused.status_code == 400
    assert "second person signs it off" in _body(refused)
    assert _post(alice, "claim_sign_off", marked).status_code == 400  # her own verdict
    bobs = signed_in(bob)
    assert "Sign off this verdict" in _body(bobs.get(marked.get_absolute_url()))
    assert _post(bobs, "claim_sign_off", marked).status_code == 302
    marked.refresh_from_db()
    assert marked.signed_off_by == bob
    assert _post(alice, "claim_status", marked, {"to": "published"}).status_code == 302
    marked.refresh_from_db()
    assert marked.status == Status.PUBLISHED
    assert "Signed off by bob" in _body(alice.get(marked.get_absolute_url()))


def test_signing_off_what_is_not_a_verdict_is_refused(alice, marked, bob):
    response = _post(signed_in(bob), "claim_sign_off", marked)
    assert response.status_code == 400
    assert "Only a verdict waiting" in _body(response)


def test_a_published_verdict_is_on_the_board_and_the_claimants_page(alice, said, user, bob):
    mayor = tag(said, user, "mayor", name="Anna Berg", kind="person").entity
    marked_ = claim(said, user, "14 million containers", claimant=mayor)
    claims.set_verdict(marked_, bob, "Mostly false")
    claims.move(marked_, user, Status.PUBLISHED)
    board = _body(alice.get(reverse("claims"), {"status": "published"}))
    assert marked_.get_absolute_url() in board
    assert "Mostly false" in board
    entity_page = _body(alice.get(mayor.get_absolute_url()))
    assert marked_.get_absolute_url() in entity_page
    assert "Mostly false" in entity_page
    assert "Published" in entity_page


def test_the_claimants_page_leaves_out_claims_the_viewer_cannot_see(client, said, user, bob):
    mayor = curation.create_entity("Anna Berg", "person", user)
    hidden = claim(said, user, "14 million containers", claimant=mayor, audience=None)
    client.force_login(bob)
    body = _body(client.get(mayor.get_absolute_url()))
    assert hidden.get_absolute_url() not in body
    assert "No claim you can see" in body


# Seen before ---------------------------------------------------------------------------


def test_an_earlier_claim_worded_alike_is_offered_and_linked_then_unlinked(alice, marked, user):
    again = claim(make_article(AGAIN), user, "the port handled 14 million containers last year")
    page = _body(alice.get(again.get_absolute_url()))
    assert marked.get_absolute_url() in page
    assert f'name="earlier" value="{marked.pk}"' in page
    assert _post(alice, "claim_repeats", again, {"earlier": marked.pk}).status_code == 302
    again.refresh_from_db()
    assert again.repeats == marked
    page = _body(alice.get(again.get_absolute_url()))
    assert "Appears in" in page
    assert escape("Monday's speech") in page
    assert _post(alice, "claim_repeats", again, {"unlink": "1"}).status_code == 302
    again.refresh_from_db()
    assert again.repeats is None


@pytest.mark.parametrize("earlier", ["", "x", "999999"])
def test_linking_to_no_claim_is_refused(alice, marked, earlier):
    response = _post(alice, "claim_repeats", marked, {"earlier": earlier})
    assert response.status_code == 400
    assert "not one you can see" in _body(response)


def test_linking_a_claim_to_itself_is_refused(alice, marked):
    response = _post(alice, "claim_repeats", marked, {"earlier": marked.pk})
    assert response.status_code == 400
    assert "cannot repeat itself" in _body(response)


def test_linking_to_a_claim_someone_else_kept_private_is_refused(alice, marked, bob, said):
    theirs = claim(said, bob, "more than ever", audience=None)
    response = _post(alice, "claim_repeats", marked, {"earlier": theirs.pk})
    assert response.status_code == 400
    marked.refresh_from_db()
    assert marked.repeats is None


# The policy ----------------------------------------------------------------------------


def test_an_administrator_sets_the_scale_and_the_two_person_rule(client, admin_user):
    client.force_login(admin_user)
    page = _body(client.get(reverse("team_settings")))
    assert "Fact-checking" in page
    assert "Mostly true = 4" in page
    data = {
        "verdict_scale": "Correct = 2\nMisleading = 1\nWrong = 0\nNo evidence",
        "two_person_rule": "on",
        "organisation": "Harbour Checks",
        "organisation_url": "https://checks.example.org",
    }
    response = client.post(reverse("team_claims_policy"), data)
    assert response.status_code == 302
    team = TeamSettings.current()
    assert team.verdict_scale == [
        ["Correct", 2],
        ["Misleading", 1],
        ["Wrong", 0],
        ["No evidence", None],
    ]
    assert team.two_person_rule
    assert (team.organisation, team.organisation_url) == (
        "Harbour Checks",
        "https://checks.example.org",
    )


def test_a_scale_that_does_not_parse_is_refused_keeping_the_text(client, admin_user):
    client.force_login(admin_user)
    data = {"verdict_scale": "True = 5\nTrue = 4", "organisation": "Kept"}
    response = client.post(reverse("team_claims_policy"), data)
    assert response.status_code == 400
    body = _body(response)
    assert "is on the scale twice" in body
    assert "True = 4" in body
    assert 'value="Kept"' in body
    assert TeamSettings.current().verdict_scale[0] == ["True", 5]
    assert not TeamSettings.current().organisation


def test_only_administrators_set_the_policy(client, user):
    client.force_login(user)
    for method in (client.get, client.post):
        response = method(reverse("team_claims_policy"), {"verdict_scale": "Yes"})
        assert response.status_code == 403
    assert TeamSettings.current().verdict_scale[0] == ["True", 5]

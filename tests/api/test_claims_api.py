"""The claims endpoints: the desk's queue with its filters, marking a claim, working it
(status, assignee, claimant, verdict), evidence, sign-off, ClaimReview, and who may."""

from __future__ import annotations

import jsonschema
import pytest

from articles import accounts, claims
from articles.models import Claim, Role, TeamSettings
from tests.api.conftest import token_client
from tests.factories import claim, highlight, make_article, make_user, span, tag

pytestmark = pytest.mark.django_db

Status = Claim.Status
SAID = (
    "The mayor's numbers\n\n"
    "The mayor said the port handled 14 million containers last year, more than ever.\n\n"
    "Critics said the figure counted empty boxes twice."
)


@pytest.fixture
def said(db):
    return make_article(SAID)


@pytest.fixture
def marked(said, user):
    return claim(said, user, "14 million containers")


def _patch(client, pk: int, data: dict, **headers):
    return client.patch(
        f"/api/v1/claims/{pk}", data, content_type="application/json", headers=headers
    )


def _post(client, path: str, data: dict | None = None):
    return client.post(f"/api/v1/claims{path}", data or {}, content_type="application/json")


# Reading -------------------------------------------------------------------------------


def test_the_queue_lists_the_claims_you_may_see_with_paging_headers(alice_api, said, user, bob):
    mine = claim(said, user, "14 million containers")
    claim(said, user, "counted empty boxes twice", audience=None)  # alice's own
    claim(said, bob, "more than ever", audience=None)  # bob's own: hidden from alice
    answer = alice_api.get("/api/v1/claims")
    assert answer.status_code == 200
    listed = answer.json()
    assert {c["text"] for c in listed} == {"14 million containers", "counted empty boxes twice"}
    assert answer["X-Total-Count"] == "2"
    assert 'rel="first"' in answer["Link"]
    first = next(c for c in listed if c["id"] == mine.pk)
    assert first["status"] == "to_check"
    assert first["next_statuses"] == ["in_progress", "dropped"]
    assert first["article"] == said.pk
    assert first["url"].startswith("http://testserver/")


def test_the_queue_filters_by_status_assignee_claimant_verdict_article_and_time(
    alice_api, said, user, bob
):
    critics = tag(said, user, "Critics", name="Port critics", kind="organisation").entity
    one = claim(said, user, "14 million containers", claimant=critics)
    two = claim(said, user, "counted empty boxes twice")
    claims.assign(two, user, bob)
    claims.set_verdict(one, user, "False")
    other = make_article("Elsewhere\n\nThe harbour master said nothing at all.")
    three = claim(other, user, "said nothing")

    def ids(**query) -> set[int]:
        answer = alice_api.get("/api/v1/claims", query)
        assert answer.status_code == 200, answer.content
        return {c["id"] for c in answer.json()}

    assert ids(status="verdict") == {one.pk}
    assert ids(status="to_check") == {two.pk, three.pk}
    assert ids(assignee="bob") == {two.pk}
    assert ids(claimant=critics.pk) == {one.pk}
    assert ids(verdict="False") == {one.pk}
    assert ids(article=other.pk) == {three.pk}
    assert ids(updated_since="2999-01-01T00:00Z") == set()
    assert alice_api.get("/api/v1/claims", {"status": "maybe"}).status_code == 400
    assert alice_api.get("/api/v1/claims", {"claimant": "x"}).status_code == 400


def test_a_claim_comes_with_its_evidence_appearances_log_and_etag(alice_api, said, user, bob):
    marked = claim(said, user, "14 million containers")
    again = make_article("Again\n\nThe port handled 14 million containers, he said again.")
    repeat = claim(again, user, "14 million containers")
    claims.link_repeat(repeat, user, marked)
    claims.add_evidence(marked, user, stance="contradicts", url="https://example.org/stats")
    hidden = highlight(again, bob, "he said again", audience=None)  # bob's own passage
    claims.add_evidence(marked, bob, stance="supports", annotation=hidden)
    answer = alice_api.get(f"/api/v1/claims/{marked.pk}")
    assert answer.status_code == 200
    body = answer.json()
    assert [e["url"] for e in body["evidence"]] == ["https://example.org/stats"]
    assert [a["article"] for a in body["appearances"]] == [said.pk, again.pk]
    assert [e["field"] for e in body["log"]][:1] == ["marked"]
    assert "evidence" in [e["field"] for e in body["log"]]
    tag_ = answer["ETag"]
    assert (
        alice_api.get(f"/api/v1/claims/{marked.pk}", headers={"If-None-Match": tag_}).status_code
        == 304
    )
    claims.add_evidence(marked, user, stance="supports", note="The port's own report")
    assert alice_api.get(f"/api/v1/claims/{marked.pk}")["ETag"] != tag_


def test_someone_who_cannot_see_a_private_claim_gets_404(said, user, bob, bob_api):
    private = claim(said, user, "14 million containers", audience=None)
    for path in ("", "/claimreview"):
        answer = bob_api.get(f"/api/v1/claims/{private.pk}{path}")
        assert answer.status_code == 404
        assert answer["Content-Type"].startswith("application/problem+json")
    assert _patch(bob_api, private.pk, {"status": "in_progress"}).status_code == 404
    assert _post(bob_api, f"/{private.pk}/sign-off").status_code == 404
    assert (
        _post(bob_api, f"/{private.pk}/evidence", {"stance": "supports", "note": "x"}).status_code
        == 404
    )
    private.refresh_from_db()
    assert private.status == Status.TO_CHECK
    assert not private.evidence.exists()


# Marking and working -------------------------------------------------------------------


def test_a_claim_is_marked_on_a_passage(alice_api, said, user):
    critics = tag(said, user, "Critics", name="Port critics", kind="organisation").entity
    where = span(said, "counted empty boxes twice")
    made = _post(
        alice_api,
        "",
        {"article": said.pk, "start": where["start"], "end": where["end"],
         "quote": where["quote"], "claimant": critics.pk},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    stored = Claim.objects.get()
    assert made["Location"] == f"http://testserver/api/v1/claims/{stored.pk}"
    assert (stored.text, stored.claimant, stored.annotation.author) == (
        "counted empty boxes twice", critics, user,
    )  # fmt: skip
    assert made.json()["claimant"] == {
        "id": critics.pk, "name": "Port critics", "kind": "organisation",
    }  # fmt: skip


def test_a_passage_that_is_not_there_is_refused(alice_api, said):
    made = _post(alice_api, "", {"article": said.pk, "start": 0, "end": 7, "quote": "Hamburg"})
    assert made.status_code == 400
    assert not Claim.objects.exists()


def test_a_claim_is_worked_through_to_published(alice_api, bob_api, marked, bob):
    assigned = _patch(alice_api, marked.pk, {"assignee": "bob", "status": "in_progress"})
    assert assigned.status_code == 200, assigned.content
    assert (assigned.json()["assignee"], assigned.json()["status"]) == ("bob", "in_progress")
    judged = _patch(
        bob_api, marked.pk, {"verdict": "Mostly false", "summary": "Counted **twice**."}
    )
    assert judged.status_code == 200
    body = judged.json()
    assert (body["status"], body["verdict"], body["rating"]) == ("verdict", "Mostly false", 2)
    assert "<strong>twice</strong>" in body["summary_html"]
    assert body["verdict_by"] == "bob"
    done = _patch(alice_api, marked.pk, {"status": "published"}, **{"If-Match": judged["ETag"]})
    assert done.status_code == 200, done.content
    assert done.json()["published_at"] is not None
    unassigned = _patch(alice_api, marked.pk, {"assignee": None})
    assert unassigned.json()["assignee"] is None


def test_a_step_the_workflow_refuses_is_409_with_its_reason_and_changes_nothing(
    alice_api, marked, bob
):
    refused = _patch(alice_api, marked.pk, {"assignee": "bob", "status": "published"})
    assert refused.status_code == 409
    assert "cannot go to that status" in refused.json()["detail"]
    marked.refresh_from_db()
    assert (marked.status, marked.assignee) == (Status.TO_CHECK, None)  # the assignee too


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({}, "Send what to change"),
        ({"status": "maybe"}, "status is one of"),
        ({"verdict": "Pants on fire"}, "scale"),
        ({"summary": "Only a summary"}, "verdict"),
        ({"assignee": "nobody"}, "no active member"),
    ],
)
def test_a_malformed_change_is_400(alice_api, marked, bob, change, says):
    refused = _patch(alice_api, marked.pk, change)
    assert refused.status_code == 400
    assert says in refused.json()["detail"]


def test_a_stale_etag_is_412(alice_api, marked, user):
    tag_ = alice_api.get(f"/api/v1/claims/{marked.pk}")["ETag"]
    claims.assign(marked, user, user)
    stale = _patch(alice_api, marked.pk, {"status": "in_progress"}, **{"If-Match": tag_})
    assert stale.status_code == 412
    marked.refresh_from_db()
    assert marked.status == Status.TO_CHECK


def test_evidence_is_added_as_a_link_a_note_or_a_passage(alice_api, marked, said, user):
    link = _post(
        alice_api,
        f"/{marked.pk}/evidence",
        {"stance": "contradicts", "url": "https://example.org/s"},
    )
    assert link.status_code == 201, link.content
    passage = highlight(said, user, "counted empty boxes twice")
    more = _post(
        alice_api, f"/{marked.pk}/evidence", {"stance": "supports", "annotation": passage.pk}
    )
    assert more.status_code == 201
    evidence = more.json()["evidence"]
    assert [(e["stance"], e["passage"]) for e in evidence] == [
        ("contradicts", ""), ("supports", "counted empty boxes twice"),
    ]  # fmt: skip
    assert _post(alice_api, f"/{marked.pk}/evidence", {"stance": "supports"}).status_code == 400
    bad = _post(alice_api, f"/{marked.pk}/evidence", {"stance": "supports", "url": "javascript:x"})
    assert bad.status_code == 400
    assert marked.evidence.count() == 2


def test_a_verdict_is_signed_off_by_a_second_person_only(alice_api, bob_api, marked, user):
    TeamSettings.objects.update_or_create(pk=1, defaults={"two_person_rule": True})
    assert _post(alice_api, f"/{marked.pk}/sign-off").status_code == 409  # no verdict yet
    claims.set_verdict(marked, user, "False")
    assert _patch(alice_api, marked.pk, {"status": "published"}).status_code == 409
    own = _post(alice_api, f"/{marked.pk}/sign-off")
    assert own.status_code == 403
    assert "second person" in own.json()["detail"]
    assert alice_api.get(f"/api/v1/claims/{marked.pk}").json()["may_sign_off"] is False
    assert bob_api.get(f"/api/v1/claims/{marked.pk}").json()["may_sign_off"] is True
    signed = _post(bob_api, f"/{marked.pk}/sign-off")
    assert signed.status_code == 200
    assert signed.json()["signed_off_by"] == "bob"
    assert _patch(alice_api, marked.pk, {"status": "published"}).status_code == 200


# ClaimReview -----------------------------------------------------------------------------


def test_a_verdict_reads_as_claimreview_json_ld(alice_api, marked, user):
    assert alice_api.get(f"/api/v1/claims/{marked.pk}/claimreview").status_code == 404
    claims.set_verdict(marked, user, "Unproven")
    answer = alice_api.get(f"/api/v1/claims/{marked.pk}/claimreview")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/ld+json")
    review = answer.json()
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "14 million containers"
    assert review["reviewRating"] == {"@type": "Rating", "alternateName": "Unproven"}
    assert review["author"] == {"@type": "Organization", "name": "testserver"}
    assert review["url"] == f"http://testserver{marked.get_absolute_url()}"
    assert "datePublished" not in review  # not published yet
    assert answer["ETag"]
    # The OpenAPI document says what is served: JSON-LD, with this very object's shape.
    operation = alice_api.get("/api/v1/openapi.json").json()["paths"][
        "/api/v1/claims/{pk}/claimreview"
    ]["get"]
    content = operation["responses"]["200"]["content"]
    assert list(content) == ["application/ld+json"]
    jsonschema.validate(review, content["application/ld+json"]["schema"])


# Who may write ---------------------------------------------------------------------------


def test_a_read_token_and_a_guest_read_but_cannot_write(said, user, marked):
    reader = token_client(user, "read")
    assert reader.get(f"/api/v1/claims/{marked.pk}").status_code == 200
    guest = make_user("gail")
    accounts.set_role(guest, Role.GUEST, by=make_user("root", staff=True))
    visitor = token_client(guest)
    assert visitor.get(f"/api/v1/claims/{marked.pk}").status_code == 200
    where = span(said, "counted empty boxes twice")
    new = {
        "article": said.pk,
        "start": where["start"],
        "end": where["end"],
        "quote": where["quote"],
    }
    for client, kind in ((reader, "read-only-token"), (visitor, "read-only")):
        for answer in (
            _patch(client, marked.pk, {"status": "in_progress"}),
            _post(client, "", new),
            _post(client, f"/{marked.pk}/evidence", {"stance": "supports", "note": "x"}),
            _post(client, f"/{marked.pk}/sign-off"),
        ):
            assert answer.status_code == 403
            assert answer.json()["type"].endswith(kind)
    marked.refresh_from_db()
    assert marked.status == Status.TO_CHECK
    assert Claim.objects.count() == 1
    assert not marked.evidence.exists()


def test_a_guest_cannot_be_assigned(alice_api, marked):
    guest = make_user("gail")
    accounts.set_role(guest, Role.GUEST, by=make_user("root", staff=True))
    refused = _patch(alice_api, marked.pk, {"assignee": "gail"})
    assert refused.status_code == 400
    assert "guest" in refused.json()["detail"]

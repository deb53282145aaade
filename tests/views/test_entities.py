"""Entity views (articles/views/entities.py): tag, tag all, accept, reject, and the entity
pages, with permissions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import sharing
from articles.entities import curation
from articles.entities.suggestions import suggest
from articles.models import Annotation, Entity, EntityAlias, RejectedSuggestion
from tests.factories import make_article, signed_in, span, tag

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}

STORY = (
    "Port Talks Resume in Rotterdam\n\n"
    "Officials in Rotterdam met union leaders from FNV on Monday. Rotterdam has seen strikes "
    "before, and the FNV said Ahmed Aboutaleb would chair the talks.\n\n"
    "Aboutaleb said the port of Rotterdam must reopen."
)


@pytest.fixture
def article():
    return make_article(STORY)


def _tag(client, article, phrase, n=0, htmx=True, **data):
    return client.post(
        reverse("tag_entity", args=[article.pk]),
        {**span(article, phrase, n), **data},
        headers=HX if htmx else {},
    )


def test_tagging_a_selection_creates_the_entity_and_shows_the_mention(alice_client, article):
    response = _tag(alice_client, article, "Rotterdam", name="Rotterdam", kind="place")
    assert response.status_code == 200
    mention = Annotation.objects.get()
    assert mention.motivation == "identifying"
    assert mention.entity.name == "Rotterdam"
    assert mention.entity.kind == "place"
    assert f'data-ids="{mention.pk}" data-color="place" data-kind="mention"' in response.text
    # The status line offers to tag the others, out of band.
    assert 'id="annotate-status"' in response.text
    assert "Tag the other 2 mentions in this article" in response.text


def test_tagging_with_an_existing_entity_reuses_it(alice_client, article, user):
    entity = curation.create_entity("Port of Rotterdam", "place", user)
    _tag(alice_client, article, "Rotterdam", n=2, entity=str(entity.pk), alias="on")
    assert Entity.objects.count() == 1
    assert Annotation.objects.get().entity == entity
    assert list(entity.aliases.values_list("name", flat=True)) == ["Rotterdam"]


def test_tagging_without_javascript_redirects_to_the_mention(alice_client, article):
    response = _tag(alice_client, article, "FNV", htmx=False, name="FNV", kind="organisation")
    mention = Annotation.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#annotation-{mention.pk}")


def test_tagging_refuses_bad_offsets_and_unknown_kinds_and_saves_nothing(alice_client, article):
    bad = [
        {"start": "x", "end": "3", "quote": "Port", "name": "Port", "kind": "place"},
        {"start": "0", "end": "4", "quote": "Nope", "name": "Nope", "kind": "place"},
        {**span(article, "FNV"), "name": "FNV", "kind": "planet"},
        {**span(article, "FNV"), "name": "  ", "kind": "organisation"},
        {**span(article, "FNV"), "name": "x" * 201, "kind": "organisation"},
    ]
    for data in bad:
        response = alice_client.post(reverse("tag_entity", args=[article.pk]), data, headers=HX)
        assert response.status_code == 400
        assert 'class="status-error"' in response.text
    assert not Annotation.objects.exists()
    assert not Entity.objects.exists()


def test_a_forged_tag_form_changes_nothing(user, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = _tag(client, article, "FNV", name="FNV", kind="organisation")
    assert response.status_code == 403
    assert not Entity.objects.exists()


def test_signed_out_visitors_cannot_tag_or_see_entities(client, article, user):
    entity = curation.create_entity("FNV", "organisation", user)
    assert _tag(client, article, "FNV", name="FNV", kind="organisation").status_code == 302
    assert client.get(reverse("entities")).status_code == 302
    assert client.get(entity.get_absolute_url()).status_code == 302
    assert not Annotation.objects.exists()


def test_tag_all_tags_every_other_occurrence(alice_client, article):
    _tag(alice_client, article, "Rotterdam", name="Rotterdam", kind="place")
    entity = Entity.objects.get()
    response = alice_client.post(
        reverse("tag_all", args=[article.pk, entity.pk]), {"form": "Rotterdam"}, headers=HX
    )
    assert response.status_code == 200
    assert Annotation.objects.filter(entity=entity).count() == 3
    assert response.text.count('data-kind="mention"') >= 3


def test_accepting_and_rejecting_suggestions(alice_client, article):
    url = reverse("reader", args=[article.pk])
    page = alice_client.get(url).text
    assert "Ahmed Aboutaleb" in page
    assert "Dismiss" in page
    response = alice_client.post(
        reverse("accept_suggestion", args=[article.pk]),
        {"text": "FNV", "name": "FNV", "kind": "organisation"},
        headers=HX,
    )
    assert response.status_code == 200
    assert Annotation.objects.filter(entity__name="FNV").count() == 2
    response = alice_client.post(
        reverse("reject_suggestion", args=[article.pk]), {"text": "Ahmed Aboutaleb"}, headers=HX
    )
    assert response.status_code == 200
    assert RejectedSuggestion.objects.filter(text="ahmed aboutaleb").exists()
    panel = alice_client.get(url, headers={**HX, "HX-Target": "annotation-panel"}).text
    assert "Ahmed Aboutaleb" not in panel.split('id="suggestions-heading"')[1]


def test_accepting_what_is_no_longer_suggested_is_refused(alice_client, article):
    response = alice_client.post(
        reverse("accept_suggestion", args=[article.pk]),
        {"text": "Amsterdam", "kind": "place"},
        headers=HX,
    )
    assert response.status_code == 400
    assert "no longer suggested" in response.text


def test_a_mention_card_shows_name_kind_description_count_and_link(alice_client, article, user):
    entity = curation.create_entity("FNV", "organisation", user, description="Dutch union")
    _tag(alice_client, article, "FNV", entity=str(entity.pk))
    mention = Annotation.objects.get()
    card = alice_client.get(reverse("annotation_cards"), {"ids": mention.pk}, headers=HX).text
    assert f'href="/entities/{entity.pk}/"' in card
    assert "Organisation" in card
    assert "Dutch union" in card
    assert "1 mention in the library" in card


def test_entity_names_and_descriptions_are_escaped_everywhere(alice_client, article, user):
    hostile = '<script>alert("x")</script>'
    entity = curation.create_entity(hostile, "person", user, description="<img src=x onerror=1>")
    _tag(alice_client, article, "FNV", entity=str(entity.pk))
    mention = Annotation.objects.get()
    pages = [
        alice_client.get(article.get_absolute_url()).text,
        alice_client.get(reverse("annotation_cards"), {"ids": mention.pk}).text,
        alice_client.get(reverse("entities")).text,
        alice_client.get(entity.get_absolute_url()).text,
        alice_client.get(reverse("entity_lookup"), {"q": "script"}).text,
    ]
    for page in pages:
        assert "<script>alert" not in page
        assert "<img src=x" not in page
    assert "&lt;script&gt;alert" in pages[3]


def test_renaming_describing_and_linking_to_wikidata(alice_client, user):
    entity = curation.create_entity("Aboutaleb", "person", user)
    url = reverse("edit_entity", args=[entity.pk])
    form = {
        "name": "Ahmed Aboutaleb",
        "kind": "person",
        "description": "Mayor",
        "wikidata_id": "Q1",
    }
    response = alice_client.post(url, {**form, "wikidata_id": "Q1a"})
    assert response.status_code == 400
    assert "is not a Wikidata identifier" in response.text
    entity.refresh_from_db()
    assert entity.name == "Aboutaleb"
    response = alice_client.post(url, {**form, "wikidata_id": "Q1234"})
    assert response.status_code == 302
    page = alice_client.get(entity.get_absolute_url()).text
    assert "Ahmed Aboutaleb" in page
    assert 'href="https://www.wikidata.org/wiki/Q1234"' in page


def test_aliases_are_added_and_removed(alice_client, user):
    entity = curation.create_entity("Ahmed Aboutaleb", "person", user)
    alice_client.post(reverse("add_alias", args=[entity.pk]), {"name": "Aboutaleb"})
    response = alice_client.post(reverse("add_alias", args=[entity.pk]), {"name": "aboutaleb"})
    assert "already known as" in alice_client.get(response["Location"]).text
    alias = EntityAlias.objects.get()
    assert alias.name == "Aboutaleb"
    alice_client.post(reverse("remove_alias", args=[entity.pk, alias.pk]))
    assert not EntityAlias.objects.exists()


def test_merging_needs_the_creator_or_staff(client, article, user, bob, admin_user):
    keep = curation.create_entity("FNV", "organisation", user)
    other = curation.create_entity("Federatie Nederlandse Vakbeweging", "organisation", user)
    tag(article, user, "FNV", entity=other)
    client.force_login(bob)
    url = reverse("merge_entity", args=[other.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"entity": keep.pk}).status_code == 403
    assert client.post(reverse("delete_entity", args=[other.pk])).status_code == 403
    assert Entity.objects.count() == 2
    client.force_login(admin_user)
    response = client.post(url, {"entity": keep.pk})
    assert response.status_code == 302
    assert Annotation.objects.get().entity == keep
    assert "Federatie Nederlandse Vakbeweging" in keep.aliases.values_list("name", flat=True)


def test_merging_into_itself_is_refused_with_a_message(alice_client, user):
    entity = curation.create_entity("FNV", "organisation", user)
    url = reverse("merge_entity", args=[entity.pk])
    response = alice_client.post(url, {"entity": entity.pk}, follow=True)
    assert "cannot be merged into itself" in response.text
    assert Entity.objects.filter(pk=entity.pk).exists()


def test_deleting_asks_first_then_deletes_mentions(alice_client, article, user):
    entity = curation.create_entity("FNV", "organisation", user)
    tag(article, user, "FNV", entity=entity)
    url = reverse("delete_entity", args=[entity.pk])
    assert "1 mention" in alice_client.get(url).text
    assert Entity.objects.exists()
    alice_client.post(url)
    assert not Entity.objects.exists()
    assert not Annotation.objects.exists()


def test_the_entity_page_lists_mentions_with_their_sentence(alice_client, article, user, bob):
    entity = curation.create_entity("Aboutaleb", "person", user)
    tag(article, user, "Aboutaleb", entity=entity)
    tag(article, bob, "Aboutaleb", nth=1, entity=entity, audience=None)
    page = alice_client.get(entity.get_absolute_url()).text
    assert '<mark class="mention-here">Aboutaleb</mark>' in page
    assert "the FNV said Ahmed <mark" in page
    assert "would chair the talks." in page
    assert "the port of Rotterdam must reopen" not in page  # Bob's private mention
    assert '<dd data-stat="mentions">1</dd>' in page


def test_the_entity_page_shows_co_occurring_entities(alice_client, article, user):
    mayor = curation.create_entity("Aboutaleb", "person", user)
    union = curation.create_entity("FNV", "organisation", user)
    tag(article, user, "Aboutaleb", entity=mayor)
    tag(article, user, "FNV", entity=union)
    page = alice_client.get(mayor.get_absolute_url()).text
    related = page.split('id="related-heading"')[1]
    assert "FNV" in related
    assert "1 article" in related


def test_the_index_filters_by_kind_and_searches_names_and_aliases(alice_client, user):
    curation.create_entity("Rotterdam", "place", user)
    fnv = curation.create_entity("Federatie Nederlandse Vakbeweging", "organisation", user)
    curation.add_alias(fnv, "FNV")
    url = reverse("entities")
    assert "Rotterdam" not in alice_client.get(url, {"kind": "organisation"}).text
    found = alice_client.get(url, {"q": "fnv"}).text
    assert "Federatie Nederlandse Vakbeweging" in found
    assert "Rotterdam" not in found
    assert "No entity matches" in alice_client.get(url, {"q": "zzz"}).text


def test_the_index_varies_on_htmx_so_back_never_shows_a_bare_fragment(alice_client):
    for headers in ({}, {"HX-Request": "true", "HX-Target": "entity-list"}):
        response = alice_client.get(reverse("entities"), {"q": "rott"}, headers=headers)
        assert "HX-Request" in response["Vary"]


def test_the_index_without_entities_explains_how_to_start(alice_client):
    assert "No entities yet" in alice_client.get(reverse("entities")).text


def test_lookup_suggests_existing_entities_by_name_or_alias(alice_client, user):
    fnv = curation.create_entity("Federatie Nederlandse Vakbeweging", "organisation", user)
    curation.add_alias(fnv, "FNV")
    html = alice_client.get(reverse("entity_lookup"), {"name": "fn"}, headers=HX).text
    assert f'value="{fnv.pk}"' in html
    assert "New entity “fn”" in html


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_index_and_entity_page_query_counts_do_not_grow(alice_client, user):
    articles = [make_article(STORY.replace("Rotterdam", f"Rotterdam {i}")) for i in range(3)]
    entity = curation.create_entity("FNV", "organisation", user)
    tag(articles[0], user, "FNV", entity=entity)
    index_one = _queries(alice_client, reverse("entities"))
    page_one = _queries(alice_client, entity.get_absolute_url())
    for i, article in enumerate(articles):
        other = curation.create_entity(f"Person {i}", "person", user)
        curation.add_alias(other, f"P{i}")
        for n in range(2):
            tag(article, user, "FNV", nth=n, entity=entity)
        tag(article, user, "Aboutaleb", entity=other)
    assert _queries(alice_client, reverse("entities")) == index_one
    assert _queries(alice_client, entity.get_absolute_url()) == page_one
    # 12: with the header's count of unread notifications and the person's watch of the
    # entity ("Watch" / "Watching · Unwatch").
    assert page_one <= 12


def _tag_privately(client, article, phrase, **data):
    return _tag(client, article, phrase, audience="private", **data)


def test_an_entity_made_for_a_private_mention_is_invisible_to_colleagues(
    client, article, user, bob
):
    client.force_login(bob)
    _tag_privately(
        client, article, "Aboutaleb", name="Informant KESTREL", kind="person", alias="on"
    )
    secret = Entity.objects.get()
    assert list(secret.aliases.values_list("name", flat=True)) == ["Aboutaleb"]
    assert secret.private_to == bob
    alice = signed_in(user)
    assert "KESTREL" not in alice.get(reverse("entities")).text
    assert "KESTREL" not in alice.get(reverse("entity_lookup"), {"q": "kestrel"}).text
    assert alice.get(secret.get_absolute_url()).status_code == 404
    assert "KESTREL" not in alice.get(article.get_absolute_url()).text
    assert all(s.entity_id != secret.pk for s in suggest(article, user))
    # Bob still has it everywhere.
    assert "KESTREL" in client.get(reverse("entities")).text
    assert any(s.entity_id == secret.pk for s in suggest(article, bob))


def test_a_private_mention_adds_no_alias_to_a_team_entity(client, article, user, bob):
    team = curation.create_entity("Ahmed Aboutaleb", "person", user)
    client.force_login(bob)
    _tag_privately(client, article, "Aboutaleb", entity=str(team.pk), alias="on")
    assert not team.aliases.exists()
    everyone = str(sharing.default_group().pk)
    _tag(client, article, "Aboutaleb", n=1, entity=str(team.pk), alias="on", audience=everyone)
    assert list(team.aliases.values_list("name", flat=True)) == ["Aboutaleb"]


def test_sharing_a_mention_gives_its_entity_to_the_team(client, article, user, bob):
    client.force_login(bob)
    _tag_privately(client, article, "FNV", name="FNV", kind="organisation")
    mention = Annotation.objects.get()
    assert mention.entity.private_to == bob
    response = client.post(
        reverse("edit_annotation", args=[mention.pk]), {"audience": str(sharing.default_group().pk)}
    )
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.entity.private_to is None
    alice = signed_in(user)
    assert alice.get(mention.entity.get_absolute_url()).status_code == 200


def test_a_shared_tag_of_a_name_someone_keeps_privately_makes_a_team_entity(
    client, article, user, bob
):
    client.force_login(bob)
    _tag_privately(client, article, "FNV", name="FNV", kind="organisation")
    alice = signed_in(user)
    _tag(alice, article, "FNV", n=1, name="FNV", kind="organisation")
    assert Entity.objects.filter(name="FNV").count() == 2
    assert Entity.objects.get(name="FNV", private_to__isnull=True).mentions.get().author == user


def test_an_entity_with_colleagues_private_mentions_cannot_be_deleted(client, article, user, bob):
    entity = curation.create_entity("FNV", "organisation", user)
    tag(article, bob, "FNV", entity=entity, audience=None, note="my source")
    client.force_login(user)
    url = reverse("delete_entity", args=[entity.pk])
    page = client.get(url).text
    assert "cannot be deleted" in page
    assert "0 mentions" not in page
    assert client.post(url).status_code == 409
    assert Annotation.objects.filter(note="my source").exists()
    assert "1 mention you can see" not in client.get(reverse("merge_entity", args=[entity.pk])).text


def test_a_suggestions_tag_form_is_a_page_without_javascript_and_a_fragment_with(
    alice_client, article
):
    url = reverse("accept_suggestion", args=[article.pk])
    page = alice_client.get(url, {"text": "Ahmed Aboutaleb"}).text
    assert "<h1>Tag “Ahmed Aboutaleb”</h1>" in page
    assert 'name="text" value="Ahmed Aboutaleb"' in page
    fragment = alice_client.get(url, {"text": "Ahmed Aboutaleb"}, headers=HX).text
    assert fragment.lstrip().startswith('<form class="accept-form"')

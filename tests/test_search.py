"""Search (issue 7): full-text search over articles and annotations, entity prefixes,
qualifiers, facets, permissions, malformed queries and query counts."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import annotations as annotating
from articles import search
from articles.entities import curation
from articles.models import Annotation, Article, ColorLabel, Membership, TeamGroup

pytestmark = pytest.mark.django_db


def make_article(title: str, body: str, **fields) -> Article:
    fields.setdefault("language", "en")
    return Article.objects.create(
        title=title,
        body_text=body,
        body_html="".join(f"<p>{p}</p>" for p in body.split("\n\n")),
        content_hash=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        word_count=len(body.split()),
        **fields,
    )


def highlight(article, author, phrase, **kw):
    start = article.body_text.index(phrase)
    return annotating.create(
        article, author, start=start, end=start + len(phrase), quote=phrase, **kw
    )


def titles(found) -> list[str]:
    out = []
    for r in found.results:
        if r.kind == "article":
            out.append(r.obj.title)
        elif r.kind == "entity":
            out.append(r.obj.name)
        else:
            out.append(f"{r.kind}:{r.obj.exact or r.obj.note}")
    return out


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.org")


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("Carol", "carol@example.org")


@pytest.fixture
def war():
    return make_article(
        "Troops gather at the border",
        "North Korean troops were seen near Kursk on Monday, officials said.\n\n"
        "Zelensky presented his victory plan to parliament; Putin dismissed it.",
        site_name="The Moscow Times",
        source_url="https://www.themoscowtimes.com/2024/10/17/troops",
        published_at=dt.datetime(2024, 10, 17, tzinfo=dt.UTC),
    )


@pytest.fixture
def trade():
    return make_article(
        "Harbour strike enters second week",
        "Dock workers in Rotterdam stayed off the job. Putin was not mentioned, nor was "
        "Pyongyang. A plan for victory in the talks was drafted.",
        site_name="Port News",
        source_url="https://news.example.org/strike",
        published_at=dt.datetime(2023, 3, 1, tzinfo=dt.UTC),
    )


# --- Matching and ranking ---------------------------------------------------------------


def test_words_match_any_inflection_and_title_outranks_body(user):
    body_only = make_article("Weather report", "A single troop of scouts crossed the river.")
    in_title = make_article("Troops return home", "The soldiers came back on Friday.")
    found = search.run(user, "troops")
    assert titles(found) == [in_title.title, body_only.title]
    assert found.counts["article"] == 2
    assert search.run(user, "troop").total == 2


def test_phrase_and_exclusion(user, war, trade):
    assert titles(search.run(user, '"victory plan"')) == [war.title]
    assert set(titles(search.run(user, "victory plan"))) == {war.title, trade.title}
    assert titles(search.run(user, "putin -pyongyang")) == [war.title]
    assert titles(search.run(user, "rotterdam or kursk")) != []
    assert search.run(user, "rotterdam or kursk").counts["article"] == 2


def test_byline_and_site_are_searched(user):
    article = make_article(
        "Untitled", "Nothing here.", byline="By Anna Petrova", site_name="Meduza"
    )
    assert titles(search.run(user, "petrova")) == [article.title]
    assert titles(search.run(user, "meduza")) == [article.title]


def test_russian_and_greek_articles_are_found_in_their_language(user):
    ru = make_article(
        "Новости", "Войска собрались у границы. В Москве прошло совещание.", language="ru"
    )
    el = make_article(
        "Ειδήσεις", "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.", language="el"
    )
    # The Russian stemmer: "Москва" finds "Москве", "войско" finds "Войска".
    assert titles(search.run(user, "Москва")) == [ru.title]
    assert titles(search.run(user, "войска")) == [ru.title]
    assert titles(search.run(user, "ΟΙΚΟΝΟΜΙΑ")) == [el.title]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT article_id, search_config::text FROM articles_articlesearch "
            "WHERE article_id IN (%s, %s)",
            [ru.pk, el.pk],
        )
        assert dict(cursor.fetchall()) == {ru.pk: "russian", el.pk: "greek"}


def test_language_postgres_does_not_know_uses_simple(user):
    article = make_article("Habari", "Wanajeshi walikusanyika mpakani.", language="sw")
    assert titles(search.run(user, "wanajeshi")) == [article.title]
    assert search.run(user, "wanajesh").total == 0  # no stemming: whole words


def test_only_common_words_get_a_hint(user, war):
    for q in ("the and of", "the site:themoscowtimes.com", "of label:nothing"):
        found = search.run(user, q)
        assert found.total == 0
        assert any("common words" in h for h in found.query.hints), q


def test_an_overlong_body_is_indexed_from_its_start(user):
    rng = random.Random(7)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)) for _ in range(90_000)
    ]
    article = make_article("Long", "needle " + " ".join(words))
    assert titles(search.run(user, "needle")) == [article.title]


# --- Annotations and entities -------------------------------------------------------------


def test_highlights_and_page_notes_are_found_by_quote_and_note(user, war):
    hl = highlight(war, user, "North Korean troops", note="Check the **Kursk** sighting")
    page_note = annotating.create_page_note(war, user, note="Ask the desk about sightings")
    found = search.run(user, "sighting")
    kinds = {(r.kind, r.obj.pk) for r in found.results}
    assert kinds == {("highlight", hl.pk), ("note", page_note.pk)}
    result = next(r for r in found.results if r.kind == "highlight")
    assert "<mark>sighting</mark>" in result.note_snippet
    assert result.url.endswith(f"#annotation-{hl.pk}")
    assert found.counts == {"article": 0, "highlight": 1, "note": 1, "entity": 0}


def test_page_notes_and_orphaned_highlights_link_to_their_card(user, war):
    """Neither has a passage to scroll to: the link opens the panel at its card."""
    page_note = annotating.create_page_note(war, user, note="Ask the desk about sightings")
    orphan = highlight(war, user, "North Korean troops", note="Old sightings")
    Annotation.objects.filter(pk=orphan.pk).update(status=Annotation.Status.ORPHANED)
    found = {r.obj.pk: r.url for r in search.run(user, "sightings").results}
    reader = _client(user).get(war.get_absolute_url()).content.decode()
    for annotation in (page_note, orphan):
        assert found[annotation.pk] == f"{war.get_absolute_url()}#card-{annotation.pk}"
        assert f'id="card-{annotation.pk}"' in reader


def test_entity_mentions_are_not_listed_as_highlights(user, war):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    found = search.run(user, "putin")
    assert {r.kind for r in found.results} == {"article", "entity"}


def test_entities_match_by_prefix_ignoring_case_and_accents(user, war):
    zelensky = curation.create_entity("Volodymyr Zelénskyy", "person", user)
    curation.add_alias(zelensky, "Зеленский")
    highlight(war, user, "Zelensky", entity=zelensky)
    for typed in ("zelen", "ZELENSKYY", "volo zel", "Зелен"):
        found = search.run(user, typed)
        hit = [r for r in found.results if r.kind == "entity"]
        assert [r.obj.pk for r in hit] == [zelensky.pk], typed
    entity = next(r for r in search.run(user, "zelenskyy").results if r.kind == "entity")
    assert entity.obj.mention_count == 1
    assert entity.url == zelensky.get_absolute_url()


def test_entities_with_vietnamese_or_decomposed_accents_are_found_without_them(user, war):
    # Vietnamese letters (ễ, ọ) are outside Latin-1; a name pasted in decomposed form
    # (e + combining acute) has its accents as separate characters.
    trong = curation.create_entity("Nguyễn Phú Trọng", "person", user)
    jose = curation.create_entity("Jose\u0301 Marti\u0301", "person", user)
    for typed, entity in [
        ("Nguyễn", trong),
        ("nguyen phu trong", trong),
        ("José", jose),
        ("jose marti", jose),
    ]:
        found = [r.obj.pk for r in search.run(user, typed).results if r.kind == "entity"]
        assert found == [entity.pk], typed
    highlight(war, user, "Putin", entity=trong)
    for typed in ('entity:"Nguyễn Phú Trọng"', 'entity:"nguyen phu trong"'):
        assert titles(search.run(user, typed)) == [war.title], typed
    highlight(war, user, "Kursk", entity=jose)
    assert titles(search.run(user, 'entity:"Jose\u0301 Marti\u0301"')) == [war.title]


def test_someone_elses_private_entity_is_not_found(user, bob):
    curation.create_entity("Secret Source", "person", bob, private=True)
    assert search.run(user, "secret").total == 0
    assert search.run(bob, "secret").counts["entity"] == 1


# --- Qualifiers ---------------------------------------------------------------------------


def test_site_qualifier_matches_host_subdomains_and_site_name(user, war, trade):
    assert titles(search.run(user, "site:themoscowtimes.com")) == [war.title]
    assert titles(search.run(user, "site:https://www.themoscowtimes.com/")) == [war.title]
    assert titles(search.run(user, "site:example.org")) == [trade.title]
    assert titles(search.run(user, 'site:"port news"')) == [trade.title]
    assert titles(search.run(user, "putin site:example.org")) == [trade.title]


def test_entity_qualifier(user, war, trade):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    assert titles(search.run(user, 'entity:"Vladimir Putin"')) == [war.title]
    assert titles(search.run(user, 'putin entity:"vladimir putin"')) == [war.title]
    found = search.run(user, "entity:Nobody")
    assert found.total == 0
    assert "No entity is called “Nobody”." in found.query.hints


def test_entity_qualifier_ignores_mentions_the_user_cannot_see(user, bob, war):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, bob, "Putin", entity=putin, audience=None)
    assert search.run(user, 'entity:"Vladimir Putin"').total == 0
    assert search.run(bob, 'entity:"Vladimir Putin"').total == 1


def test_by_color_and_has_notes_narrow_to_annotations(user, carol, war):
    green = highlight(war, user, "North Korean troops", color="green")
    noted = highlight(war, carol, "victory plan", color="pink", note="Source?")
    assert titles(search.run(user, "by:alice")) == [f"highlight:{green.exact}"]
    assert titles(search.run(user, "by:carol")) == [f"highlight:{noted.exact}"]  # any case
    assert titles(search.run(user, "color:green")) == [f"highlight:{green.exact}"]
    assert titles(search.run(user, "troops color:pink")) == []
    assert titles(search.run(user, "has:notes")) == [f"highlight:{noted.exact}"]
    assert search.run(user, "by:nobody").query.hints == ["No one here is called “nobody”."]


def test_color_by_its_team_label(user, war):
    ColorLabel.objects.update_or_create(color="green", defaults={"label": "Verified claim"})
    green = highlight(war, user, "North Korean troops", color="green")
    assert titles(search.run(user, 'colour:"verified claim"')) == [f"highlight:{green.exact}"]


def test_dates(user, war, trade):
    assert titles(search.run(user, "putin before:2024-01-01")) == [trade.title]
    assert titles(search.run(user, "putin after:2024-06")) == [war.title]
    assert titles(search.run(user, "putin after:2023 before:2024")) == [trade.title]
    found = search.run(user, "putin before:yesterday after:")
    assert found.total == 2
    assert len(found.query.hints) == 2


def test_type_qualifier(user, war):
    highlight(war, user, "North Korean troops")
    assert {r.kind for r in search.run(user, "troops").results} == {"article", "highlight"}
    assert {r.kind for r in search.run(user, "troops type:highlight").results} == {"highlight"}
    assert {r.kind for r in search.run(user, "troops type:articles").results} == {"article"}
    assert search.run(user, "troops type:poem").query.hints


# --- Facets -------------------------------------------------------------------------------


def test_facets_count_the_matches_and_add_their_qualifier(user, carol, war, trade):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    highlight(war, carol, "North Korean troops", color="green")
    found = search.run(user, "putin")
    sites = {f["value"]: f["count"] for f in found.facets["site"]}
    assert sites == {"themoscowtimes.com": 1, "news.example.org": 1}
    assert [(f["value"], f["count"]) for f in found.facets["entity"]] == [("Vladimir Putin", 1)]
    site = next(f for f in found.facets["site"] if f["value"] == "news.example.org")
    assert site["q"] == "putin site:news.example.org"
    assert titles(search.run(user, site["q"])) == [trade.title]
    years = {f["value"]: f["q"] for f in found.facets["year"]}
    assert titles(search.run(user, years["2023"])) == [trade.title]
    troops = search.run(user, "troops")
    assert [(f["value"], f["count"]) for f in troops.facets["by"]] == [("Carol", 1)]
    assert [(f["value"], f["count"]) for f in troops.facets["color"]] == [("green", 1)]


def test_every_facet_count_is_the_number_of_results_it_leads_to(user, carol, war, trade):
    from articles import library

    library.add_label(war, "Ukraine", user)
    putin = curation.create_entity("Vladimir Putin", "person", user)
    highlight(war, user, "Putin", entity=putin)
    highlight(war, carol, "victory plan", note="Putin's plan, says the desk", color="green")
    annotating.create_page_note(war, user, note="Putin again")
    found = search.run(user, "putin")
    assert found.total == 5  # two articles, a highlight, a page note, the entity
    for key in ("site", "entity", "label", "by", "color", "year"):
        assert found.facets[key], key
        for facet in found.facets[key]:
            assert search.run(user, facet["q"]).total == facet["count"], facet["q"]


def test_an_article_dated_in_the_last_possible_year_does_not_break_the_page(user):
    make_article(
        "Far future", "Troops of robots.", published_at=dt.datetime(9999, 6, 1, tzinfo=dt.UTC)
    )
    response = _client(user).get(reverse("search"), {"q": "troops"})
    assert response.status_code == 200
    assert "Far future" in response.content.decode()


def test_facets_for_names_with_quotes_or_sharp_s_find_what_they_count(user, war):
    from articles import library

    library.add_label(war, "Großbritannien", user)
    library.add_label(war, 'Operation "Dawn"', user)
    rock = curation.create_entity('Dwayne "The Rock" Johnson', "person", user)
    highlight(war, user, "Zelensky", entity=rock)
    found = search.run(user, "troops")
    facets = [*found.facets["label"], *found.facets["entity"]]
    assert len(facets) == 3
    for facet in facets:
        narrowed = search.run(user, facet["q"])
        assert titles(narrowed) == [war.title], facet["q"]
        assert narrowed.query.hints == [], facet["q"]
        again = narrowed.facets[narrowed.query.qualifiers[0].key]
        assert next(f for f in again if f["value"] == facet["value"])["active"], facet["q"]


def test_site_name_matches_ignoring_case_in_any_language(user):
    article = make_article("Troops", "North Korean troops.", site_name="Die Straße")
    assert titles(search.run(user, 'site:"Die Straße"')) == [article.title]
    assert titles(search.run(user, 'site:"DIE STRASSE"')) == []  # not the same letters


# --- Permissions --------------------------------------------------------------------------


def test_private_and_other_group_annotations_never_show_not_even_as_counts(user, bob, war):
    desk = TeamGroup.objects.create(name="Investigations")
    Membership.objects.create(group=desk, user=bob)
    highlight(war, bob, "North Korean troops", note="zebra private", audience=None)
    highlight(war, bob, "victory plan", note="zebra desk", audience=desk)
    annotating.create_page_note(war, bob, note="zebra page", audience=None)
    for q in ("zebra", "by:bob", "has:notes", "color:yellow", "troops", "zebra type:highlight"):
        found = search.run(user, q)
        assert found.counts.get("highlight", 0) == 0, q
        assert found.counts.get("note", 0) == 0, q
        assert not found.facets.get("by"), q
        assert not found.facets.get("color"), q
    assert search.run(bob, "zebra").counts["highlight"] == 2
    html = _client(user).get(reverse("search"), {"q": "zebra"}).content.decode()
    assert "Nothing matches" in html
    assert "Highlights <span" not in html
    assert "Page notes <span" not in html
    for hidden in ("zebra private", "zebra desk", "zebra page", "bob"):
        assert hidden not in html


def test_search_needs_sign_in(client, war):
    response = client.get(reverse("search"), {"q": "troops"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- Malformed queries --------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        '"victory plan',
        "-",
        "- - -",
        "putin -",
        '"',
        "()&|!:*",
        "troops' OR 1=1; --",
        "a" * 5000,
        "troops " * 1000,
        "site: entity: by: color: has: before: after: type:",
        'entity:"unclosed',
        "before:2024-13-45",
        "\x00troops",
        "<script>alert(1)</script>",
        "🙂 ñ 中文",
    ],
)
def test_malformed_queries_never_fail(user, war, q):
    response = _client(user).get(reverse("search"), {"q": q})
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999999", "2.5"])
def test_bad_page_numbers(user, war, page):
    response = _client(user).get(reverse("search"), {"q": "troops", "page": page})
    assert response.status_code == 200


# --- The page -----------------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_shows_snippet_with_marks_and_links_to_the_first_match(user, war):
    response = _client(user).get(reverse("search"), {"q": "kursk"})
    html = response.content.decode()
    assert "<mark>Kursk</mark>" in html
    # The text fragment names the word with its neighbours, for the browser to pick it.
    fragment = "seen%20near-,Kursk,-on%20Monday%2C"
    match = re.search(rf'href="(/articles/\d+/[^"#]+/)#match-(\d+)-(\d+):~:text={fragment}"', html)
    assert match
    start, end = int(match[2]), int(match[3])
    assert war.body_text[start:end] == "Kursk"


def test_accented_words_are_marked_and_linked_to_their_match(user):
    article = make_article(
        "Hiring", "The café owner 🙂 read a résumé aloud, then another Résumé.", language="fr"
    )
    html = _client(user).get(reverse("search"), {"q": "résumé"}).content.decode()
    assert "<mark>résumé</mark>" in html
    match = re.search(r'href="[^"#]+#match-(\d+)-(\d+):~:text=([^"]+)"', html)
    assert match
    assert article.body_text[int(match[1]) : int(match[2])] == "résumé"
    assert match[3] == "read%20a-,r%C3%A9sum%C3%A9,-aloud%2C%20then"


def test_snippets_escape_the_text(user):
    make_article("Markup", 'Troops wrote <img src=x onerror="alert(1)"> & <b>left</b>.')
    html = _client(user).get(reverse("search"), {"q": "troops"}).content.decode()
    # ts_headline leaves tags out of the excerpt; what remains is escaped.
    assert "<mark>Troops</mark> wrote" in html
    assert "&amp;" in html
    assert "<img" not in html
    assert "<b>" not in html


def test_empty_search_explains_the_syntax(user):
    html = _client(user).get(reverse("search")).content.decode()
    assert "site:themoscowtimes.com" in html
    # One search landmark: the header's box, empty here, is hidden with its form.
    visible = re.findall(r'<form[^>]*role="search"(?![^>]*\shidden)[^>]*>', html)
    assert len(visible) == 1


def test_no_results_state_and_filter_chips(user, war):
    html = _client(user).get(reverse("search"), {"q": "zanzibar site:example.org"}).content.decode()
    assert "Nothing matches" in html
    assert 'aria-label="Remove site:example.org"' in html
    assert "?q=zanzibar" in html


def test_every_page_has_a_search_box(user):
    html = _client(user).get(reverse("library")).content.decode()
    assert 'role="search"' in html
    assert f'action="{reverse("search")}"' in html


def test_htmx_request_gets_only_the_results(user, war):
    response = _client(user).get(
        reverse("search"), {"q": "troops"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html


def test_pagination(user):
    for i in range(45):
        make_article(f"Dispatch {i:02d}", f"Report number {i} about the harbour strike.")
    first = search.run(user, "harbour")
    assert (first.total, len(first.results), first.has_next, first.pages) == (45, 20, True, 3)
    third = search.run(user, "harbour", page=3)
    assert (len(third.results), third.has_next) == (5, False)
    seen = {r.obj.pk for p in (1, 2, 3) for r in search.run(user, "harbour", page=p).results}
    assert len(seen) == 45
    html = _client(user).get(reverse("search"), {"q": "harbour", "page": 2}).content.decode()
    assert "?q=harbour&amp;page=3" in html
    assert "?q=harbour&amp;page=1" in html


def _corpus(user, bob, n: int) -> None:
    putin = curation.create_entity("Vladimir Putin", "person", user)
    for i in range(n):
        article = make_article(
            f"Putin story {i}",
            f"Putin spoke about troops in dispatch {i}.",
            source_url=f"https://site{i % 5}.example.com/{i}",
            published_at=timezone.now() - dt.timedelta(days=i),
        )
        highlight(article, user, "Putin", entity=putin)
        highlight(article, bob, "troops", note=f"note {i} on troops", color="green")
        annotating.create_page_note(article, user, note=f"page note on troops {i}")


@pytest.mark.parametrize("q", ["troops", "putin has:notes", 'entity:"Vladimir Putin" troops'])
def test_search_page_query_count_does_not_grow(user, bob, q):
    """Session, user, configurations, the search, one load per kind on the page (and the
    articles' labels), the excerpts, the colour legend: at most 10, however many articles
    and annotations."""
    client = _client(user)
    _corpus(user, bob, 3)
    client.get(reverse("search"), {"q": q})  # the set-up check runs once per process
    small = _count(client, q)
    _corpus_more(user, bob)
    large = _count(client, q)
    assert small <= 10
    assert large <= 10


def _corpus_more(user, bob):
    putin = Annotation.objects.filter(entity__isnull=False).first().entity
    for i in range(30):
        article = make_article(f"More Putin {i}", f"Putin and troops again, number {i}.")
        highlight(article, user, "Putin", entity=putin)
        highlight(article, bob, "troops", note=f"another note {i} on troops")


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _count(client, q) -> int:
    counter = _Counter()
    with connection.execute_wrapper(counter):
        response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return counter.count


def test_annotations_follow_their_articles_language(user):
    article = make_article("Новости", "Войска собрались у границы.", language="ru")
    highlight(article, user, "Войска собрались")
    assert search.run(user, "войско").counts["highlight"] == 1
    article.language = "en"
    article.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_config::text FROM articles_annotation WHERE article_id = %s",
            [article.pk],
        )
        assert cursor.fetchone()[0] == "english"


def test_labels_and_reading_state_qualifiers(user, bob, war, trade):
    from articles import library

    label = library.add_label(war, "Ukraine", user)
    library.set_state(user, trade, "favourite", on=True)
    library.set_state(user, war, "read", on=True)
    assert titles(search.run(user, "putin label:ukraine")) == [war.title]
    assert titles(search.run(user, "label:UKRAINE")) == [war.title]
    assert titles(search.run(user, "putin is:favourite")) == [trade.title]
    assert titles(search.run(user, "putin is:unread")) == [trade.title]
    assert titles(search.run(user, "putin is:read")) == [war.title]
    # The state is the searcher's own: bob has starred nothing and read nothing.
    assert search.run(bob, "putin is:favourite").total == 0
    assert search.run(bob, "putin is:unread").total == 2
    found = search.run(user, "putin")
    assert [(f["value"], f["count"]) for f in found.facets["label"]] == [(label.name, 1)]
    missing = search.run(user, "label:nothing")
    assert missing.total == 0
    assert "No label is called “nothing”." in missing.query.hints
    assert search.run(user, "is:sleepy putin").query.hints
    html = _client(user).get(reverse("search"), {"q": "putin"}).content.decode()
    assert "★ Favourite" in html
    assert '<span class="chip">Ukraine</span>' in html


def test_a_common_word_lists_its_newest_matches_with_the_full_count(user, monkeypatch):
    monkeypatch.setattr(search.limits, "HIT_CAP", 3)
    monkeypatch.setattr(search.limits, "RANK_LIMIT", 2)
    now = timezone.now()
    made = [
        make_article(
            f"Report {i}", f"The harbour strike, day {i}.", published_at=now - dt.timedelta(days=i)
        )
        for i in range(5)
    ]
    found = search.run(user, "harbour")
    assert found.total == 5  # counted exactly
    assert found.listed == 3
    assert [r.obj.pk for r in found.results] == [a.pk for a in made[:3]]  # the newest
    assert any("the newest 3 are listed" in h for h in found.query.hints)
    assert found.pages == 1


def test_ranking_covers_the_newest_matches_and_older_ones_follow(user, monkeypatch):
    monkeypatch.setattr(search.limits, "RANK_LIMIT", 2)
    now = timezone.now()
    older_title = make_article(
        "Harbour harbour harbour", "Nothing else.", published_at=now - dt.timedelta(days=30)
    )
    newer = [
        make_article(
            f"Note {i}", f"A word on the harbour {i}.", published_at=now - dt.timedelta(days=i)
        )
        for i in range(3)
    ]
    order = [r.obj.pk for r in search.run(user, "harbour").results]
    # The two newest are ranked; the rest follow newest first, whatever their rank.
    assert order[2:] == [newer[2].pk, older_title.pk]


def test_a_filter_matching_more_than_the_cap_says_more_than(user, alice_client, monkeypatch):
    monkeypatch.setattr(search.limits, "HIT_CAP", 3)
    for i in range(5):
        make_article(f"Story {i}", "Text.", source_url=f"https://example.com/{i}")
    found = search.run(user, "site:example.com")
    assert found.more
    assert len(found.results) == 3
    html = alice_client.get(reverse("search"), {"q": "site:example.com"}).content.decode()
    assert "More than 3 results" in html


def test_the_index_follows_every_change_to_an_article(user):
    article = make_article("Harbour news", "The strike ended on Friday.")
    assert search.run(user, "strike").total == 1
    article.body_text = "The lockout began on Monday."
    article.save()
    assert search.run(user, "strike").total == 0
    assert search.run(user, "lockout").total == 1
    Article.objects.filter(pk=article.pk).update(title="Port closed")
    assert titles(search.run(user, "port")) == ["Port closed"]
    article.delete()
    assert search.run(user, "lockout").total == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM articles_articlesearch")
        assert cursor.fetchone() == (0,)


def test_saving_an_article_unchanged_does_not_remake_its_vector(user):
    article = make_article("Harbour news", "The strike ended on Friday.")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ctid::text FROM articles_articlesearch WHERE article_id = %s", [article.pk]
        )
        before = cursor.fetchone()
        article.save()  # Django writes every column; none the index reads has changed
        cursor.execute(
            "SELECT ctid::text FROM articles_articlesearch WHERE article_id = %s", [article.pk]
        )
        assert cursor.fetchone() == before


def test_results_vary_on_htmx_so_back_never_shows_a_bare_fragment(user, war):
    """Live search pushes /search/?q=... with only the results; going Back to it later
    must not reuse that fragment from the browser's cache as the whole page."""
    client = _client(user)
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results"}):
        response = client.get(reverse("search"), {"q": "troops"}, **headers)
        assert "HX-Request" in response["Vary"]

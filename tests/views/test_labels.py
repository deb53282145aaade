"""Labels from the library and the reader (articles/views/labels.py: add, remove), and the
labels page (rename, delete)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles import library
from articles.models import ArticleLabel, Label
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}

HOSTILE = '<img src=x onerror=alert(1)>"'


@pytest.fixture
def article():
    return make_article("Harbour Strike\n\nDock workers stayed off the job for a week.")


@pytest.fixture
def other():
    return make_article("Grain Deal\n\nShips left Odesa with grain on Tuesday morning.")


def names(article) -> list[str]:
    return [label.name for label in article.labels.order_by("name")]


def add(client, article, name, **kwargs):
    return client.post(
        reverse("add_label", args=[article.pk]), {"name": name, **kwargs.pop("data", {})}, **kwargs
    )


def test_adding_a_label_goes_back_to_the_library(alice_client, user, article):
    response = add(alice_client, article, "  Ukraine ")
    assert response.status_code == 302
    assert response.url == "/"
    assert names(article) == ["Ukraine"]
    assert ArticleLabel.objects.get().added_by == user


def test_adding_reuses_a_label_whatever_its_case(alice_client, article, other):
    add(alice_client, article, "Ukraine")
    add(alice_client, other, "UKRAINE")
    assert Label.objects.count() == 1
    assert names(other) == ["Ukraine"]


def test_htmx_adding_swaps_the_row_with_the_new_label_and_the_form_still_open(
    alice_client, article
):
    response = add(alice_client, article, "Ukraine", headers=HTMX)
    assert response.status_code == 200
    text = response.text
    assert text.lstrip().startswith(f'<li id="article-{article.pk}"')
    label = Label.objects.get()
    assert f'<a href="/?label={label.pk}">Ukraine</a>' in text
    assert '<details class="label-add" open>' in text
    # The filter bar (out of band) gains the new label's chip and suggestion.
    assert f'id="label-filter-{label.pk}"' in text
    assert '<option value="Ukraine"></option>' in text


def test_adding_from_the_reader_goes_back_to_the_reader_or_swaps_its_shelf(alice_client, article):
    response = add(alice_client, article, "Ukraine", data={"from": "reader"})
    assert response.url == article.get_absolute_url()
    response = add(alice_client, article, "Port", data={"from": "reader"}, headers=HTMX)
    assert response.text.lstrip().startswith('<div id="reader-shelf"')
    assert ">Port</a>" in response.text
    assert ">Ukraine</a>" in response.text


@pytest.mark.parametrize(
    ("name", "error"),
    [("", "Give the label a name."), ("   ", "Give the label a name."), ("x" * 51, "at most 50")],
)
def test_a_bad_name_is_refused_and_changes_nothing(alice_client, article, name, error):
    response = add(alice_client, article, name)
    assert response.status_code == 400
    assert error in response.text
    assert Label.objects.count() == 0


def test_htmx_shows_a_bad_name_beside_the_field(alice_client, article):
    response = add(alice_client, article, "x" * 60, headers=HTMX)
    assert response.status_code == 400
    assert 'class="field-error" role="alert">A label is at most 50 characters.' in response.text
    assert 'aria-invalid="true"' in response.text
    assert '<details class="label-add" open>' in response.text
    assert Label.objects.count() == 0


def test_htmx_in_the_reader_shows_a_bad_name_in_the_shelf(alice_client, article):
    response = add(alice_client, article, "", data={"from": "reader"}, headers=HTMX)
    assert response.status_code == 400
    assert response.text.lstrip().startswith('<div id="reader-shelf"')
    assert 'role="alert">Give the label a name.' in response.text
    assert Label.objects.count() == 0


def test_adding_to_an_unknown_article_is_a_404(alice_client):
    response = alice_client.post(reverse("add_label", args=[424242]), {"name": "Ukraine"})
    assert response.status_code == 404
    assert Label.objects.count() == 0


def test_removing_a_label_from_an_article_keeps_it_elsewhere(alice_client, user, article, other):
    label = library.add_label(article, "Ukraine", user)
    library.add_label(other, "Ukraine", user)
    response = alice_client.post(
        reverse("remove_label", args=[article.pk, label.pk]), {"view": "favourites"}
    )
    assert response.url == "/?view=favourites"
    assert names(article) == []
    assert names(other) == ["Ukraine"]


def test_removing_in_that_labels_view_leaves_an_undo(alice_client, user, article):
    label = library.add_label(article, "Ukraine", user)
    url = reverse("remove_label", args=[article.pk, label.pk])
    response = alice_client.post(url, {"label": label.pk}, headers=HTMX)
    text = response.text
    assert "Removed the label “Ukraine” from “Harbour Strike”." in text
    assert f'action="/articles/{article.pk}/labels/"' in text
    assert (
        f'id="unlabel-{article.pk}-{label.pk}" class="tool" name="name" value="Ukraine">Undo'
        in text
    )
    add(alice_client, article, "Ukraine", data={"label": label.pk}, headers=HTMX)
    assert names(article) == ["Ukraine"]


def test_removing_an_unknown_label_is_a_404_and_changes_nothing(alice_client, user, article):
    library.add_label(article, "Ukraine", user)
    response = alice_client.post(reverse("remove_label", args=[article.pk, 424242]))
    assert response.status_code == 404
    assert names(article) == ["Ukraine"]


def test_removing_a_label_the_article_does_not_carry_changes_nothing(
    alice_client, user, article, other
):
    label = library.add_label(other, "Ukraine", user)
    response = alice_client.post(reverse("remove_label", args=[article.pk, label.pk]))
    assert response.status_code == 302
    assert names(other) == ["Ukraine"]


def test_the_labels_page_lists_every_label_with_its_count(alice_client, user, article, other):
    library.add_label(article, "Ukraine", user)
    library.add_label(other, "Ukraine", user)
    library.add_label(other, "Grain", user)
    text = alice_client.get(reverse("labels")).text
    assert text.index(">Grain</a>") < text.index(">Ukraine</a>")
    assert "2 articles" in text
    assert "1 article<" in text


def test_the_labels_page_explains_itself_when_empty(alice_client):
    assert "No labels yet." in alice_client.get(reverse("labels")).text


def test_renaming_renames_everywhere(alice_client, user, article, other):
    label = library.add_label(article, "Ukraine", user)
    library.add_label(other, "Ukraine", user)
    response = alice_client.post(reverse("rename_label", args=[label.pk]), {"name": "Ukraine war"})
    assert response.url == reverse("labels")
    assert names(article) == names(other) == ["Ukraine war"]
    assert (
        "Renamed “Ukraine” to “Ukraine war” on every article."
        in alice_client.get(response.url).text
    )


def test_htmx_renaming_swaps_the_row(alice_client, user, article):
    label = library.add_label(article, "Ukraine", user)
    response = alice_client.post(
        reverse("rename_label", args=[label.pk]), {"name": "Ukraine war"}, headers=HTMX
    )
    assert response.text.lstrip().startswith(f'<li id="label-{label.pk}" class="label-row">')
    assert "Renamed from “Ukraine”." in response.text
    assert "<html" not in response.text


def test_renaming_onto_an_existing_name_is_refused_with_a_clear_error(alice_client, user, article):
    label = library.add_label(article, "War", user)
    library.add_label(article, "Ukraine", user)
    response = alice_client.post(reverse("rename_label", args=[label.pk]), {"name": "ukraine"})
    assert response.status_code == 400
    assert "There is already a label called “Ukraine”." in response.text
    assert 'value="ukraine"' in response.text  # what was typed stays in the field
    assert names(article) == ["Ukraine", "War"]
    response = alice_client.post(
        reverse("rename_label", args=[label.pk]), {"name": "UKRAINE"}, headers=HTMX
    )
    assert response.status_code == 400
    assert response.text.lstrip().startswith(f'<li id="label-{label.pk}"')
    assert 'role="alert">There is already a label' in response.text


@pytest.mark.parametrize("name", ["", "x" * 51])
def test_renaming_to_a_bad_name_is_refused(alice_client, user, article, name):
    label = library.add_label(article, "Ukraine", user)
    response = alice_client.post(reverse("rename_label", args=[label.pk]), {"name": name})
    assert response.status_code == 400
    assert names(article) == ["Ukraine"]


def test_renaming_an_unknown_label_is_a_404(alice_client):
    assert (
        alice_client.post(reverse("rename_label", args=[424242]), {"name": "x"}).status_code == 404
    )


def test_deleting_asks_first_and_says_how_many_articles_carry_it(
    alice_client, user, article, other
):
    label = library.add_label(article, "Ukraine", user)
    library.add_label(other, "Ukraine", user)
    response = alice_client.get(reverse("delete_label", args=[label.pk]))
    assert response.status_code == 200
    assert "It is on 2 articles; it will be taken off all of them, for everyone." in response.text
    assert Label.objects.count() == 1  # a GET deletes nothing
    response = alice_client.post(reverse("delete_label", args=[label.pk]))
    assert response.url == reverse("labels")
    assert Label.objects.count() == 0
    assert names(article) == []
    assert "Deleted the label “Ukraine” from 2 articles." in alice_client.get(response.url).text


def test_deleting_an_unknown_label_is_a_404(alice_client):
    assert alice_client.post(reverse("delete_label", args=[424242])).status_code == 404


def test_anyone_on_the_team_renames_and_deletes_labels(client, user, article, bob):
    label = library.add_label(article, "Ukraine", user)
    client.force_login(bob)
    client.post(reverse("rename_label", args=[label.pk]), {"name": "Kyiv"})
    assert names(article) == ["Kyiv"]
    client.post(reverse("delete_label", args=[label.pk]))
    assert Label.objects.count() == 0


def test_label_writes_need_the_csrf_token(user, article):
    label = library.add_label(article, "Ukraine", user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert add(client, article, "Port").status_code == 403
    assert client.post(reverse("rename_label", args=[label.pk]), {"name": "X"}).status_code == 403
    assert client.post(reverse("delete_label", args=[label.pk])).status_code == 403
    assert client.post(reverse("remove_label", args=[article.pk, label.pk])).status_code == 403
    assert names(article) == ["Ukraine"]


def test_hostile_names_are_escaped_everywhere(alice_client, user, article):
    label = library.add_label(article, HOSTILE, user)
    pages = [
        reverse("library"),
        article.get_absolute_url(),
        reverse("labels"),
        reverse("delete_label", args=[label.pk]),
    ]
    for url in pages:
        text = alice_client.get(url).text
        assert "<img src=x" not in text, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in text, url
    response = alice_client.post(
        reverse("remove_label", args=[article.pk, label.pk]), {"label": label.pk}, headers=HTMX
    )
    assert "<img src=x" not in response.text

"""Nothing destroyed by accident: deleting an article says what goes with it and puts it in
the trash for 30 days; restoring brings back everything; only then is it deleted for good.
Deleting a group logs the audience changes; private notes stay private in the admin too,
and every note change is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import search, sharing, trash
from articles.models import (
    Annotation,
    Article,
    AudienceChange,
    Label,
    NoteChange,
    ShareLink,
)
from tests.factories import highlight, make_article, make_group, signed_in, tag

pytestmark = pytest.mark.django_db

STORY = (
    "Ferry Strike Ends\n\nThe ferry crews returned on Tuesday after the union accepted "
    "the offer from the harbour board, ending a strike of nine days."
)


@pytest.fixture
def ferry(user, bob, carol):
    """alice added it; bob and carol annotated it, carol privately."""
    article = make_article(STORY, user=user)
    highlight(article, user, "ferry crews returned", note="Mine")
    highlight(article, bob, "the union accepted", note="Bob's")
    highlight(article, carol, "harbour board", note="CAROL-PRIVATE-991", audience=None)
    highlight(article, carol, "nine days", note="Carol's shared")
    return article


def test_the_confirmation_says_how_many_colleagues_annotations_go_with_it(ferry, user):
    page = signed_in(user).get(reverse("delete_article", args=[ferry.pk])).text
    assert "3 annotations by 2 colleagues" in page
    assert "and 1 of yours" in page
    assert "CAROL-PRIVATE-991" not in page  # counts only, never the notes
    assert "trash" in page
    assert "Move to the trash" in page


def test_deleting_puts_the_article_in_the_trash_out_of_every_page(ferry, user, bob):
    assert search.run(user, "ferry").total > 0
    response = signed_in(user).post(reverse("delete_article", args=[ferry.pk]))
    assert response.status_code == 302
    ferry.refresh_from_db()
    assert ferry.deleted_at is not None
    assert ferry.deleted_by == user
    assert Annotation.objects.filter(article=ferry).count() == 4  # nothing lost yet
    for person in (user, bob):
        client = signed_in(person)
        assert client.get(ferry.get_absolute_url()).status_code == 404
        assert ferry.title not in client.get(reverse("library")).text
        assert "Bob's" not in client.get(reverse("library")).text  # not in the activity
    assert not Article.objects.filter(pk=ferry.pk).exists()
    found = search.run(user, "ferry")
    assert found.total == 0


def test_restoring_brings_back_the_article_and_everything_on_it(ferry, user):
    client = signed_in(user)
    client.post(reverse("delete_article", args=[ferry.pk]))
    trash_page = client.get(reverse("trash")).text
    assert ferry.title in trash_page
    assert "4 annotations" in trash_page
    response = client.post(reverse("restore_article", args=[ferry.pk]))
    assert response.status_code == 302
    assert response.url == ferry.get_absolute_url()
    reader = client.get(ferry.get_absolute_url()).text
    assert "Bob&#x27;s" in reader or "Bob's" in reader
    assert "The trash is empty." in client.get(reverse("trash")).text


def test_only_the_adder_or_an_administrator_sees_and_restores_it(ferry, user, bob, admin_user):
    trash.move_to_trash(ferry, user)
    assert ferry.title not in signed_in(bob).get(reverse("trash")).text
    assert signed_in(bob).post(reverse("restore_article", args=[ferry.pk])).status_code == 404
    assert signed_in(bob).get(reverse("purge_article", args=[ferry.pk])).status_code == 404
    assert ferry.title in signed_in(admin_user).get(reverse("trash")).text
    assert (
        signed_in(admin_user).post(reverse("restore_article", args=[ferry.pk])).status_code == 302
    )


def test_deleting_for_good_needs_the_trash_first_and_asks(ferry, user):
    client = signed_in(user)
    assert client.post(reverse("purge_article", args=[ferry.pk])).status_code == 404  # live
    trash.move_to_trash(ferry, user)
    confirm = client.get(reverse("purge_article", args=[ferry.pk])).text
    assert "This cannot be undone." in confirm
    assert "4 annotations" in confirm
    client.post(reverse("purge_article", args=[ferry.pk]))
    assert not Article.with_trash.filter(pk=ferry.pk).exists()
    assert not Annotation.objects.filter(article_id=ferry.pk).exists()


def test_the_trash_is_emptied_after_thirty_days(ferry, user):
    trash.move_to_trash(ferry, user)
    other = make_article("Another Story\n\nThe bridge reopened after repairs on the east side.")
    trash.move_to_trash(other, user)
    Article.with_trash.filter(pk=ferry.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    assert trash.purge() == 1
    assert not Article.with_trash.filter(pk=ferry.pk).exists()
    assert Article.with_trash.filter(pk=other.pk).exists()  # 0 days in the trash


def test_saving_the_same_story_again_restores_it(ferry, user):
    trash.move_to_trash(ferry, user)
    again = make_article(STORY, user=user)
    assert again.pk == ferry.pk
    assert Article.objects.filter(pk=ferry.pk).exists()
    assert Annotation.objects.filter(article=ferry).count() == 4


def test_a_share_link_to_a_trashed_article_is_gone(ferry, user, client):
    link = sharing.create_link(user, ferry, audience=ShareLink.Audience.ANYONE)
    assert client.get(link.get_absolute_url()).status_code == 200
    trash.move_to_trash(ferry, user)
    assert client.get(link.get_absolute_url()).status_code == 410


def test_label_counts_and_entity_mentions_leave_the_trash_out(ferry, user):
    from articles import library

    library.add_label(ferry, "Ferries", user)
    mention = tag(ferry, user, "harbour board", name="Harbour board", kind="organisation")
    trash.move_to_trash(ferry, user)
    assert library.labels_with_counts()[0].article_count == 0
    assert Label.objects.get().name == "Ferries"
    page = signed_in(user).get(mention.entity.get_absolute_url()).text
    assert "ferry crews" not in page


def test_a_non_adder_cannot_delete_even_with_annotations(ferry, bob):
    assert signed_in(bob).post(reverse("delete_article", args=[ferry.pk])).status_code == 403
    assert Article.objects.filter(pk=ferry.pk).exists()


# --- Groups ----------------------------------------------------------------------------------


def test_deleting_a_group_logs_each_annotation_made_private(user, bob, admin_user):
    desk = make_group("Night desk", user, bob)
    article = make_article(STORY)
    shared = highlight(article, user, "ferry crews", audience=desk)
    other = highlight(article, bob, "nine days", audience=desk)
    response = signed_in(admin_user).post(
        reverse("admin:articles_teamgroup_delete", args=[desk.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    for annotation in (shared, other):
        annotation.refresh_from_db()
        assert annotation.group is None
        change = AudienceChange.objects.get(annotation=annotation)
        assert (change.from_audience, change.to_audience) == ("Night desk", "Only me")
        assert change.changed_by == admin_user


def test_the_default_group_cannot_be_deleted_through_the_function(user):
    from articles.models import TeamGroup

    with pytest.raises(sharing.SharingError):
        sharing.delete_group(TeamGroup.objects.get(is_default=True), by=user)


# --- Private means private, in the admin too -------------------------------------------------


def test_an_administrator_does_not_find_a_private_note_in_the_admin(ferry, admin_user):
    client = signed_in(admin_user)
    listing = client.get(reverse("admin:articles_annotation_changelist"), {"q": "CAROL"}).text
    assert "CAROL-PRIVATE-991" not in listing
    private = Annotation.objects.get(note="CAROL-PRIVATE-991")
    change = reverse("admin:articles_annotation_change", args=[private.pk])
    assert client.get(change).status_code in (302, 404)  # "doesn't exist", as for a stranger
    shared = client.get(reverse("admin:articles_annotation_changelist"), {"q": "Bob"}).text
    assert "the union accepted" in shared


def test_an_admin_edit_of_a_note_goes_through_the_writer_and_is_logged(ferry, admin_user, bob):
    from tests.factories import form_fields

    note = Annotation.objects.get(note="Bob's")
    client = signed_in(admin_user)
    url = reverse("admin:articles_annotation_change", args=[note.pk])
    data = {**form_fields(client.get(url).text), "note": "**Checked** by the desk"}
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:3000]
    note.refresh_from_db()
    assert note.note == "**Checked** by the desk"
    assert "<strong>Checked</strong>" in note.note_html  # the reader shows the new text
    logged = NoteChange.objects.get(annotation=note)
    assert (logged.before, logged.after, logged.changed_by) == (
        "Bob's",
        "**Checked** by the desk",
        admin_user,
    )


def test_every_note_change_from_the_reader_is_logged(ferry, bob):
    note = Annotation.objects.get(note="Bob's")
    signed_in(bob).post(reverse("edit_annotation", args=[note.pk]), {"note": "Bob's, checked"})
    logged = NoteChange.objects.get(annotation=note)
    assert (logged.before, logged.after, logged.changed_by) == ("Bob's", "Bob's, checked", bob)
    # The colour alone changes no note:
    signed_in(bob).post(reverse("edit_annotation", args=[note.pk]), {"color": "green"})
    assert NoteChange.objects.filter(annotation=note).count() == 1

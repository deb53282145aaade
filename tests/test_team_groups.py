"""The team's groups in the app (/team/groups/): creating, renaming, members in and out,
and deleting a group after a confirmation that says what becomes of its annotations
(they go back to their authors alone) and of its share links (they stop opening)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles import accounts, sharing
from articles.models import Annotation, AudienceChange, Membership, TeamGroup
from tests.factories import highlight, make_group, make_user, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin_user):
    return signed_in(admin_user)


def test_the_groups_page_lists_groups_with_members_and_annotations(admin, article, user, desk):
    highlight(article, user, "eighth day", audience=desk)
    page = admin.get(reverse("team_groups")).text
    row = page[page.index(f'id="group-{desk.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Politics desk" in row
    assert '<td data-label="Members">2</td>' in row
    assert '<td data-label="Shared annotations">1</td>' in row
    assert "the whole team" in page  # Everyone, marked


def test_with_only_everyone_the_page_says_how_to_start(admin):
    assert "No groups besides Everyone yet" in admin.get(reverse("team_groups")).text


def test_creating_a_group_opens_it_to_add_members(admin):
    response = admin.post(reverse("team_groups"), {"name": "  Fact-check  "}, follow=True)
    group = TeamGroup.objects.get(name="Fact-check")
    assert response.redirect_chain[-1][0] == reverse("team_group", args=[group.pk])
    assert "Group “Fact-check” created" in response.text
    assert "Nobody is in Fact-check yet" in response.text


@pytest.mark.parametrize("name", ["politics DESK", "Everyone"])
def test_a_taken_name_is_refused_clearly(admin, desk, name):
    response = admin.post(reverse("team_groups"), {"name": name})
    assert response.status_code == 400
    assert "There is already a group called" in response.text
    assert TeamGroup.objects.count() == 2


def test_an_empty_or_long_name_is_refused(admin):
    assert admin.post(reverse("team_groups"), {"name": "   "}).status_code == 400
    assert admin.post(reverse("team_groups"), {"name": "x" * 81}).status_code == 400
    assert TeamGroup.objects.filter(is_default=False).count() == 0


def test_renaming_a_group(admin, desk):
    page = admin.post(
        reverse("team_rename_group", args=[desk.pk]), {"name": "Politics"}, follow=True
    )
    assert "“Politics desk” is now called “Politics”" in page.text
    desk.refresh_from_db()
    assert desk.name == "Politics"


def test_renaming_to_a_taken_name_says_so_and_keeps_the_name(admin, desk):
    make_group("Fact-check")
    response = admin.post(reverse("team_rename_group", args=[desk.pk]), {"name": "fact-check"})
    assert response.status_code == 400
    assert "There is already a group called “fact-check”" in response.text
    desk.refresh_from_db()
    assert desk.name == "Politics desk"


def test_renaming_to_its_own_name_in_other_letters_is_allowed(admin, desk):
    admin.post(reverse("team_rename_group", args=[desk.pk]), {"name": "politics desk"})
    desk.refresh_from_db()
    assert desk.name == "politics desk"


def test_everyone_keeps_its_name(admin):
    everyone = sharing.default_group()
    page = admin.post(
        reverse("team_rename_group", args=[everyone.pk]), {"name": "All"}, follow=True
    )
    assert "its name stays" in page.text
    everyone.refresh_from_db()
    assert everyone.name == "Everyone"


def test_adding_a_member(admin, desk, carol):
    page = admin.get(reverse("team_group", args=[desk.pk])).text
    assert f'<option value="{carol.pk}">' in page
    response = admin.post(
        reverse("team_add_member", args=[desk.pk]), {"user": carol.pk}, follow=True
    )
    assert "Carol is now in Politics desk" in response.text
    assert sharing.is_member(carol, desk)


def test_someone_already_in_or_deactivated_is_not_offered(admin, admin_user, desk, carol):
    accounts.deactivate(carol, by=admin_user)
    page = admin.get(reverse("team_group", args=[desk.pk])).text
    select = page[page.index('name="user"') :]
    select = select[: select.index("</select>")]
    assert ">alice<" not in select  # in it already
    assert "Carol" not in select
    response = admin.post(reverse("team_add_member", args=[desk.pk]), {"user": carol.pk})
    assert response.status_code == 400
    assert not sharing.is_member(carol, desk)


def test_removing_a_member_asks_and_says_what_happens(admin, desk, article, bob):
    highlight(article, bob, "eighth day", audience=desk)
    url = reverse("team_remove_member", args=[desk.pk, bob.pk])
    confirm = admin.get(url).text
    assert "Remove bob from Politics desk?" in confirm
    assert "bob’s 1 annotation shared with Politics desk stays there" in confirm
    assert sharing.is_member(bob, desk)
    page = admin.post(url, follow=True)
    assert "bob is no longer in Politics desk" in page.text
    assert not sharing.is_member(bob, desk)
    assert Annotation.objects.get(author=bob).group == desk


def test_nobody_is_removed_from_everyone(admin, user):
    everyone = sharing.default_group()
    page = admin.get(reverse("team_group", args=[everyone.pk])).text
    assert "the whole team" in page
    assert "Remove…" not in page
    assert "Delete Everyone" not in page
    response = admin.post(reverse("team_remove_member", args=[everyone.pk, user.pk]), follow=True)
    assert "nobody leaves it" in response.text
    assert sharing.is_member(user, everyone)


def test_deleting_a_group_counts_what_becomes_private(admin, article, user, bob, desk):
    highlight(article, user, "eighth day", audience=desk)
    highlight(article, bob, "container ships", audience=desk)
    highlight(article, bob, "Rotterdam")  # with Everyone: untouched
    sharing.create_link(user, article, group=desk)
    url = reverse("team_delete_group", args=[desk.pk])
    confirm = admin.get(url).text
    assert "2 annotations" in confirm
    assert "(by 2 authors) become private" in confirm
    assert "goes back to its author alone" in confirm
    assert "1 share link" in confirm
    assert "stops opening" in confirm
    assert TeamGroup.objects.filter(pk=desk.pk).exists()

    page = admin.post(url, follow=True)

    assert "Group “Politics desk” deleted; 2 annotations went back" in page.text
    assert not TeamGroup.objects.filter(pk=desk.pk).exists()
    assert Annotation.objects.filter(group__isnull=True).count() == 2
    assert AudienceChange.objects.filter(from_audience="Politics desk").count() == 2
    assert Membership.objects.filter(user=bob).count() == 1  # still in Everyone


def test_a_deleted_groups_annotation_is_its_authors_alone(admin, article, user, bob, desk):
    annotation = highlight(article, user, "eighth day", audience=desk)
    admin.post(reverse("team_delete_group", args=[desk.pk]))
    assert (
        f'id="annotation-{annotation.pk}"' in signed_in(user).get(article.get_absolute_url()).text
    )
    assert (
        f'id="annotation-{annotation.pk}"'
        not in signed_in(bob).get(article.get_absolute_url()).text
    )


def test_a_deleted_groups_link_stops_opening(admin, article, user, desk):
    highlight(article, user, "eighth day", audience=desk)
    link = sharing.create_link(user, article, group=desk, audience="anyone")
    assert Client().get(link.get_absolute_url()).status_code == 200
    admin.post(reverse("team_delete_group", args=[desk.pk]))
    assert Client().get(link.get_absolute_url()).status_code == 410


def test_everyone_cannot_be_deleted(admin):
    everyone = sharing.default_group()
    page = admin.post(reverse("team_delete_group", args=[everyone.pk]), follow=True)
    assert "cannot be deleted" in page.text
    assert TeamGroup.objects.filter(pk=everyone.pk).exists()


def test_an_unknown_group_answers_404(admin):
    assert admin.get(reverse("team_group", args=[9999])).status_code == 404
    assert admin.post(reverse("team_delete_group", args=[9999])).status_code == 404


def test_a_forged_group_deletion_without_csrf_is_refused(admin_user, desk):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(admin_user)
    assert forger.post(reverse("team_delete_group", args=[desk.pk])).status_code == 403
    assert TeamGroup.objects.filter(pk=desk.pk).exists()


def test_a_member_cannot_add_themselves_to_a_group(desk):
    eve = make_user("eve")
    response = signed_in(eve).post(reverse("team_add_member", args=[desk.pk]), {"user": eve.pk})
    assert response.status_code == 403
    assert not sharing.is_member(eve, desk)

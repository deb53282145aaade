"""The admin (articles/admin.py): groups and their members, the read-only audit log,
labels, and the saving-from-the-web records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import annotations as annotating
from articles import jobs, library, sharing
from tests.factories import highlight, signed_in
from tests.fetching import run_worker

pytestmark = pytest.mark.django_db


def test_the_admin_creates_a_group_with_members_and_cannot_delete_everyone(admin_client, user):
    response = admin_client.post(
        reverse("admin:articles_teamgroup_add"),
        {
            "name": "Fact-check",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-0-user": str(user.pk),
        },
    )
    assert response.status_code == 302
    assert [g.name for g in sharing.groups_of(user)] == ["Everyone", "Fact-check"]
    everyone = sharing.default_group()
    delete = admin_client.get(reverse("admin:articles_teamgroup_delete", args=[everyone.pk]))
    assert delete.status_code == 403


def test_the_audit_log_is_read_only_in_the_admin(admin_client, article, user, desk):
    annotation = highlight(article, user, "eighth day")
    annotating.update(annotation, audience=desk, by=user)
    page = admin_client.get(reverse("admin:articles_audiencechange_changelist"))
    assert "Politics desk" in page.text
    assert admin_client.get(reverse("admin:articles_audiencechange_add")).status_code == 403


def test_labels_are_in_the_admin(admin_client, user, article):
    label = library.add_label(article, "Ukraine", user)
    response = admin_client.get(reverse("admin:articles_label_changelist"))
    assert response.status_code == 200
    assert "Ukraine" in response.text
    assert (
        admin_client.get(reverse("admin:articles_label_change", args=[label.pk])).status_code == 200
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("allow_private")
def test_administrators_see_jobs_feeds_and_versions_in_the_admin(client, admin_user, httpserver):
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    jobs.submit(httpserver.url_for("/gone"), admin_user)
    run_worker()
    client.force_login(admin_user)
    page = client.get("/admin/articles/fetchjob/").text
    assert "The page was not found" in page or httpserver.url_for("/gone") in page
    for path in ("/admin/articles/feed/", "/admin/articles/articleversion/"):
        assert client.get(path).status_code == 200


# People and the admin's own look (issue 16) ----------------------------------------------


def test_the_admin_is_branded_and_names_team_groups_plainly(admin_client):
    page = admin_client.get(reverse("admin:index")).text
    assert "Newsroom administration" in page
    assert "Team groups" in page
    assert "/admin/auth/group/" not in page  # Django's permission groups are not shown
    assert admin_client.get("/admin/auth/group/").status_code == 404
    changelist = admin_client.get(reverse("admin:articles_teamgroup_changelist")).text
    assert "Team groups: choose one to change" in changelist


def test_a_persons_admin_page_shows_their_profile_and_team_groups(admin_client, user, desk):
    user.profile.display_name = "Alice Adams"
    user.profile.save()
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk])).text
    assert 'value="Alice Adams"' in page
    assert "Team groups" in page
    assert "Politics desk" in page
    assert 'name="groups"' not in page  # no permission groups to pick
    listing = admin_client.get(reverse("admin:auth_user_changelist")).text
    assert "Alice Adams" in listing
    assert "Member" in listing


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "10:00:00",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-0-id": str(user.profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-display_name": "",
        "profile-0-initials": "",
        "profile-0-role": "member",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_unticking_active_in_the_admin_deactivates_and_signs_out(admin_client, user):
    browser = signed_in(user)
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[user.pk]), _user_form(user, is_active=None)
    )
    assert response.status_code == 302, response.text
    user.refresh_from_db()
    assert not user.is_active
    assert user.profile.deactivated_at is not None
    assert browser.get(reverse("library")).status_code == 302


def test_the_admin_cannot_take_away_the_last_administrator(admin_client, admin_user):
    admin_user.profile.refresh_from_db()
    page = admin_client.post(
        reverse("admin:auth_user_change", args=[admin_user.pk]),
        _user_form(admin_user, is_staff=None),
        follow=True,
    )
    assert "Not changed: The team needs at least one administrator" in page.text
    admin_user.refresh_from_db()
    assert admin_user.is_staff

"""The admin (articles/admin.py): groups and their members, the read-only audit log,
labels, and the saving-from-the-web records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import annotations as annotating
from articles import jobs, library, sharing
from tests.factories import highlight
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

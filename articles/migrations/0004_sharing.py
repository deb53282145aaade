"""Groups replace shared/private: everyone joins "Everyone", shared annotations move there.

Self-contained: creates the sharing models, the default group and its memberships, moves
each `shared` annotation to Everyone (private ones keep no group), then drops `visibility`.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def to_groups(apps, schema_editor):  # noqa: ARG001 - RunPython's signature
    team_group = apps.get_model("articles", "TeamGroup")
    membership = apps.get_model("articles", "Membership")
    annotation = apps.get_model("articles", "Annotation")
    user_model = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    everyone, _ = team_group.objects.get_or_create(is_default=True, defaults={"name": "Everyone"})
    membership.objects.bulk_create(
        [
            membership(group=everyone, user_id=pk)
            for pk in user_model.objects.values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )
    annotation.objects.filter(visibility="shared").update(group=everyone)


def to_visibility(apps, schema_editor):  # noqa: ARG001 - RunPython's signature
    annotation = apps.get_model("articles", "Annotation")
    annotation.objects.filter(group__isnull=False).update(visibility="shared")
    annotation.objects.filter(group__isnull=True).update(visibility="private")


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_default_color_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AudienceChange",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "annotation_ref",
                    models.PositiveBigIntegerField(
                        help_text="The annotation's id, kept after deletion."
                    ),
                ),
                (
                    "changed_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                ("from_audience", models.CharField(max_length=80)),
                ("to_audience", models.CharField(max_length=80)),
                (
                    "annotation",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="audience_changes",
                        to="articles.annotation",
                    ),
                ),
                (
                    "changed_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-changed_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Membership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("joined_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="TeamGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=80, unique=True)),
                ("is_default", models.BooleanField(default=False, editable=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "members",
                    models.ManyToManyField(
                        blank=True,
                        related_name="team_groups",
                        through="articles.Membership",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "group",
                "ordering": ["-is_default", "name"],
            },
        ),
        migrations.CreateModel(
            name="ShareLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "scope",
                    models.CharField(
                        choices=[
                            ("mine", "My annotations"),
                            ("group", "Everything shared with a group"),
                        ],
                        default="mine",
                        max_length=8,
                    ),
                ),
                (
                    "audience",
                    models.CharField(
                        choices=[
                            ("colleagues", "Signed-in colleagues only"),
                            ("anyone", "Anyone with the link (read-only)"),
                        ],
                        default="colleagues",
                        max_length=12,
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("expires_at", models.DateTimeField(blank=True, null=True)),
                ("revoked_at", models.DateTimeField(blank=True, null=True)),
                ("view_count", models.PositiveIntegerField(default=0)),
                ("last_viewed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="share_links",
                        to="articles.article",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="share_links",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "group",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="share_links",
                        to="articles.teamgroup",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Preference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="preference",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "default_group",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="articles.teamgroup",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="membership",
            name="group",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="articles.teamgroup",
            ),
        ),
        migrations.AddField(
            model_name="annotation",
            name="group",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="annotations",
                to="articles.teamgroup",
            ),
        ),
        migrations.AddConstraint(
            model_name="teamgroup",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_default", True)),
                fields=("is_default",),
                name="teamgroup_one_default",
            ),
        ),
        migrations.AddConstraint(
            model_name="sharelink",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("group__isnull", True), ("scope", "mine")),
                    models.Q(("group__isnull", False), ("scope", "group")),
                    _connector="OR",
                ),
                name="sharelink_group_iff_group_scope",
            ),
        ),
        migrations.AddConstraint(
            model_name="membership",
            constraint=models.UniqueConstraint(fields=("group", "user"), name="membership_once"),
        ),
        migrations.RunPython(to_groups, to_visibility),
        migrations.RemoveField(
            model_name="annotation",
            name="visibility",
        ),
    ]

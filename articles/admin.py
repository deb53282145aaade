"""Admin: administrators correct article metadata and look behind the team's records.

People, invitations, groups and team settings have their own pages in the app (/team/);
here the same changes go through the same functions (`articles.accounts`,
`articles.sharing`), so deactivating someone in the admin also ends their sessions.
Django's permission groups are not shown: Newsroom does not use them, and two kinds of
"group" side by side would be confused; the team's groups are called "Team groups".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import accounts, ingest, sharing, versions
from articles import annotations as annotating
from articles.annotations import describe
from articles.errors import IngestError
from articles.models import (
    Annotation,
    Article,
    ArticleLabel,
    ArticleVersion,
    AudienceChange,
    ColorLabel,
    Entity,
    EntityAlias,
    Feed,
    FetchJob,
    Invitation,
    Label,
    Membership,
    Profile,
    Role,
    ShareLink,
    TeamGroup,
)
from articles.permissions import visible_annotations

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest, HttpResponse
    from django_stubs_ext import WithAnnotations

    from articles.models.library import ArticleCount

admin.site.site_header = "Newsroom administration"
admin.site.site_title = "Newsroom administration"
admin.site.index_title = "The team's records"
admin.site.unregister(Group)
# django-otp's device admins show each person's secret key (and need the qrcode package
# to draw it): a second factor is a person's own. An administrator resets a colleague's on
# the Team page instead.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)

TEAM_GROUPS = "Team groups"


class ArticleForm(forms.ModelForm):
    """An edited body is sanitised here, so an empty or unusable one is refused on the
    form, with the reason beside the field."""

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean_body_html(self) -> str:
        html: str = self.cleaned_data["body_html"]
        if "body_html" in self.changed_data:
            try:
                self.new_text = ingest.body_document(html, title=self.cleaned_data.get("title", ""))
            except IngestError as exc:
                raise forms.ValidationError(str(exc)) from None
        return html


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "site_name", "published_at", "added_by", "created_at"]
    list_filter = ["site_name", "language", "kind"]
    search_fields = ["title", "byline", "source_url"]
    date_hierarchy = "created_at"
    form = ArticleForm
    # body_text is derived from body_html on save (sanitised, the old text kept as a
    # version, every annotation re-anchored); it is never edited directly.
    readonly_fields = ["body_text", "content_hash", "word_count", "reading_minutes"]
    raw_id_fields = ["added_by"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # articles come in through ingest, which parses and sanitises them

    def save_model(self, request: Any, obj: Article, form: Any, change: bool) -> None:
        new_text = getattr(form, "new_text", None)
        if not (change and new_text):
            super().save_model(request, obj, form, change)
            return
        # The other fields as edited; the text only through the one writer of it.
        obj.body_html = Article.objects.values_list("body_html", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        try:
            applied = versions.replace_text(obj, new_text)
        except IngestError as exc:
            messages.error(request, f"The text was not replaced: {exc}")
            return
        if applied.reanchored is not None:
            messages.info(
                request,
                "Text replaced; the old one is kept as a version. Annotations: "
                f"{describe(applied.reanchored)}.",
            )


@admin.register(ColorLabel)
class ColorLabelAdmin(admin.ModelAdmin):
    list_display = ["color", "label", "asserts"]
    list_editable = ["label", "asserts"]
    list_display_links = ["color"]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "author", "color", "group", "status", "created_at"]
    list_filter = ["status", "group", "color", "motivation"]
    search_fields = ["exact", "note"]
    # Only the note and the colour change here, through the one writer (annotations.update:
    # the HTML re-made, the change logged); the group changes only through its author
    # (sharing.move), which writes the audit log.
    fields = ["article", "author", "motivation", "exact", "note", "color", "group", "status"]
    readonly_fields = ["article", "author", "motivation", "exact", "group", "status"]

    def get_queryset(self, request: Any) -> Any:
        # Administrators are people too: someone's private note is theirs alone, here
        # as everywhere (permissions.visible_annotations).
        return (
            visible_annotations(request.user)
            .select_related("article", "author", "group")
            .order_by("-created_at", "-id")
        )

    def has_add_permission(self, request: Any) -> bool:
        return False  # annotations are made on a passage, in the reader

    def save_model(self, request: Any, obj: Annotation, form: Any, change: bool) -> None:
        stored = Annotation.objects.get(pk=obj.pk)
        note = form.cleaned_data.get("note", stored.note)
        color = form.cleaned_data.get("color", stored.color)
        try:
            annotating.update(
                stored,
                note=note if note != stored.note else None,
                color=color if color != stored.color else None,
                by=request.user,
            )
        except annotating.AnnotationError as exc:
            messages.error(request, f"Not saved: {exc}")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ["user", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["user"]


@admin.register(TeamGroup)
class TeamGroupAdmin(admin.ModelAdmin):
    """Administrators create groups and add members; "Everyone" cannot be deleted. Listed
    as "Team groups" (`team_groups_by_name`), so they are not taken for Django's own."""

    list_display = ["name", "is_default", "member_count", "created_at"]
    search_fields = ["name"]
    fields = ["name", "created_at"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline]

    @admin.display(description="members")
    def member_count(self, obj: TeamGroup) -> int:
        return obj.memberships.count()

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {"title": f"{TEAM_GROUPS}: choose one to change", **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request: Any, obj: TeamGroup | None = None) -> bool:
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    # Deleting a group makes its annotations private: the audit log says so, row by row.
    def delete_model(self, request: Any, obj: TeamGroup) -> None:
        sharing.delete_group(obj, by=request.user)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for group in queryset.exclude(is_default=True):
            sharing.delete_group(group, by=request.user)


@admin.register(AudienceChange)
class AudienceChangeAdmin(admin.ModelAdmin):
    """Read-only: who moved which annotation, when, from where to where."""

    list_display = ["changed_at", "changed_by", "annotation_ref", "from_audience", "to_audience"]
    list_filter = ["changed_at"]
    search_fields = ["from_audience", "to_audience", "changed_by__username"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: AudienceChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: AudienceChange | None = None) -> bool:
        return False


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = [
        "article",
        "owner",
        "scope",
        "group",
        "audience",
        "expires_at",
        "revoked_at",
        "view_count",
    ]
    list_filter = ["scope", "audience"]
    raw_id_fields = ["article", "owner"]
    readonly_fields = ["token", "view_count", "last_viewed_at"]


class EntityAliasInline(admin.TabularInline):
    model = EntityAlias
    extra = 1


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    """Names are also edited on the entity's own page; merging happens there."""

    list_display = ("name", "kind", "wikidata_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("name", "aliases__name")
    inlines = (EntityAliasInline,)
    readonly_fields = ("created_by", "created_at", "updated_at")


# ---------- Saving from the web: what the workers did, for administrators ----------


@admin.register(FetchJob)
class FetchJobAdmin(admin.ModelAdmin):
    list_display = ["url", "purpose", "status", "attempts", "requested_by", "created_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["url", "error"]
    raw_id_fields = ["article", "requested_by", "feed"]
    readonly_fields = ["attempts", "lease_until", "next_attempt_at"]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "url", "interval_minutes", "last_polled_at", "last_new_items"]
    search_fields = ["title", "url"]
    raw_id_fields = ["added_by"]
    readonly_fields = ["etag", "last_modified", "last_polled_at", "last_status", "last_error"]


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    list_display = ["title", "article", "replaced_at"]
    raw_id_fields = ["article"]
    readonly_fields = ["title", "body_html", "body_text", "replaced_at"]

    def has_add_permission(self, request: Any) -> bool:
        return False  # versions are kept by a refresh, never made by hand


# ---------- The library: the team's labels ----------


class ArticleLabelInline(admin.TabularInline):
    model = ArticleLabel
    extra = 0
    fields = ["article", "added_by", "added_at"]
    raw_id_fields = ["article"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    """Everyone renames and deletes labels on the labels page too; here with their articles."""

    list_display = ["name", "article_count", "created_by", "created_at"]
    search_fields = ["name"]
    fields = ["name", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [ArticleLabelInline]

    def get_queryset(self, request: Any) -> Any:
        return super().get_queryset(request).annotate(article_count=Count("article_links"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj: WithAnnotations[Label, ArticleCount]) -> int:
        return obj.article_count

    def save_model(self, request: Any, obj: Label, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# ---------- People: profiles inline, changes through articles.accounts ----------


class ProfileInline(admin.StackedInline):
    model = Profile
    fk_name = "user"
    can_delete = False
    max_num = 1
    extra = 0
    fields = ["display_name", "initials", "role", "deactivated_at", "deactivated_by"]
    readonly_fields = ["deactivated_at", "deactivated_by"]
    verbose_name = verbose_name_plural = "Profile"


class TeamGroupsInline(admin.TabularInline):
    """The person's team groups, to read; they change on the group's own page."""

    model = Membership
    fk_name = "user"
    fields = ["group", "joined_at"]
    readonly_fields = ["group", "joined_at"]
    extra = 0
    can_delete = False
    verbose_name = "team group"
    verbose_name_plural = TEAM_GROUPS

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PersonAdmin(UserAdmin):
    """Django's user admin with the profile (display name, role) inline and no
    permission groups. Administrator is the staff box; ticking it or "active" goes
    through `accounts.set_role` / `accounts.deactivate`, with their rules (never the last
    administrator; deactivating ends the person's sessions)."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        (
            "Access",
            {
                "fields": ("is_active", "is_staff"),
                "description": (
                    "Staff status makes the person an administrator. Unticking “active” "
                    "deactivates them: they are signed out everywhere and can no longer "
                    "sign in; what they shared stays with the team."
                ),
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    list_display = ("username", "display_name", "email", "role", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "profile__role")
    list_select_related = ("profile",)
    filter_horizontal = ()

    def get_inlines(
        self, request: Any, obj: User | None
    ) -> list[type[admin.options.InlineModelAdmin]]:
        if obj is None:
            return []  # the profile is made with the account (accounts._make_profile)
        accounts.profile_of(obj)
        return [ProfileInline, TeamGroupsInline]

    @admin.display(description="name", ordering="profile__display_name")
    def display_name(self, obj: User) -> str:
        return accounts.profile_of(obj).display_name

    @admin.display(description="role")
    def role(self, obj: User) -> str:
        return accounts.role_of(obj).label

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        stored = get_user_model().objects.get(pk=obj.pk)
        wants_active, wants_staff = obj.is_active, obj.is_staff
        obj.is_active, obj.is_staff = stored.is_active, stored.is_staff
        obj.is_superuser = stored.is_superuser
        super().save_model(request, obj, form, change)
        try:
            if wants_staff != stored.is_staff:
                role = Role.ADMIN if wants_staff else Role(accounts.profile_of(obj).role)
                accounts.set_role(obj, role, by=request.user)
            if wants_active and not stored.is_active:
                accounts.reactivate(obj, by=request.user)
            elif stored.is_active and not wants_active:
                accounts.deactivate(obj, by=request.user)
        except accounts.AccountError as exc:
            messages.error(request, f"Not changed: {exc}")
        obj.refresh_from_db()


INVITATION_FIELDS = (
    "email",
    "role",
    "groups",
    "created_by",
    "created_at",
    "expires_at",
    "used_at",
    "used_by",
    "revoked_at",
)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """To look up; invitations are made on the team's Invitations page, which shows the
    link once (only its hash is stored, so it cannot be shown here)."""

    list_display = ["__str__", "role", "state", "created_by", "created_at", "expires_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    fields = readonly_fields = INVITATION_FIELDS
    actions = ["revoke"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Invitation | None = None) -> bool:
        return False

    @admin.action(description="Revoke the selected invitations")
    def revoke(self, request: Any, queryset: Any) -> None:
        for invitation in queryset:
            accounts.revoke(invitation)
        messages.success(request, "The selected invitations no longer work.")


def _team_groups_by_name(original: Any) -> Any:
    """The admin's app list, with the team's groups called "Team groups"."""

    def get_app_list(request: HttpRequest, app_label: str | None = None) -> list[Any]:
        apps: list[Any] = original(request, app_label)
        for app in apps:
            for model in app["models"]:
                if model["model"] is TeamGroup:
                    model["name"] = TEAM_GROUPS
            app["models"].sort(key=lambda model: model["name"])
        return apps

    return get_app_list


admin.site.get_app_list = _team_groups_by_name(admin.site.get_app_list)  # type: ignore[method-assign]

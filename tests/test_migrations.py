"""The models and the migrations agree: no change is left without its migration."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _migrate(target=None):
    """Migrate the database to `target` (by default, to the latest migrations), and give the
    historical apps of that state."""
    executor = MigrationExecutor(connection)
    target = target or executor.loader.graph.leaf_nodes()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_shared_annotations_move_to_everyone_and_private_ones_stay_private():
    before, after = [("articles", "0003_default_color_labels")], [("articles", "0004_sharing")]
    old = _migrate(before)
    user = old.get_model("auth", "User").objects.create(username="early")
    article = old.get_model("articles", "Article").objects.create(
        title="Old", body_html="<p>Old text here</p>", body_text="Old text here", content_hash="h"
    )
    annotation = old.get_model("articles", "Annotation")
    shared = annotation.objects.create(article=article, author=user, note="s", visibility="shared")
    private = annotation.objects.create(
        article=article, author=user, note="p", visibility="private"
    )

    new = _migrate(after)
    group = new.get_model("articles", "TeamGroup").objects.get(is_default=True)
    assert group.name == "Everyone"
    membership = new.get_model("articles", "Membership")
    assert membership.objects.filter(group=group, user_id=user.pk).exists()
    moved = new.get_model("articles", "Annotation").objects
    assert moved.get(pk=shared.pk).group_id == group.pk
    assert moved.get(pk=private.pk).group_id is None

    # And back: groups become visibility again.
    back = _migrate(before).get_model("articles", "Annotation")
    assert back.objects.get(pk=shared.pk).visibility == "shared"
    assert back.objects.get(pk=private.pk).visibility == "private"

    _migrate()


@pytest.mark.django_db(transaction=True)
def test_search_migration_indexes_existing_rows_and_reverses():
    before, after = [("articles", "0007_private_entities")], [("articles", "0008_search")]
    old = _migrate(before)
    user = old.get_model("auth", "User").objects.create(username="early")
    article = old.get_model("articles", "Article").objects.create(
        title="Harbours", body_html="<p>Ships waited</p>", body_text="Ships waited",
        content_hash="h", language="en",
    )  # fmt: skip
    old.get_model("articles", "Annotation").objects.create(
        article=article, author=user, start=0, end=5, exact="Ships", note="Count the vessels"
    )

    _migrate(after)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector @@ to_tsquery('english', 'ship') FROM articles_articlesearch"
        )
        assert cursor.fetchone() == (True,)
        cursor.execute(
            "SELECT search_config::text, search_vector @@ to_tsquery('english', 'vessel') "
            "FROM articles_annotation"
        )
        assert cursor.fetchone() == ("english", True)

    _migrate(before)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE column_name = 'search_vector'"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT to_regclass('articles_articlesearch')")
        assert cursor.fetchone() == (None,)
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname LIKE 'newsroom_%%'")
        assert cursor.fetchone() == (0,)

    _migrate()


@pytest.mark.django_db(transaction=True)
def test_existing_annotations_keep_their_present_quote_as_their_original():
    before = [("articles", "0011_feed_entry_fingerprint_and_task_paths")]
    after = [("articles", "0012_annotation_originals_and_reviews")]
    old = _migrate(before)
    user = old.get_model("auth", "User").objects.create(username="early")
    article = old.get_model("articles", "Article").objects.create(
        title="Harbours", body_html="<p>Ships waited</p>", body_text="Ships waited",
        content_hash="h1",
    )  # fmt: skip
    version = old.get_model("articles", "ArticleVersion").objects.create(
        article=article, title="Harbours", body_html="<p>Boats waited</p>",
        body_text="Boats waited",
    )  # fmt: skip
    annotation = old.get_model("articles", "Annotation").objects
    placed = annotation.create(
        article=article, author=user, start=0, end=5, exact="Ships", prefix="", suffix=" waited"
    )
    orphan = annotation.create(
        article=article, author=user, start=0, end=5, exact="Boats", status="orphaned"
    )
    note = annotation.create(
        article=article, author=user, note="page note", motivation="commenting"
    )

    new = _migrate(after).get_model("articles", "Annotation").objects
    placed, orphan, note = (new.get(pk=a.pk) for a in (placed, orphan, note))
    assert (placed.original_exact, placed.original_suffix) == ("Ships", " waited")
    assert (placed.original_start, placed.original_end) == (0, 5)
    assert placed.original_at == placed.created_at
    assert placed.written_on_id is None  # written on the current text
    assert orphan.original_exact == "Boats"
    assert orphan.written_on_id == version.pk  # orphaned from the text before this one
    assert note.original_exact == ""
    assert note.original_start is None

    _migrate()

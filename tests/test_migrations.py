"""The models and the migrations agree: no change is left without its migration."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_shared_annotations_move_to_everyone_and_private_ones_stay_private():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("articles", "0003_default_color_labels")], [("articles", "0004_sharing")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="early")
    article = old.get_model("articles", "Article").objects.create(
        title="Old", body_html="<p>Old text here</p>", body_text="Old text here", content_hash="h"
    )
    annotation = old.get_model("articles", "Annotation")
    shared = annotation.objects.create(article=article, author=user, note="s", visibility="shared")
    private = annotation.objects.create(
        article=article, author=user, note="p", visibility="private"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    group = new.get_model("articles", "TeamGroup").objects.get(is_default=True)
    assert group.name == "Everyone"
    membership = new.get_model("articles", "Membership")
    assert membership.objects.filter(group=group, user_id=user.pk).exists()
    moved = new.get_model("articles", "Annotation").objects
    assert moved.get(pk=shared.pk).group_id == group.pk
    assert moved.get(pk=private.pk).group_id is None

    executor = MigrationExecutor(connection)
    executor.migrate(before)  # and back: groups become visibility again
    back = executor.loader.project_state(before).apps.get_model("articles", "Annotation")
    assert back.objects.get(pk=shared.pk).visibility == "shared"
    assert back.objects.get(pk=private.pk).visibility == "private"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_search_migration_indexes_existing_rows_and_reverses():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("articles", "0007_private_entities")], [("articles", "0008_search")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="early")
    article = old.get_model("articles", "Article").objects.create(
        title="Harbours", body_html="<p>Ships waited</p>", body_text="Ships waited",
        content_hash="h", language="en",
    )  # fmt: skip
    old.get_model("articles", "Annotation").objects.create(
        article=article, author=user, start=0, end=5, exact="Ships", note="Count the vessels"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(after)
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

    executor = MigrationExecutor(connection)
    executor.migrate(before)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE column_name = 'search_vector'"
        )
        assert cursor.fetchone() == (0,)
        cursor.execute("SELECT to_regclass('articles_articlesearch')")
        assert cursor.fetchone() == (None,)
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname LIKE 'newsroom_%%'")
        assert cursor.fetchone() == (0,)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

"""A feed entry remembers its content, so a re-poll can tell it changed; and background
tasks queued before their code moved beside what they run (jobs, feeds, maintenance)
follow it, so a worker started on the new code still runs them."""

from django.db import migrations, models

MOVED = {
    "articles.tasks.run_fetch_job": "articles.jobs.run_fetch_job",
    "articles.tasks.poll_feed": "articles.feeds.poll_feed",
    "articles.tasks.maintain": "articles.maintenance.maintain",
}


def _move(apps, moves):
    results = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in moves.items():
        results.objects.filter(task_path=old, status="READY").update(task_path=new)


def forwards(apps, schema_editor):  # noqa: ARG001 - RunPython's signature
    _move(apps, MOVED)


def backwards(apps, schema_editor):  # noqa: ARG001
    _move(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_fold_more_accents"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.AddField(
            model_name="feedentry",
            name="content_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(forwards, backwards),
    ]

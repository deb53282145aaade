"""Whoever saves an address while someone else's job for it is on its way follows that
job: it shows in their list too, and they dismiss it for themselves."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_accounts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="FetchJobFollower",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("dismissed", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "job",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="follows",
                        to="articles.fetchjob",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="fetch_job_follows",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="fetchjob",
            name="followers",
            field=models.ManyToManyField(
                blank=True,
                related_name="followed_fetch_jobs",
                through="articles.FetchJobFollower",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddIndex(
            model_name="fetchjobfollower",
            index=models.Index(fields=["user", "job"], name="fetchjobfollower_user"),
        ),
        migrations.AddConstraint(
            model_name="fetchjobfollower",
            constraint=models.UniqueConstraint(
                fields=("job", "user"), name="fetchjobfollower_once"
            ),
        ),
    ]

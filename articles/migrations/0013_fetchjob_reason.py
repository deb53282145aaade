"""A fetch job remembers why it failed, so the library offers Retry only where trying
again can help (not for an address Newsroom refuses to fetch)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_annotation_originals_and_reviews"),
    ]

    operations = [
        migrations.AddField(
            model_name="fetchjob",
            name="reason",
            field=models.CharField(blank=True, max_length=16),
        ),
    ]

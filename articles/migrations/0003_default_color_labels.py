"""Give the palette sensible meanings out of the box; administrators rename them."""

from django.db import migrations

DEFAULTS = {
    "yellow": "Key point",
    "green": "Verified claim",
    "blue": "Background",
    "pink": "Needs checking",
    "purple": "Quote to use",
}


def add_labels(apps, schema_editor):  # noqa: ARG001 - RunPython's signature
    color_label = apps.get_model("articles", "ColorLabel")
    for color, label in DEFAULTS.items():
        color_label.objects.get_or_create(color=color, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_annotations")]

    operations = [migrations.RunPython(add_labels, migrations.RunPython.noop)]

"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
if not os.environ.get("DATABASE_URL"):
    from articles import pgcluster

    pgcluster.ensure_running()

application = get_asgi_application()

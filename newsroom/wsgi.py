"""WSGI entry point (gunicorn newsroom.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
if not os.environ.get("DATABASE_URL"):
    from articles import pgcluster

    pgcluster.ensure_running()

application = get_wsgi_application()

#!/usr/bin/env python
"""Django's command-line utility, which also starts the local PostgreSQL cluster on demand."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    if not os.environ.get("DATABASE_URL"):
        from articles import pgcluster

        try:
            pgcluster.ensure_running()
        except pgcluster.ClusterError as exc:
            sys.stderr.write(f"Newsroom: {exc}\n")
            sys.exit(1)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

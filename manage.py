#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aktionsfonds.settings")
    if not os.environ.get("SECRET_KEY") and os.environ.get("PRODUCTION", "0") in ("", "0"):
        # A developer's machine: the random key under var/ (shared with `make run`'s processes).
        # With PRODUCTION=1, as gunicorn and Celery always, a missing key refuses to start.
        from aktionsfonds.devkey import dev_secret_key
        from aktionsfonds.settings_paths import var_dir

        os.environ["SECRET_KEY"] = dev_secret_key(var_dir())
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""WSGI entry point for gunicorn: ``gunicorn aktionsfonds.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aktionsfonds.settings")
application = get_wsgi_application()

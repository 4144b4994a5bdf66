"""The Celery app. Settings come from ``celeryconfig.py``; keep viewflow imports out of here."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aktionsfonds.settings")

app = Celery("aktionsfonds")
app.config_from_object("celeryconfig")
app.autodiscover_tasks(["antraege", "antraege.datenschutz", "jury", "workflow"])

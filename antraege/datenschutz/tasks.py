"""Celery tasks of data protection: thin wrappers around one domain function."""

import logging

from celery import shared_task

from .. import task_names

logger = logging.getLogger(__name__)


@shared_task(name=task_names.AUFBEWAHRUNG_DURCHSETZEN)
def task_aufbewahrung_durchsetzen():
    """Beat, daily: delete abandoned drafts, anonymise Anträge past their retention period."""
    from .aufbewahrung import aufbewahrung_enforce

    faellig = aufbewahrung_enforce()
    return {
        "entwuerfe": len(faellig.entwuerfe),
        "anonymisiert": len(faellig.anonymisieren),
        "zugriffsnachweise": faellig.zugriffsnachweise,
        "benachrichtigungen": faellig.benachrichtigungen,
        "sepa_dateien": faellig.sepa_dateien,
    }

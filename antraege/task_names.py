"""The registered name of every Celery task of the project, in one place.

A task is registered under one of these (``@shared_task(name=task_names.X)``) and domain code puts
work on the queue through the same constant (``enqueue.task_send(task_names.X, ...)``): a typo is
an ``AttributeError`` at import, not a message nobody consumes. ``tests/test_task_names.py`` checks
that every constant is registered and every registered task of the project has a constant.
"""

# e-mail (antraege.mail.tasks)
SEND_BENACHRICHTIGUNGEN = "antraege.task_send_benachrichtigung"
DISPATCH_PENDING_BENACHRICHTIGUNGEN = "antraege.task_dispatch_pending_benachrichtigungen"

# letters and payout orders, deadlines (antraege.tasks)
RENDER_DOKUMENT = "antraege.task_render_dokument"
CHECK_SETTLEMENT_DEADLINES = "antraege.task_check_settlement_deadlines"
RENDER_FONDSBERICHT = "antraege.task_render_fondsbericht"
REFRESH_FONDSAUSWERTUNG = "antraege.task_refresh_fondsauswertung"
SWEEP_FONDSBERICHTE = "antraege.task_sweep_fondsberichte"
REMIND_OVERDUE_RUECKFORDERUNGEN = "antraege.task_remind_overdue_rueckforderungen"
CHECK_VEROEFFENTLICHUNGSFILTER = "antraege.task_check_veroeffentlichungsfilter"

# data protection (antraege.datenschutz.tasks)
AUFBEWAHRUNG_DURCHSETZEN = "antraege.task_aufbewahrung_durchsetzen"

# online votes (jury.tasks)
CLOSE_DUE_ABSTIMMUNGEN = "jury.task_close_due_abstimmungen"
SEND_VOTE_REMINDERS = "jury.task_send_vote_reminders"
RENDER_PROTOKOLL = "jury.task_render_protokoll"

# meetings (jury.sitzungen.tasks)
SITZUNG_NACHBEREITEN = "jury.task_sitzung_nachbereiten"
SITZUNG_PROTOKOLL = "jury.task_sitzung_protokoll"
RENDER_UNTERLAGEN = "jury.task_render_unterlagen"
SEND_DUE_UNTERLAGEN = "jury.task_send_due_unterlagen"


def task_names_all():
    """Every constant above: ``{constant name: registered name}``."""
    return {
        name: value
        for name, value in globals().items()
        if name.isupper() and isinstance(value, str)
    }

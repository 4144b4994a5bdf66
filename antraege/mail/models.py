"""The outbox of e-mails: one row per e-mail, written in the transaction that caused it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# A sent row not yet emptied by the retention job (``datenschutz.aufbewahrung``): it empties
# address and subject of every sent row past its period (a letter by post has no address).
NICHT_GELEERT = ~models.Q(empfaenger="") | ~models.Q(betreff="")


class Benachrichtigung(models.Model):
    """Outbox: an e-mail recorded in the transaction that caused it, sent by a Celery task.

    A row is never lost: if the broker is down at commit time, the beat sweep dispatches it later.
    A sender claims it for one execution (``claimed_by``, a fresh uuid) until ``claim_until`` (a
    short lease it renews while sending); a row whose lease ran out is free again. After a failed
    attempt ``claim_until`` is the earliest time of the next one (back-off) and ``claimed_by`` is
    empty.
    """

    art = models.CharField(max_length=60)
    antrag = models.ForeignKey(
        "antraege.Antrag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="benachrichtigungen",
    )
    # "post": a letter for an applicant without e-mail (``Antrag.briefe_per_post``). Never handed
    # to SMTP; it waits for QM to print and post it, ``gesendet_am`` is then when QM posted it.
    kanal = models.CharField(
        max_length=10,
        choices=[("email", _("E-Mail")), ("post", _("per Post"))],
        default="email",
    )
    empfaenger = models.EmailField(blank=True)
    sprache = models.CharField(max_length=5, default="de")
    kontext = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    erstellt_am = models.DateTimeField(auto_now_add=True, db_index=True)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_until = models.DateTimeField(null=True, blank=True)
    gesendet_am = models.DateTimeField(null=True, blank=True, db_index=True)
    betreff = models.CharField(max_length=250, blank=True)
    versuche = models.PositiveSmallIntegerField(default=0)
    letzter_fehler = models.TextField(blank=True)

    NICHT_GELEERT = NICHT_GELEERT

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["erstellt_am", "pk"]
        indexes = [
            # the senders and the sweep look only at unsent rows, oldest first
            models.Index(
                fields=["erstellt_am", "id"],
                condition=models.Q(gesendet_am__isnull=True),
                name="benachrichtigung_offen",
            ),
            # the retention job reads the sent rows past their period it has still to empty, not
            # the emptied ones kept for their dedupe key
            models.Index(
                fields=["gesendet_am"],
                condition=models.Q(gesendet_am__isnull=False) & NICHT_GELEERT,
                name="benachrichtigung_ungeleert",
            ),
        ]

    def __str__(self):
        return f"{self.art} → {self.empfaenger}"

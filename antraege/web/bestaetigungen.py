"""Confirmations after an action: what happened, and what comes next — never just "Gespeichert.".

One text per move (and per role where applicant and QM see different next steps), so the pages
that run a move (Mein Antrag, the settlement pages, the QM detail) say the same thing.
"""

from django.utils.translation import gettext as _

APPLICANT = "applicant"
QM = "qm"


def bestaetigung_text(move, *, rolle, referenz=""):
    """The confirmation after ``move`` for ``rolle`` (``APPLICANT`` or ``QM``)."""
    text = _texte().get((rolle, move))
    if text is None:
        return _("Erledigt.")
    return text % {"referenz": referenz} if "%(referenz)s" in text else text


def _texte():
    """Every confirmation by ``(rolle, move)``, in the active language."""
    return {
        (APPLICANT, "start_project"): _(
            "Projektbeginn bestätigt. Als Nächstes: Laden Sie Ihre Belege hoch und schreiben Sie "
            "einen kurzen Bericht. Dann reichen Sie die Abrechnung ein."
        ),
        (QM, "start_project"): _(
            "Projektbeginn bestätigt. Als Nächstes reicht die antragstellende Person Belege und "
            "Bericht ein; Sie bekommen dann eine E-Mail."
        ),
        (APPLICANT, "submit_settlement"): _(
            "Ihre Abrechnung ist eingereicht. Als Nächstes prüft das Quartiersmanagement Ihre "
            "Belege. Sie bekommen eine E-Mail, wenn das Geld überwiesen wird oder etwas fehlt."
        ),
        (QM, "close"): _(
            "Der Antrag %(referenz)s ist abgeschlossen. Es ist nichts mehr zu tun; das Geld, das "
            "nicht gebraucht wurde, ist wieder im Fonds."
        ),
        (QM, "mark_paid"): _(
            "Die Auszahlung ist als bezahlt vermerkt. Die antragstellende Person bekommt eine "
            "E-Mail. Als Nächstes: Schließen Sie den Antrag ab."
        ),
        (QM, "request_settlement_changes"): _(
            "Die Nachforderung ist per E-Mail an die antragstellende Person gegangen. Sobald sie "
            "die Abrechnung ergänzt und wieder einreicht, prüfen Sie sie hier."
        ),
        (QM, "start_review"): _(
            "Die Prüfung von %(referenz)s hat begonnen. Als Nächstes: Legen Sie den Antrag der "
            "Jury vor, fordern Sie etwas nach oder erklären Sie ihn für nicht förderfähig."
        ),
        (QM, "request_changes"): _(
            "Die Nachforderung zu %(referenz)s ist per E-Mail an die antragstellende Person "
            "gegangen. Sobald der Antrag ergänzt ist, steht er wieder in Ihrer Übersicht."
        ),
        (QM, "declare_ineligible"): _(
            "%(referenz)s ist als nicht förderfähig vermerkt. Die antragstellende Person bekommt "
            "das Schreiben mit der Begründung per E-Mail."
        ),
        (QM, "put_to_jury"): _(
            "%(referenz)s liegt jetzt der Jury vor. Als Nächstes: Eröffnen Sie eine Abstimmung "
            "oder tragen Sie das Ergebnis der Sitzung ein."
        ),
        (QM, "return_to_review"): _(
            "%(referenz)s ist zurück in der Prüfung. Die Jury stimmt darüber nicht mehr ab."
        ),
    }


def bestaetigung_abschlag():
    return _(
        "Der Abschlag ist erfasst. Er wird bei der Auszahlung des Restbetrags abgezogen. "
        "Als Nächstes reicht die antragstellende Person nach dem Projekt ihre Abrechnung ein."
    )


def bestaetigung_beleg_geprueft():
    return _(
        "Die Prüfung des Belegs ist gespeichert. Wenn alle Belege geprüft sind: Geben Sie die "
        "Auszahlung frei."
    )


def bestaetigung_beleg_hinzugefuegt():
    return _(
        "Der Beleg ist hinzugefügt. Laden Sie weitere Belege hoch, oder schreiben Sie Ihren "
        "Bericht und reichen Sie die Abrechnung ein."
    )


def bestaetigung_bericht_gespeichert():
    return _(
        "Ihr Bericht ist gespeichert. Sie können ihn bis zum Einreichen der Abrechnung ändern."
    )

"""QM corrects an Antrag's data after the jury (issue 20): a typo in the title, a wrong address
taken from paper, the organisation's right name. Always with a reason; the old and new values go
into the timeline, visible to the applicant, who is also told by e-mail (or letter) in their
language. Money, dates and the decision are not corrected here: dates move by an
``Aenderungswunsch``, amounts only by the jury."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ...mail import services as mail
from ...models import Antrag, AntragStatus
from ...permissions import may_act_on_antrag_as_qm, require
from ...refusals import Refused
from ...states import EVER_APPROVED_STATES
from .antrag import antrag_lock
from .timeline import statuswechsel_record

# What QM may correct after the jury, in the order of the form.
KORRIGIERBARE_FELDER = (
    "titel",
    "kurzbeschreibung",
    "ziele",
    "zielgruppe",
    "projektort",
    "organisation",
    "antragsteller_name",
    "antragsteller_strasse",
    "antragsteller_plz",
    "antragsteller_ort",
    "antragsteller_telefon",
)
_FREIWILLIG = ("organisation", "antragsteller_telefon")
# after the jury's decision: approved (whatever came after) or rejected
NACH_DER_JURY_STATES = (*EVER_APPROVED_STATES, AntragStatus.REJECTED)


def antrag_korrigierbar(antrag):
    """QM corrects an Antrag here only after the jury's decision (before, in the review)."""
    return antrag.status in NACH_DER_JURY_STATES


class KorrekturRefused(Refused):
    """A correction that cannot be made (wrong state, no reason, nothing changed, invalid value)."""

    default_code = "invalid"


def _label(feld):
    return str(Antrag._meta.get_field(feld).verbose_name)


def _aenderungen(antrag, werte):
    """``{feld: (alt, neu)}`` of the fields whose value really changes; invalid values refused."""
    aenderungen = {}
    for feld, wert in werte.items():
        if feld not in KORRIGIERBARE_FELDER:
            raise KorrekturRefused(_("Dieses Feld kann nicht korrigiert werden."), field=feld)
        neu = " ".join(str(wert or "").split()) if feld != "kurzbeschreibung" else str(wert or "")
        neu = neu.strip()
        if not neu and feld not in _FREIWILLIG:
            raise KorrekturRefused(_("Dieses Feld darf nicht leer sein."), field=feld)
        if feld == "antragsteller_plz" and not (len(neu) == 5 and neu.isdigit()):
            raise KorrekturRefused(_("Eine Postleitzahl hat fünf Ziffern."), field=feld)
        max_length = Antrag._meta.get_field(feld).max_length
        if max_length and len(neu) > max_length:
            raise KorrekturRefused(_("Höchstens %(n)s Zeichen.") % {"n": max_length}, field=feld)
        alt = getattr(antrag, feld) or ""
        if neu != alt:
            aenderungen[feld] = (alt, neu)
    return aenderungen


def _zeilen(aenderungen):
    return [f"{_label(feld)}: „{alt}“ → „{neu}“" for feld, (alt, neu) in aenderungen.items()]


def antrag_correct(antrag, *, akteur, grund, werte):
    """QM corrects ``werte`` (``{feld: neuer Wert}``, fields of ``KORRIGIERBARE_FELDER``) of an
    Antrag the jury decided on, with a reason. Returns the changed field names; refuses (and
    changes nothing) without a reason, without a change, or before the jury's decision."""
    grund = (grund or "").strip()
    with transaction.atomic():
        antrag = antrag_lock(antrag)
        require(may_act_on_antrag_as_qm, akteur, antrag, refused=KorrekturRefused)
        if not antrag_korrigierbar(antrag):
            raise KorrekturRefused(
                _(
                    "Nach der Entscheidung der Jury korrigiert das QM hier. Vorher ändern Sie die "
                    "Angaben in der Prüfung oder bitten die antragstellende Person um Ergänzung."
                ),
                code="wrong_state",
            )
        if not grund:
            raise KorrekturRefused(
                _("Bitte geben Sie einen Grund für die Korrektur an."), "invalid", field="grund"
            )
        aenderungen = _aenderungen(antrag, werte)
        if not aenderungen:
            raise KorrekturRefused(_("Sie haben nichts geändert."), code="invalid")
        Antrag.objects.filter(pk=antrag.pk).update(
            geaendert_am=timezone.now(), **{feld: neu for feld, (_alt, neu) in aenderungen.items()}
        )
        statuswechsel_record(
            antrag,
            akteur=akteur,
            kommentar=_("Angaben korrigiert: %(was)s. Grund: %(grund)s")
            % {"was": "; ".join(_zeilen(aenderungen)), "grund": grund},
            mitteilung=True,
        )
        antrag.refresh_from_db()
        with translation.override(antrag.sprache or "de"):
            zeilen = _zeilen(aenderungen)
        mail.queue_for_applicant(
            antrag, "antrag_korrigiert", kontext={"felder": zeilen, "grund": grund}
        )
    return list(aenderungen)

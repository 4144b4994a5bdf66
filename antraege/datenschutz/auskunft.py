"""Access of the data subject (Art. 15 DSGVO): everything stored about an applicant as one ZIP.

QM staff look an applicant up by e-mail address in their own area(s), confirm that they checked
the person's identity, and get ``auskunft.json`` plus every stored file (attachments, receipts,
photos, letters). The export is written to the audit log. Other people's data stays out: staff and
jury members appear only by role, never by name, and no individual ballot is included.
"""

import io
import json
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from ..antrag.selectors import antraege_mit_email
from ..models import AntragStatus, Quartier, Statuswechsel
from ..refusals import Refused
from .models import Zugriffsnachweis
from .nachweis import zugriffsnachweis_record

# Columns that are machinery, not information about the person.
INTERNE_FELDER = {
    "submission_token",
    "link_version",
    "claimed_by",
    "claimed_at",
    "claim_until",
    "dedupe_key",
}
# References to staff accounts: other people's data.
PERSONAL_FELDER = {"akteur_id", "geprueft_von_id", "freigegeben_von_id", "erfasst_von_id"}


class AuskunftRefused(Refused):
    """The akteur may not export (not QM staff), or the identity check was not confirmed."""

    default_code = "forbidden"


@dataclass(frozen=True)
class Auskunft:
    dateiname: str
    inhalt: bytes
    anzahl_antraege: int


def _zeile(obj, *, ohne=()):
    """The stored columns of one row as plain values."""
    data = {}
    for field in obj._meta.concrete_fields:
        name = field.attname
        if name in INTERNE_FELDER | PERSONAL_FELDER or name in ohne:
            continue
        value = getattr(obj, name)
        if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
            value = value.name or ""
        data[name] = value
    return data


def auskunft_antraege(email, quartiere):
    """Every Antrag with this applicant address in the given areas (drafts too: Art. 15 is complete)."""
    from jury.abstimmungen.models import Abstimmung, AbstimmungStatus

    return (
        antraege_mit_email(email)
        .filter(fonds__quartier__in=quartiere)
        .select_related(
            "fonds__quartier",
            "sachbericht",
            "abschlag",
            "auszahlung",
            "bankverbindung",
            "vereinbarung",
            "rueckforderung",
        )
        .prefetch_related(
            "kostenpositionen__kategorie",
            "handlungsfelder",
            "anhaenge",
            "belege__kategorie",
            "projektfotos",
            "dokumente",
            "benachrichtigungen",
            "adressbestaetigungen",
            "buchungen",
            Prefetch("tagesordnungspunkte", queryset=_tagesordnungspunkte()),
            Prefetch("statuswechsel", queryset=Statuswechsel.objects.order_by("zeitpunkt", "pk")),
            Prefetch(
                "abstimmungen",
                queryset=Abstimmung.objects.filter(status=AbstimmungStatus.GESCHLOSSEN).order_by(
                    "pk"
                ),
            ),
        )
        .order_by("erstellt_am", "pk")
    )


def _tagesordnungspunkte():
    from jury.sitzungen.models import Tagesordnungspunkt

    return Tagesordnungspunkt.objects.select_related("sitzung").order_by("sitzung__datum", "pk")


ANORDNUNG_OHNE = {
    "antrag_id",
    "sachlich_von_id",
    "rechnerisch_von_id",
    "angeordnet_von_id",
}


def _ordner(antrag):
    return f"antraege/{(antrag.referenz or f'entwurf-{antrag.pk}').replace('/', '-')}"


def _antrag_daten(antrag, dateien):
    """One Antrag as a dict; files it names are added to ``dateien`` as (zip path, field file)."""
    ordner = _ordner(antrag)

    def datei(field_file, unterordner, name):
        if not field_file:
            return ""
        pfad = f"{ordner}/{unterordner}/{len(dateien) + 1:03d}-{name.replace('/', '-')}"
        dateien.append((pfad, field_file))
        return pfad

    daten = _zeile(antrag)
    daten["quartier"] = antrag.fonds.quartier.name
    daten["fonds_jahr"] = antrag.fonds.jahr
    daten["status_text"] = str(AntragStatus(antrag.status).label)
    daten["handlungsfelder"] = [feld.name for feld in antrag.handlungsfelder.all()]
    daten["kostenpositionen"] = [
        {**_zeile(p, ohne={"antrag_id"}), "kategorie": p.kategorie.name, "betrag": p.betrag}
        for p in antrag.kostenpositionen.all()
    ]
    daten["zeitverlauf"] = [
        {**_zeile(s, ohne={"antrag_id"}), "rolle_text": str(s.get_rolle_display())}
        for s in antrag.statuswechsel.all()
    ]
    daten.update(_dateien_daten(antrag, datei))
    # the money of an approved Antrag: report, advance, payout, agreement, bank details (in full:
    # it is the person's own), the repayment claim and every booking of the fund on the Antrag
    for name in (
        "sachbericht",
        "abschlag",
        "auszahlung",
        "vereinbarung",
        "bankverbindung",
        "rueckforderung",
    ):
        obj = getattr(antrag, name, None)
        daten[name] = _zeile(obj, ohne={"antrag_id"}) if obj is not None else None
    # the payout orders with the payee as ordered (the staff who confirmed them left out)
    daten["anordnungen"] = [_zeile(a, ohne=ANORDNUNG_OHNE) for a in antrag.anordnungen.all()]
    daten["aenderungswuensche"] = [
        _zeile(w, ohne={"antrag_id", "entschieden_von_id"}) for w in antrag.aenderungswuensche.all()
    ]
    daten["buchungen"] = [
        _zeile(b, ohne={"antrag_id", "fonds_id", "gebucht_von_id"}) for b in antrag.buchungen.all()
    ]
    daten.update(_mitteilungen_daten(antrag))
    return daten


def _dateien_daten(antrag, datei):
    """Attachments, receipts, photos and letters, each with the path of its file in the ZIP."""
    daten = {}
    daten["anhaenge"] = [
        {
            **_zeile(a, ohne={"antrag_id"}),
            "datei": datei(a.datei, "anhaenge", a.download_name),
        }
        for a in antrag.anhaenge.all()
    ]
    daten["belege"] = [
        {
            **_zeile(b, ohne={"antrag_id"}),
            "kategorie": b.kategorie.name,
            "datei": datei(b.datei, "belege", b.download_name),
        }
        for b in antrag.belege.all()
    ]
    daten["projektfotos"] = [
        {**_zeile(f, ohne={"antrag_id"}), "datei": datei(f.datei, "fotos", f.download_name)}
        for f in antrag.projektfotos.all()
    ]
    daten["dokumente"] = [
        {**_zeile(d, ohne={"antrag_id"}), "datei": datei(d.datei, "dokumente", d.dateiname)}
        for d in antrag.dokumente.all()
    ]
    return daten


def _mitteilungen_daten(antrag):
    """What was decided and sent: the jury's decisions, the e-mails, the confirmed addresses."""
    daten = {}
    # The jury's decision as the applicant may know it: result and amount, never who voted how.
    daten["jury_entscheidungen"] = [
        {
            "modus": abstimmung.modus,
            "betrag": abstimmung.betrag,
            "auflagen": abstimmung.auflagen,
            "ergebnis": abstimmung.ergebnis,
            "geschlossen_am": abstimmung.geschlossen_am,
            "sitzung_datum": abstimmung.sitzung_datum,
            "notiz": abstimmung.notiz,
        }
        for abstimmung in antrag.abstimmungen.all()
    ]
    # the meetings that had the Antrag on their agenda: what was decided, never who voted how
    daten["sitzungen"] = [
        {
            "datum": punkt.sitzung.datum,
            "beschluss": punkt.beschluss,
            "betrag": punkt.betrag,
            "auflagen": punkt.auflagen,
            "begruendung": punkt.begruendung,
            "umsetzung_hinweis": punkt.umsetzung_hinweis,
        }
        for punkt in antrag.tagesordnungspunkte.all()
    ]
    daten["benachrichtigungen"] = [
        {
            "art": b.art,
            "empfaenger": b.empfaenger,
            "sprache": b.sprache,
            "betreff": b.betreff,
            "kontext": b.kontext,
            "erstellt_am": b.erstellt_am,
            "gesendet_am": b.gesendet_am,
        }
        for b in antrag.benachrichtigungen.all()
    ]
    daten["bestaetigte_adressen"] = [
        {"email": a.email, "bestaetigt_am": a.bestaetigt_am}
        for a in antrag.adressbestaetigungen.all()
    ]
    return daten


def auskunft_create(*, email, akteur, identitaet_geprueft, nachweis):
    """The ZIP of everything stored about ``email`` in the akteur's QM areas; logged.

    Raises ``AuskunftRefused`` unless the akteur is QM staff and confirmed the identity check.
    Side effect: one ``Zugriffsnachweis`` row (who, when, which address, how the identity was checked).
    """
    if not akteur.qm_quartier_ids:
        raise AuskunftRefused(_("Nur das Quartiersmanagement gibt Auskunft."))
    if not identitaet_geprueft or not nachweis.strip():
        raise AuskunftRefused(_("Bitte bestätigen Sie die Prüfung der Identität."), code="invalid")
    email = email.strip().lower()
    quartiere = Quartier.objects.filter(pk__in=akteur.qm_quartier_ids).order_by("name")
    antraege = list(auskunft_antraege(email, quartiere))
    jetzt = timezone.now()
    dateien = []
    daten = {
        "auskunft_nach": "Art. 15 DSGVO",
        "erstellt_am": jetzt,
        "email": email,
        "verantwortlich": [
            {"quartier": q.name, "qm_buero": q.qm_buero_name, "anschrift": q.qm_anschrift}
            for q in quartiere
        ],
        "antraege": [_antrag_daten(antrag, dateien) for antrag in antraege],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "auskunft.json",
            json.dumps(daten, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for pfad, field_file in dateien:
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(pfad, handle.read())
            except FileNotFoundError:
                archive.writestr(pfad + ".fehlt.txt", "Datei nicht mehr gespeichert.\n")
    zugriffsnachweis_record(
        akteur.user,
        Zugriffsnachweis.Aktion.AUSKUNFT,
        gegenstand=f"{email}: {len(antraege)} Anträge; Identität: {nachweis.strip()}",
    )
    stamp = timezone.localtime(jetzt).strftime("%Y%m%d-%H%M")
    return Auskunft(f"auskunft-{stamp}.zip", buffer.getvalue(), len(antraege))

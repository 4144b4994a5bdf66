"""Pages after the decision: letters, project start, settlement, payout and the fund report.

Applicant pages live under "Mein Antrag" (session access, ``permissions.is_applicant``), QM pages under
``/qm/``. Each POST parses a form, calls one domain function (or ``antrag_move``) and redirects;
a refusal re-renders the page with the message tied to the field and changes nothing.
"""

import csv
from decimal import Decimal
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from antraege.refusals import Refused
from workflow.moves import antrag_move, available_moves

from ... import zugriff
from ...datenschutz.models import Zugriffsnachweis
from ...datenschutz.nachweis import zugriffsnachweis_record
from ...dokumente.services import APPLICANT_DOKUMENTE
from ...models import AntragStatus, Beleg, Dokument
from ...money import euro_format
from ...paginierung import seite_for
from ...roles import Akteur
from ...states import ADVANCE_STATES, SETTLEMENT_EDITABLE_STATES
from ...web import bestaetigungen as bestaetigung
from ...web.refusals import form_submit, refusal_to_message
from ..auswertung import fondsbericht_figures
from ..bericht import fondsbericht_pdf_request
from ..forms.abrechnung import (
    AbschlagForm,
    BelegForm,
    BelegPruefForm,
    BezahltForm,
    FotoForm,
    KommentarForm,
    SachberichtForm,
)
from ..selectors import abrechnung as settlement_selectors
from ..services import abrechnung as settlement
from .kontext import geld_context

DECISION_LETTERS = APPLICANT_DOKUMENTE


def _form_view(form_class, name, action, *, done, qm):
    """A POST of a settlement page in one line: the Antrag this person may act on (``zugriff``),
    ``form_class`` on the POST, then ``action(antrag, akteur=…, **cleaned_data)`` and the ``done``
    message (a text, or a function of the action's result), or the page again with the form
    (``web.refusals.form_submit``)."""
    antrag_for = zugriff.antrag_for_qm if qm else zugriff.antrag_for_applicant

    @require_POST
    def view(request, pk):
        akteur = Akteur.from_request(request)
        antrag = antrag_for(akteur, pk)
        form = form_class(request.POST, request.FILES)
        return (qm_submit if qm else mein_submit)(
            request,
            antrag,
            akteur,
            form,
            name,
            lambda data: action(antrag, akteur=akteur, **data),
            done=done,
        )

    return login_required(view) if qm else view


def mein_form_view(form_class, name, action, *, done):
    """``_form_view`` of the applicant's settlement page."""
    return _form_view(form_class, name, action, done=done, qm=False)


def qm_form_view(form_class, name, action, *, done):
    """``_form_view`` of QM's settlement page (signed in, QM of the area)."""
    return _form_view(form_class, name, action, done=done, qm=True)


def _file_response(field_file, filename, *, inline=False, content_type=None):
    """The stored file; its Content-Type is the one judged from its content at upload (or given),
    never guessed from the user's file name."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Applicant ---


def _logoleiste_initial(bericht):
    if bericht is None or bericht.logoleiste_verwendet is None:
        return "keine" if bericht else None
    return "ja" if bericht.logoleiste_verwendet else "nein"


def _mein_context(antrag, akteur, **forms_):
    bericht = getattr(antrag, "sachbericht", None)
    context = {
        "antrag": antrag,
        "moves": dict(available_moves(antrag, akteur)),
        "dokumente": antrag.dokumente.filter(art__in=DECISION_LETTERS),
        "belege": antrag.belege.select_related("kategorie", "kostenposition"),
        "fotos": antrag.projektfotos.all(),
        "editierbar": antrag.status in SETTLEMENT_EDITABLE_STATES,
        "fehlt": settlement_selectors.settlement_errors(antrag),
        "projektbeginn_ab": settlement_selectors.projektbeginn_noch_nicht_ab(antrag),
        "beleg_form": forms_.get("beleg_form") or BelegForm(antrag=antrag),
        "sachbericht_form": forms_.get("sachbericht_form")
        or SachberichtForm(
            initial={
                "text": getattr(bericht, "text", ""),
                "teilnehmende": getattr(bericht, "teilnehmende", ""),
                "ehrenamtsstunden": getattr(bericht, "ehrenamtsstunden", None),
                "logoleiste_verwendet": _logoleiste_initial(bericht),
            }
        ),
        "foto_form": forms_.get("foto_form") or FotoForm(),
        "form_has_errors": any(getattr(f, "errors", None) for f in forms_.values()),
        "extra_errors": forms_.get("extra_errors", []),
    }
    context.update(geld_context(antrag, akteur, forms_))
    return context


@require_GET
def mein_abrechnung(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    return render(request, "abrechnung/mein.html", _mein_context(antrag, akteur))


def _mein_error(request, antrag, akteur, name, form, status):
    return render(
        request,
        "abrechnung/mein.html",
        _mein_context(antrag, akteur, **{name: form}),
        status=status,
    )


@require_POST
def mein_projektbeginn(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    return _move(
        request,
        antrag,
        akteur,
        "start_project",
        "abrechnung:mein_abrechnung",
        bestaetigung.APPLICANT,
    )


@require_POST
def mein_beleg_neu(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    return mein_submit(
        request,
        antrag,
        akteur,
        BelegForm(request.POST, request.FILES, antrag=antrag),
        "beleg_form",
        lambda data: beleg_add_from_form(antrag, akteur, data),
        done=bestaetigung.bestaetigung_beleg_hinzugefuegt(),
        warn=lambda beleg: (
            _(
                "Der Beleg ist vor der Bewilligung datiert. Solche Kosten sind in der "
                "Regel nicht förderfähig; das Quartiersmanagement prüft ihn gesondert."
            )
            if beleg.vor_bewilligung
            else None
        ),
    )


def beleg_add_from_form(antrag, akteur, data):
    """``settlement.beleg_add`` with the entries of a ``BelegForm`` (applicant's or QM's)."""
    return settlement.beleg_add(
        antrag,
        akteur=akteur,
        datum=data["datum"],
        aussteller=data["aussteller"],
        betrag=data["betrag"],
        kostenposition_id=data["kostenposition"].pk,
        datei=data.get("datei"),
    )


@require_POST
def mein_beleg_entfernen(request, pk, beleg_pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    beleg = get_object_or_404(Beleg, pk=beleg_pk, antrag=antrag)
    try:
        settlement.beleg_remove(beleg, akteur=akteur)
    except Refused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(request, _("Der Beleg wurde entfernt."))
    return redirect("abrechnung:mein_abrechnung", pk=antrag.pk)


mein_sachbericht = mein_form_view(
    SachberichtForm,
    "sachbericht_form",
    settlement.sachbericht_save,
    done=lambda _bericht: bestaetigung.bestaetigung_bericht_gespeichert(),
)


mein_foto = mein_form_view(
    FotoForm,
    "foto_form",
    settlement.projektfoto_add,
    done=gettext_lazy("Das Foto wurde hinzugefügt."),
)


@require_POST
def mein_einreichen(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    return _move(
        request,
        antrag,
        akteur,
        "submit_settlement",
        "abrechnung:mein_abrechnung",
        bestaetigung.APPLICANT,
    )


@require_GET
def mein_dokument(request, pk, dokument_pk):
    antrag = zugriff.antrag_for_applicant(Akteur.from_request(request), pk)
    dokument = get_object_or_404(Dokument, pk=dokument_pk, antrag=antrag, art__in=DECISION_LETTERS)
    return _file_response(dokument.datei, dokument.dateiname, content_type="application/pdf")


def _move(request, antrag, akteur, move, back, rolle, **data):
    try:
        antrag_move(antrag, move, akteur=akteur, **data)
    except Refused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request, bestaetigung.bestaetigung_text(move, rolle=rolle, referenz=antrag.referenz)
        )
    return redirect(back, pk=antrag.pk)


# --- QM ---


def _qm_context(request, antrag, akteur, **forms_):
    auszahlung = getattr(antrag, "auszahlung", None)
    # pages of 50 as every staff list; the sums below (``rechnung``) count all receipts
    belege_seite = seite_for(request, antrag.belege.select_related("kategorie", "kostenposition"))
    belege = belege_seite.eintraege
    pruef_forms = {
        beleg.pk: forms_.get(f"pruef_{beleg.pk}")
        or BelegPruefForm(
            prefix=f"beleg{beleg.pk}", initial={"entscheidung": "accept", "anerkannt": beleg.betrag}
        )
        for beleg in belege
    }
    return {
        "antrag": antrag,
        "moves": dict(available_moves(antrag, akteur)),
        "projektbeginn_ab": settlement_selectors.projektbeginn_noch_nicht_ab(antrag),
        "dokumente": antrag.dokumente.all(),
        "belege": [(beleg, pruef_forms[beleg.pk]) for beleg in belege],
        "belege_seite": belege_seite,
        "fotos": antrag.projektfotos.all(),
        "sachbericht": getattr(antrag, "sachbericht", None),
        "abschlag": getattr(antrag, "abschlag", None),
        "auszahlung": auszahlung,
        "anordnungen": antrag.anordnungen.all(),
        "rechnung": settlement_selectors.auszahlung_berechnung(antrag),
        "pruefbar": antrag.status == AntragStatus.SETTLEMENT_SUBMITTED and auszahlung is None,
        "abschlag_moeglich": antrag.fonds.abschlag_erlaubt
        and antrag.status in ADVANCE_STATES
        and hasattr(antrag, "vereinbarung")
        and not hasattr(antrag, "abschlag"),
        "abschlag_form": forms_.get("abschlag_form")
        or AbschlagForm(
            initial={
                "datum": timezone.localdate(),
                "betrag": _plan_abschlag(antrag),
            }
        ),
        "kommentar_form": forms_.get("kommentar_form") or KommentarForm(),
        "bezahlt_form": forms_.get("bezahlt_form")
        or BezahltForm(initial={"bezahlt_am": timezone.localdate()}),
        "form_has_errors": any(getattr(f, "errors", None) for f in forms_.values()),
        "timeline": antrag.statuswechsel.select_related("akteur"),
        **geld_context(antrag, akteur, forms_),
    }


def _plan_abschlag(antrag):
    from ..selectors.vereinbarung import zahlungsplan_for

    return str(zahlungsplan_for(antrag).abschlag).replace(".", ",")


def _qm_error(request, antrag, akteur, name, form, status):
    return render(
        request,
        "abrechnung/qm.html",
        _qm_context(request, antrag, akteur, **{name: form}),
        status=status,
    )


# The POST of a form on the applicant's / QM's settlement page: back to that page when done, the
# page again with the form's entries and errors when not (``refusals.form_submit``).
mein_submit = partial(form_submit, back="abrechnung:mein_abrechnung", error_page=_mein_error)
qm_submit = partial(form_submit, back="abrechnung:qm_abrechnung", error_page=_qm_error)


@login_required
@require_GET
def qm_abrechnung(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    return render(request, "abrechnung/qm.html", _qm_context(request, antrag, akteur))


@login_required
@require_POST
def qm_projektbeginn(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    return _move(
        request, antrag, akteur, "start_project", "abrechnung:qm_abrechnung", bestaetigung.QM
    )


qm_abschlag = qm_form_view(
    AbschlagForm,
    "abschlag_form",
    settlement.abschlag_grant,
    done=lambda _abschlag: bestaetigung.bestaetigung_abschlag(),
)


@login_required
@require_POST
def qm_beleg_pruefen(request, pk, beleg_pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    beleg = get_object_or_404(Beleg, pk=beleg_pk, antrag=antrag)
    return qm_submit(
        request,
        antrag,
        akteur,
        BelegPruefForm(request.POST, prefix=f"beleg{beleg.pk}"),
        f"pruef_{beleg.pk}",
        lambda data: settlement.beleg_check(
            beleg,
            akteur=akteur,
            anerkannt=data["anerkannt"] if data["entscheidung"] == "accept" else None,
            grund=data["grund"],
        ),
        done=bestaetigung.bestaetigung_beleg_geprueft(),
    )


@login_required
@require_GET
def qm_beleg_datei(request, pk, beleg_pk):
    antrag = zugriff.antrag_for_qm(Akteur.from_request(request), pk)
    beleg = get_object_or_404(Beleg.objects.exclude(datei=""), pk=beleg_pk, antrag=antrag)
    zugriffsnachweis_record(
        request.user, Zugriffsnachweis.Aktion.DOWNLOAD, antrag=antrag, gegenstand=beleg.originalname
    )
    return _file_response(beleg.datei, beleg.download_name, content_type=beleg.content_type)


@login_required
@require_POST
def qm_nachforderung(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    return qm_submit(
        request,
        antrag,
        akteur,
        KommentarForm(request.POST),
        "kommentar_form",
        lambda data: antrag_move(
            antrag, "request_settlement_changes", akteur=akteur, kommentar=data["kommentar"]
        ),
        done=bestaetigung.bestaetigung_text("request_settlement_changes", rolle=bestaetigung.QM),
    )


@login_required
@require_POST
def qm_freigeben(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    try:
        settlement.auszahlung_release(antrag, akteur=akteur)
    except Refused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request,
            _("Die Auszahlung ist freigegeben. Die Auszahlungsanordnung wird erstellt."),
        )
    return redirect("abrechnung:qm_abrechnung", pk=antrag.pk)


@login_required
@require_POST
def qm_bezahlt(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    return qm_submit(
        request,
        antrag,
        akteur,
        BezahltForm(request.POST),
        "bezahlt_form",
        lambda data: antrag_move(antrag, "mark_paid", akteur=akteur, **data),
        done=bestaetigung.bestaetigung_text("mark_paid", rolle=bestaetigung.QM),
    )


@login_required
@require_POST
def qm_abschliessen(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, pk)
    return _move(request, antrag, akteur, "close", "abrechnung:qm_abrechnung", bestaetigung.QM)


@login_required
@require_GET
def qm_dokument(request, pk, dokument_pk):
    antrag = zugriff.antrag_for_qm(Akteur.from_request(request), pk)
    dokument = get_object_or_404(Dokument, pk=dokument_pk, antrag=antrag)
    zugriffsnachweis_record(
        request.user, Zugriffsnachweis.Aktion.DOWNLOAD, antrag=antrag, gegenstand=dokument.dateiname
    )
    return _file_response(dokument.datei, dokument.dateiname, content_type="application/pdf")


# --- Fund report ---


@login_required
@require_GET
def fonds_bericht_pdf(request, pk):
    """The report PDF of the fund as it stands: made by the worker; until the file is there the
    page says it is being made and offers the download when reloaded."""
    fonds = zugriff.aktionsfonds_for_staff(Akteur.from_request(request), pk)
    row = fondsbericht_pdf_request(fonds)
    if row.datei:
        return _file_response(
            row.datei,
            f"aktionsfonds-{fonds.quartier.code}-{fonds.jahr}.pdf",
            content_type="application/pdf",
        )
    return render(request, "qm/fonds_bericht_pdf.html", {"fonds": fonds}, status=202)


@login_required
@require_GET
def fonds_bericht_csv(request, pk):
    fonds = zugriff.aktionsfonds_for_staff(Akteur.from_request(request), pk)
    zahlen = fondsbericht_figures(fonds)  # the page's figures (the fund's stored ones)
    bericht = zahlen.bericht
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="aktionsfonds-{fonds.quartier.code}-{fonds.jahr}.csv"'
    )
    response.write("\ufeff")  # spreadsheet programs read the umlauts as UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Aktionsfonds"), fonds.quartier.name, fonds.jahr])
    stand = formats.date_format(timezone.localtime(zahlen.stand), "SHORT_DATETIME_FORMAT")
    writer.writerow([_("Stand der Zahlen"), stand])
    writer.writerows(_csv_summen(fonds, bericht))
    writer.writerow([])
    writer.writerows(_csv_kategorien(bericht))
    writer.writerow([])
    writer.writerows(_csv_handlungsfelder(zahlen.felder))
    writer.writerow([])
    writer.writerows(_csv_projekte(bericht))
    return response


def _euro(value):
    return euro_format(value, grouping=False)


def _csv_summen(fonds, bericht):
    for zahl in bericht.zahlen:
        yield [zahl.label, _euro(zahl.betrag)]
    for label, value in bericht.kennzahlen:
        yield [label, _euro(value) if isinstance(value, Decimal) else value]


def _csv_kategorien(bericht):
    yield [_("Kostenart"), _("Geplant (bewilligte Anträge)"), _("Anerkannte Belege")]
    for name, geplant, anerkannt in bericht.kategorien:
        yield [_csv_cell(name), _euro(geplant), _euro(anerkannt)]


def _csv_handlungsfelder(felder):
    yield [_("Handlungsfeld"), _("Anträge"), _("Bewilligt"), _("Ausgezahlt")]
    for zeile in felder:
        yield [
            _csv_cell(zeile.handlungsfeld.name),
            zeile.anzahl,
            _euro(zeile.bewilligt),
            _euro(zeile.ausgezahlt),
        ]


def _csv_projekte(bericht):
    yield [
        _("Aktenzeichen"),
        _("Titel"),
        _("Bewilligt"),
        _("Ausgezahlt"),
        _("Zurückgefordert"),
        _("Zurückgezahlt"),
        _("Status"),
    ]
    for antrag in bericht.projekte.iterator(chunk_size=500):
        yield [
            antrag.referenz,
            _csv_cell(antrag.titel),
            _euro(antrag.betrag_bewilligt),
            _euro(antrag.ausgezahlt_brutto),
            _euro(antrag.zurueckgefordert),
            _euro(antrag.zurueckgezahlt),
            AntragStatus(antrag.status).label,
        ]


def _csv_cell(text):
    """Applicant text in a spreadsheet: never a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

"""QM staff pages: dashboard of the own area(s), Antrag detail and the moves of the formal check.

Views parse input, call one domain function (``antrag_move``) and render. Who may see what is
decided by the role predicates: QM staff see their own areas, admins see all areas read-only.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from jury.abstimmungen import selectors as jury_selectors
from jury.sitzungen.selectors import sitzungen_for_antraege
from workflow.moves import MoveRefused, antrag_move, available_moves

from ... import permissions, zugriff
from ...datenschutz.models import Zugriffsnachweis
from ...datenschutz.nachweis import zugriffsnachweis_record
from ...fonds.forms import HandlungsfelderForm
from ...fonds.selectors import fristen
from ...fonds.selectors.fondsbild import fondsbild_for
from ...geld.selectors.vereinbarung import pauschale_geplant, rueckforderungen_uebersicht
from ...models import Anhang, AntragStatus
from ...paginierung import seite_for
from ...roles import Akteur
from ...states import EVER_APPROVED_STATES
from ...web.bestaetigungen import QM, bestaetigung_text
from ...web.dashboard_zeilen import LISTENFELDER, dashboard_zeilen, dashboard_zeilen_html
from ...web.refusals import refusal_to_form
from ..forms.pruefung import DashboardFilterForm, MoveForm
from ..selectors import (
    aktionsfonds_for_staff,
    aktionsfonds_saldi,
    aktionsfonds_saldo,
    antraege_count_by_status_in,
    antraege_in_fonds,
    antraege_summen,
    antrag_for_detail,
    kosten_summen,
    quartiere_list_for_staff,
)
from ..services.korrektur import antrag_korrigierbar

# The moves of the formal check that this page offers. Decisions, settlement and payout have
# their own pages and forms.
FORMAL_CHECK_MOVES = (
    "start_review",
    "put_to_jury",
    "request_changes",
    "declare_ineligible",
    "return_to_review",
)


def staff_required(view):
    """Logged-in QM staff or admins; anybody else logged in gets 403, anonymous the login page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        akteur = Akteur.from_request(request)
        zugriff.staff_page_check(akteur)
        request.akteur = akteur
        return view(request, *args, **kwargs)

    return wrapper


# --- Dashboard ---


def _dashboard_filter(request, alle_fonds, heute):
    """``(form, jahr, status, suche, standard_jahr)`` from the filter form; with no query the page
    opens on the year that takes new Anträge (in December: next year's fund)."""
    jahre = sorted({f.jahr for f in alle_fonds} | {heute.year}, reverse=True)
    standard_jahr = fristen.antragsjahr(alle_fonds, heute)
    form = DashboardFilterForm(request.GET if request.GET else {"jahr": standard_jahr}, jahre=jahre)
    if not form.is_valid():
        return form, standard_jahr, "", "", standard_jahr
    data = form.cleaned_data
    return form, data["jahr"], data["status"], data["suche"].strip(), standard_jahr


def _fonds_saldi(saldo_fonds):
    """``[(fonds, saldo)]`` of the year shown, each fund with its picture (``fonds.bild``)."""
    saldi = aktionsfonds_saldi(saldo_fonds)
    for fonds in saldo_fonds:
        fonds.bild = fondsbild_for(fonds, saldo=saldi[fonds.pk])
    return [(fonds, saldi[fonds.pk]) for fonds in saldo_fonds]


@require_GET
@staff_required
def dashboard(request):
    akteur = request.akteur
    alle_fonds = list(aktionsfonds_for_staff(akteur).select_related("quartier"))
    form, jahr, status, suche, standard_jahr = _dashboard_filter(
        request, alle_fonds, timezone.localdate()
    )
    # the funds the akteur may see are known: the lists and counts read them by id (one query
    # each, answered from indexes whatever the number of Anträge)
    saldo_jahr = jahr or standard_jahr
    saldo_fonds = [fonds for fonds in alle_fonds if fonds.jahr == saldo_jahr]
    im_jahr = [fonds.pk for fonds in alle_fonds if not jahr or fonds.jahr == jahr]
    summen = antraege_summen({*im_jahr, *(fonds.pk for fonds in saldo_fonds)})
    counts = antraege_count_by_status_in(summen, im_jahr)
    seite = seite_for(
        request,
        antraege_in_fonds(im_jahr, status=status, suche=suche)
        .select_related(None)
        .values(*LISTENFELDER),
        # unfiltered, the list is the year's Anträge just counted by status
        gesamt=None if (status or suche) else sum(counts.values()),
    )
    rueckforderungen_offen = rueckforderungen_uebersicht(akteur.qm_quartier_ids)
    return render(
        request,
        "qm/dashboard.html",
        {
            "form": form,
            "form_has_errors": bool(form.errors),
            "antraege": seite.eintraege,
            "tabellenzeilen": dashboard_zeilen_html(dashboard_zeilen(seite.eintraege)),
            "seite": seite,
            "status_counts": [
                (value, label, counts[value])
                for value, label in AntragStatus.choices
                if value in counts
            ],
            "gesamt": sum(counts.values()),
            "fonds_saldi": _fonds_saldi(saldo_fonds),
            "saldo_jahr": saldo_jahr,
            "quartiere": quartiere_list_for_staff(akteur),
            "nur_lesen": not permissions.is_qm_staff_anywhere(akteur),
            "gefiltert": bool(status or suche),
            "fortschritte": jury_selectors.abstimmungen_progress_for_staff(akteur),
            "rueckforderungen": rueckforderungen_offen,
        },
    )


# --- Detail and moves ---


def antrag_detail_context(akteur, antrag, *, forms_by_move=None):
    antrag = antrag_for_detail(antrag.pk)
    positionen = list(antrag.kostenpositionen.all())
    gesamt, foerderfaehig = kosten_summen(antrag, positionen)
    moves = _detail_moves(akteur, antrag, forms_by_move or {})
    failed = next((form for form in (forms_by_move or {}).values() if form.errors), None)
    bearbeitet = permissions.may_act_on_antrag_as_qm(akteur, antrag)
    abstimmungen = list(jury_selectors.abstimmungen_for_antrag(antrag))
    jury_entscheiden = (
        bearbeitet
        and antrag.status == AntragStatus.JURY_VOTE
        and not any(a.ist_offen for a in abstimmungen)
    )
    return {
        "antrag": antrag,
        "positionen": positionen,
        "gesamtkosten": gesamt,
        "foerderfaehige_kosten": foerderfaehig,
        "nicht_foerderfaehige_kosten": gesamt - foerderfaehig,
        "anhaenge": list(antrag.anhaenge.all()),
        "darf_anhaenge_laden": bearbeitet,
        "timeline": list(antrag.statuswechsel.all()),
        "moves": moves,
        "saldo": aktionsfonds_saldo(antrag.fonds),
        "form": failed,
        "form_has_errors": failed is not None,
        "nur_lesen": not bearbeitet,
        "korrigierbar": bearbeitet and antrag_korrigierbar(antrag),
        # Cross-links to the jury and settlement pages (their views check permissions again).
        "abstimmungen": abstimmungen,
        "jury_entscheiden": jury_entscheiden,
        "jury_sitzung": sitzungen_for_antraege([antrag]).get(antrag.pk)
        if jury_entscheiden
        else None,
        "abrechnung_sichtbar": bearbeitet and antrag.status in EVER_APPROVED_STATES,
        "dokumente": list(antrag.dokumente.all()) if bearbeitet else [],
        "pauschale_geplant": pauschale_geplant(antrag),
        "ausnahme_editierbar": bearbeitet
        and antrag.status in (AntragStatus.SUBMITTED, AntragStatus.IN_REVIEW),
        "handlungsfelder": list(antrag.handlungsfelder.all()),
        "handlungsfelder_form": HandlungsfelderForm(antrag=antrag) if bearbeitet else None,
    }


def _detail_moves(akteur, antrag, forms_by_move):
    """``[(move, label, form)]`` of the formal check this akteur may make now, with the form a
    refused POST left (its entries and errors)."""
    offered = dict(available_moves(antrag, akteur))
    return [
        (move, offered[move], forms_by_move.get(move) or MoveForm(move=move))
        for move in FORMAL_CHECK_MOVES
        if move in offered
    ]


@require_GET
@staff_required
def antrag_detail(request, pk):
    antrag = zugriff.antrag_for_staff(request.akteur, pk)
    # The page shows the applicant's contact data: the audit log records who looked.
    zugriffsnachweis_record(request.user, Zugriffsnachweis.Aktion.ANSICHT, antrag=antrag)
    return render(request, "qm/antrag_detail.html", antrag_detail_context(request.akteur, antrag))


@require_POST
@staff_required
def antrag_schritt(request, pk, move):
    akteur = request.akteur
    antrag = zugriff.antrag_for_qm(akteur, pk)
    if move not in FORMAL_CHECK_MOVES:
        raise Http404
    form = MoveForm(request.POST, move=move)
    status = 400
    if form.is_valid():
        kommentar = form.cleaned_data.get("kommentar", "").strip()
        try:
            moved = antrag_move(
                antrag, move, akteur=akteur, kommentar=kommentar, intern=form.intern
            )
        except MoveRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(
                request,
                bestaetigung_text(move, rolle=QM, referenz=moved.referenz),
            )
            return redirect("qm:antrag_detail", pk=moved.pk)
    context = antrag_detail_context(akteur, antrag, forms_by_move={move: form})
    if not any(offered == move for offered, _label, _form in context["moves"]):
        # the move is no longer offered (stale tab or forged form): keep what was typed visible
        context["nicht_gespeichert"] = form.data.get(f"{move}-kommentar", "")
    return render(request, "qm/antrag_detail.html", context, status=status)


@require_GET
@staff_required
def anhang_herunterladen(request, pk, anhang_pk):
    """A stored attachment, for QM staff of the Antrag's area only."""
    antrag = zugriff.antrag_for_qm(request.akteur, pk)
    anhang = get_object_or_404(Anhang, pk=anhang_pk, antrag=antrag)
    zugriffsnachweis_record(
        request.user,
        Zugriffsnachweis.Aktion.DOWNLOAD,
        antrag=antrag,
        gegenstand=anhang.originalname,
    )
    response = FileResponse(
        anhang.datei.open("rb"),
        as_attachment=True,
        filename=anhang.download_name,
        content_type=anhang.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""QM pages about the fund as a whole and the programme's reporting: the fund report page with its
picture, the year-end close, and QM's check of an Antrag's fields of action."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ... import zugriff
from ...antrag.views.qm import antrag_detail_context, staff_required
from ...geld.auswertung import fondsbericht_figures
from ...geld.buchungen.selectors import saldo_from_row
from ...geld.selectors.abrechnung import bericht_seiten
from ...paginierung import seite_for
from ...web.listenzeilen import bericht_zeilen, bericht_zeilen_html
from ...web.refusals import refusal_to_form, refusal_to_message
from ..forms import BuchhaltungForm, HandlungsfelderForm, KostenkategorienUebersetzungForm
from ..selectors.fondsbild import fondsbild_for
from ..services.buchhaltung import BuchhaltungRefused, buchhaltung_save
from ..services.handlungsfelder import HandlungsfelderRefused, handlungsfelder_check
from ..services.jahresabschluss import (
    JahresabschlussRefused,
    aktionsfonds_close,
    jahresabschluss_moeglich_ab,
)
from ..services.kosten import KostenkategorieRefused, kostenkategorien_translate


def _bericht_context(request, fonds):
    heute = timezone.localdate()
    # counts, months, fields and cost categories as the worker last computed them (one row); the
    # balance from the fund row this request read (``aktionsfonds_for_staff``), not read again
    zahlen = fondsbericht_figures(fonds, saldo=saldo_from_row(fonds))
    bericht = zahlen.bericht
    # the projects on screen in pages of 50 (their ids from the index, then their rows); the sums
    # above count all of them
    projekte = seite_for(request, bericht_seiten(fonds), gesamt=bericht.anzahl)
    return {
        "fonds": fonds,
        "bild": fondsbild_for(fonds, saldo=bericht.saldo),
        "monate": zahlen.monate,
        "felder": zahlen.felder,
        "stand": zahlen.stand,
        "bericht": bericht,
        "projekte": projekte,
        "tabellenzeilen": bericht_zeilen_html(bericht_zeilen(projekte.eintraege)),
        # who may close is the template's question (antraege.permissions); when, the view's
        "abschluss_moeglich": fonds.abgeschlossen_am is None
        and heute >= jahresabschluss_moeglich_ab(fonds),
        "abschluss_ab": jahresabschluss_moeglich_ab(fonds),
    }


@require_GET
@staff_required
def fonds_bericht(request, pk):
    """The fund report as a page: the picture, approvals per month, fields of action, projects."""
    fonds = zugriff.aktionsfonds_for_staff(request.akteur, pk)
    return render(request, "qm/fonds_bericht.html", _bericht_context(request, fonds))


@require_POST
@staff_required
def fonds_abschliessen(request, pk):
    """QM closes the fund of a past year: what is not bound has lapsed."""
    fonds = zugriff.aktionsfonds_for_staff(request.akteur, pk)
    if request.POST.get("bestaetigt") != "1":
        messages.error(
            request,
            _("Bitte bestätigen Sie den Jahresabschluss. Er lässt sich nicht rückgängig machen."),
        )
        return redirect(reverse("qm:fonds_bericht", args=[fonds.pk]) + "#abschluss-titel")
    try:
        aktionsfonds_close(fonds, akteur=request.akteur)
    except JahresabschlussRefused as refused:
        refusal_to_message(request, refused)
        return redirect("qm:fonds_bericht", pk=fonds.pk)
    messages.success(
        request,
        _("Der Aktionsfonds %(jahr)s ist abgeschlossen. Nicht gebundenes Geld ist verfallen.")
        % {"jahr": fonds.jahr},
    )
    return redirect("qm:fonds_bericht", pk=fonds.pk)


@require_http_methods(["GET", "POST"])
@staff_required
def fonds_buchhaltung(request, pk):
    """QM enters the fund's budget line and the office's bank account (IBAN checked) on a page of
    their own; on a refusal the page again with the entries kept."""
    fonds = zugriff.aktionsfonds_for_buchhaltung(request.akteur, pk)
    form = BuchhaltungForm(request.POST if request.method == "POST" else None, fonds=fonds)
    status = 200 if request.method == "GET" else 400
    if request.method == "POST" and form.is_valid():
        try:
            buchhaltung_save(
                fonds,
                akteur=request.akteur,
                haushaltsstelle=form.cleaned_data["haushaltsstelle"],
                kostenstelle=form.cleaned_data["kostenstelle"],
                kontoinhaber=form.cleaned_data["buero_kontoinhaber"],
                iban=form.cleaned_data["buero_iban"],
                bic=form.cleaned_data["buero_bic"],
            )
        except BuchhaltungRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(request, _("Die Angaben für die Buchhaltung sind gespeichert."))
            return redirect(reverse("qm:fonds_bericht", args=[fonds.pk]) + "#buchhaltung")
    context = {"fonds": fonds, "form": form, "form_has_errors": bool(form.errors)}
    return render(request, "qm/fonds_buchhaltung.html", context, status=status)


@require_POST
@staff_required
def antrag_handlungsfelder(request, pk):
    """QM's check of the fields of action: store the corrected choice, back to the detail page."""
    akteur = request.akteur
    antrag = zugriff.antrag_for_qm(akteur, pk)
    form = HandlungsfelderForm(request.POST, antrag=antrag)
    status = 400
    if form.is_valid():
        try:
            handlungsfelder_check(
                antrag, akteur=akteur, handlungsfelder=form.cleaned_data["handlungsfelder"]
            )
        except HandlungsfelderRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(request, _("Die Handlungsfelder sind gespeichert."))
            return redirect("qm:antrag_detail", pk=antrag.pk)
    context = antrag_detail_context(akteur, antrag)
    context.update({"handlungsfelder_form": form, "form": form, "form_has_errors": True})
    return render(request, "qm/antrag_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def kostenarten_uebersetzen(request, pk):
    """QM gives the area's cost categories their names in English, Turkish and Arabic (what
    residents read in the form, on "Mein Antrag" and the start page)."""
    quartier = zugriff.quartier_for_kostenarten(request.akteur, pk)
    kategorien = quartier.kostenkategorien.all()
    form = KostenkategorienUebersetzungForm(request.POST or None, kategorien=kategorien)
    status = 200 if request.method == "GET" else 400
    if request.method == "POST" and form.is_valid():
        try:
            kostenkategorien_translate(quartier, form.uebersetzungen(), akteur=request.akteur)
        except KostenkategorieRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(request, _("Die Übersetzungen der Kostenarten sind gespeichert."))
            return redirect("qm:kostenarten", pk=quartier.pk)
    context = {"quartier": quartier, "form": form, "form_has_errors": bool(form.errors)}
    return render(request, "qm/kostenarten.html", context, status=status)

"""Jury pages. Views parse input, call one domain function in ``jury.abstimmungen.services``, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antraege import permissions, zugriff
from antraege.antrag.selectors import antraege_for_staff, quartiere_for_staff
from antraege.models import AntragStatus, Quartier
from antraege.paginierung import seite_for
from antraege.roles import Akteur
from antraege.web.refusals import refusal_forbid, refusal_to_form, refusal_to_message

from ..sitzungen.selectors import (
    protokolle_for_mitglied,
    sitzungen_for_antraege,
    sitzungen_for_mitglied,
)
from . import selectors, services
from .forms import AbstimmungEroeffnenForm, BefangenheitForm, JuryRegelnForm, StimmzettelForm
from .models import Abstimmung, AbstimmungStatus
from .services import JuryRefused


def protokoll_response(protokoll, filename):
    """The stored minutes PDF (of a vote or a meeting) as a download; 404 while it is being made."""
    if not protokoll:
        raise Http404(_("Das Protokoll wird noch erstellt."))
    return FileResponse(
        protokoll.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


# --- Members -----------------------------------------------------------------------------------


@login_required
def home(request):
    offen, geschlossen = selectors.abstimmungen_for_mitglied(request.user)
    seite = seite_for(request, geschlossen)
    return render(
        request,
        "jury/home.html",
        {
            "offen": offen,
            "geschlossen": selectors.mitglied_eintraege(request.user, seite.eintraege),
            "seite": seite,
            "sitzungen": sitzungen_for_mitglied(request.user),
            "protokolle": protokolle_for_mitglied(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def stimmzettel(request, pk):
    # who may open this vote's page at all is answered first (another area's vote: 404); whether
    # the person may vote is checked by the service inside its transaction (refusal: 403)
    abstimmung = zugriff.abstimmung_for_jury(Akteur.from_request(request), pk)
    form = None
    if request.method == "POST":
        form = StimmzettelForm(request.POST)
        if form.is_valid():
            try:
                services.stimme_cast(
                    abstimmung.pk,
                    user=request.user,
                    wert=form.cleaned_data["wert"],
                    kommentar=form.cleaned_data["kommentar"],
                )
            except JuryRefused as fehler:
                refusal_to_form(form, fehler)  # not entitled (any more): 403
            else:
                return redirect(f"{request.path}?quittung=1#quittung")
    try:
        eintrag = services.stimmberechtigung_check(abstimmung, request.user, schreiben=False)
    except JuryRefused as fehler:
        refusal_forbid(fehler)  # not entitled: every reason is a 403
        raise
    stimme = abstimmung.stimmen.filter(mitglied=eintrag.mitglied).first()
    if form is None:
        initial = {"wert": stimme.wert, "kommentar": stimme.kommentar} if stimme else {}
        form = StimmzettelForm(initial=initial)
    antrag = abstimmung.antrag
    return render(
        request,
        "jury/stimmzettel.html",
        {
            "abstimmung": abstimmung,
            "antrag": antrag,
            "positionen": antrag.kostenpositionen.select_related("kategorie"),
            "kuerzung": selectors.kostenplan_kuerzung(
                antrag, abstimmung.betrag, abstimmung.kostenplan
            ),
            "stimme": stimme,
            "form": form,
            "form_has_errors": bool(form.errors),
            "quittung": stimme is not None and request.GET.get("quittung") == "1",
            "offen": abstimmung.ist_offen and timezone.now() < abstimmung.frist,
            "vertretung": eintrag if eintrag.vertreten_durch_id else None,
            "vertretung_bitten": abstimmung.vertretung_online
            and eintrag.mitglied.user_id == request.user.pk
            and eintrag.vertretung_gesucht_am is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def befangenheit(request, pk):
    abstimmung = zugriff.abstimmung_for_jury(Akteur.from_request(request), pk)
    try:
        services.stimmberechtigung_check(abstimmung, request.user)
    except JuryRefused as fehler:
        refusal_forbid(fehler)  # not entitled: every reason is a 403
        raise
    form = BefangenheitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.befangenheit_declare(
                abstimmung, user=request.user, grund=form.cleaned_data["grund"]
            )
        except JuryRefused as fehler:
            refusal_forbid(fehler)
            raise
        messages.success(
            request,
            _("Sie sind für diesen Antrag als befangen eingetragen und stimmen nicht mit ab."),
        )
        return redirect("jury:home")
    return render(
        request,
        "jury/befangenheit.html",
        {"abstimmung": abstimmung, "form": form, "form_has_errors": bool(form.errors)},
    )


@login_required
@require_http_methods(["POST"])
def vertretung_bitten(request, pk):
    """A member who cannot vote asks for a deputy (the area's deputies are e-mailed)."""
    abstimmung = zugriff.abstimmung_for_jury(Akteur.from_request(request), pk)
    try:
        services.vertretung_request(abstimmung, user=request.user)
    except JuryRefused as fehler:
        refusal_to_message(request, fehler)
        return redirect("jury:abstimmung", pk=abstimmung.pk)
    messages.success(
        request,
        _(
            "Die Stellvertreter*innen sind informiert. Wer zuerst zusagt, stimmt an Ihrer Stelle "
            "ab; bis dahin können Sie noch selbst abstimmen."
        ),
    )
    return redirect("jury:home")


@login_required
@require_http_methods(["GET", "POST"])
def abstimmung_vertreten(request, pk):
    """A deputy sees who asked for a deputy in this vote and accepts standing in for one."""
    abstimmung = zugriff.abstimmung_for_jury(Akteur.from_request(request), pk)
    if request.method == "POST":
        eintrag_id = request.POST.get("eintrag", "")
        try:
            services.vertretung_accept(
                abstimmung,
                user=request.user,
                eintrag_id=int(eintrag_id) if eintrag_id.isdigit() else 0,
            )
        except JuryRefused as fehler:
            refusal_to_message(request, fehler)
            return redirect("jury:abstimmung_vertreten", pk=abstimmung.pk)
        messages.success(request, _("Sie vertreten das Mitglied. Bitte stimmen Sie jetzt ab."))
        return redirect("jury:abstimmung", pk=abstimmung.pk)
    return render(
        request,
        "jury/vertreten.html",
        {
            "abstimmung": abstimmung,
            "antrag": abstimmung.antrag,
            "offen": services.vertretungen_offen(abstimmung, user=request.user),
        },
    )


# --- QM ----------------------------------------------------------------------------------------


@login_required
def qm_uebersicht(request):
    akteur = Akteur.from_request(request)
    quartiere = list(quartiere_for_staff(akteur))
    if not quartiere:
        raise PermissionDenied(_("Diese Seite ist für das QM."))
    offen_ids = Abstimmung.objects.filter(status=AbstimmungStatus.OFFEN).values("antrag_id")
    ohne_abstimmung = list(
        antraege_for_staff(akteur, status=AntragStatus.JURY_VOTE)
        .exclude(pk__in=offen_ids)
        .order_by("eingereicht_am", "pk")
    )
    sitzungen = sitzungen_for_antraege(ohne_abstimmung)
    return render(
        request,
        "jury/qm_uebersicht.html",
        {
            "fortschritte": selectors.abstimmungen_progress_for_staff(akteur),
            "ohne_abstimmung": [(a, sitzungen.get(a.pk)) for a in ohne_abstimmung],
            "geschlossen": seite_for(
                request,
                Abstimmung.objects.filter(
                    antrag__fonds__quartier__in=quartiere, status=AbstimmungStatus.GESCHLOSSEN
                )
                .select_related("antrag__fonds__quartier")
                .order_by("-geschlossen_am", "-pk"),
            ),
            "quartiere": quartiere,
        },
    )


def _eroeffnen_form(request, antrag, regeln, treffer):
    """The opening form: what QM entered, or the requested amount and the area's usual period."""
    positionen = antrag.kostenpositionen.order_by("pk")
    if request.method == "POST":
        return AbstimmungEroeffnenForm(request.POST, treffer=treffer, positionen=positionen)
    frist = timezone.localtime() + timezone.timedelta(days=regeln.abstimmungsdauer_tage)
    return AbstimmungEroeffnenForm(
        initial={
            "betrag": antrag.betrag_beantragt,
            "frist": frist.replace(second=0, microsecond=0),
        },
        treffer=treffer,
        positionen=positionen,
    )


def _abstimmung_open(request, antrag, akteur, form):
    """Open the vote from a valid form; the vote's page, or None with the refusal on the form."""
    try:
        abstimmung = services.abstimmung_open(
            antrag,
            akteur=akteur,
            betrag=form.cleaned_data["betrag"],
            auflagen=form.cleaned_data["auflagen"],
            frist=form.cleaned_data["frist"],
            antragsteller_bestaetigt=form.cleaned_data.get("antragsteller", []),
            kostenplan=form.kostenplan(),
        )
    except JuryRefused as fehler:
        refusal_to_form(form, fehler)
        return None
    messages.success(
        request,
        _(
            "Die Abstimmung ist eröffnet. Die Jurymitglieder bekommen eine E-Mail. "
            "Hier sehen Sie, wer schon abgestimmt hat."
        ),
    )
    return redirect("jury:qm_abstimmung", pk=abstimmung.pk)


@login_required
@require_http_methods(["GET", "POST"])
def qm_eroeffnen(request, antrag_pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_qm(akteur, antrag_pk)
    regeln = services.juryregeln_for(antrag.fonds.quartier)
    mitglieder = selectors.jurymitglieder_by_name(antrag.fonds.quartier, timezone.localdate())
    # Members with the applicant's confirmed address: QM sees the match and confirms it.
    treffer = services.antragsteller_in_jury(antrag, mitglieder)
    form = _eroeffnen_form(request, antrag, regeln, treffer)
    if request.method == "POST" and form.is_valid():
        response = _abstimmung_open(request, antrag, akteur, form)
        if response is not None:
            return response
    return render(
        request,
        "jury/qm_eroeffnen.html",
        {
            "antrag": antrag,
            "form": form,
            "regeln": regeln,
            "form_has_errors": bool(form.errors),
            "mitglieder": mitglieder,
        },
    )


@login_required
def qm_abstimmung(request, pk):
    akteur = Akteur.from_request(request)
    abstimmung = zugriff.abstimmung_for_staff(akteur, pk)
    return render(
        request,
        "jury/qm_abstimmung.html",
        {
            "abstimmung": abstimmung,
            "antrag": abstimmung.antrag,
            "kuerzung": selectors.kostenplan_kuerzung(
                abstimmung.antrag, abstimmung.betrag, abstimmung.kostenplan
            ),
            "fortschritt": selectors.abstimmung_progress(abstimmung),
            "befangene": abstimmung.stimmberechtigungen.filter(befangen=True).select_related(
                "mitglied__user"
            ),
            "darf_eroeffnen": permissions.may_open_abstimmung(akteur, abstimmung.antrag)
            and abstimmung.antrag.status == AntragStatus.JURY_VOTE
            and not abstimmung.antrag.abstimmungen.filter(status=AbstimmungStatus.OFFEN).exists(),
            "sitzung": sitzungen_for_antraege([abstimmung.antrag]).get(abstimmung.antrag_id),
        },
    )


@login_required
def qm_protokoll(request, pk):
    abstimmung = zugriff.abstimmung_for_staff(Akteur.from_request(request), pk)
    return protokoll_response(
        abstimmung.protokoll,
        f"protokoll-{abstimmung.antrag.referenz or abstimmung.antrag_id}-{abstimmung.pk}.pdf",
    )


@login_required
def abstimmung_protokoll(request, pk):
    """The minutes of a closed online vote for its area's jury (and QM): as the meeting minutes,
    never applicants' contact data; 404 before they exist."""
    abstimmung = zugriff.abstimmung_for_jury(Akteur.from_request(request), pk)
    if abstimmung.ist_offen or not abstimmung.protokoll:
        raise Http404
    return protokoll_response(
        abstimmung.protokoll,
        f"protokoll-{abstimmung.antrag.referenz or abstimmung.antrag_id}-{abstimmung.pk}.pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_regeln(request, quartier_pk):
    quartier = get_object_or_404(Quartier, pk=quartier_pk)
    akteur = Akteur.from_request(request)
    if not permissions.may_view_jury_of_area(akteur, quartier.pk):
        raise PermissionDenied(_("Dieses Quartier gehört nicht zu Ihnen."))
    if request.method == "POST" and not permissions.may_manage_jury_of_area(akteur, quartier.pk):
        raise PermissionDenied(_("Dieses Quartier gehört nicht zu Ihnen."))
    regeln = services.juryregeln_for(quartier)
    form = JuryRegelnForm(request.POST or None, instance=regeln)
    if request.method == "POST" and form.is_valid():
        services.juryregeln_save(
            form.save(commit=False),
            akteur=akteur,
            projektbeginn_kulanz_tage=form.cleaned_data["projektbeginn_kulanz_tage"],
        )
        messages.success(
            request,
            _("Die Regeln der Jury sind gespeichert. Sie gelten für jede neue Abstimmung."),
        )
        return redirect("jury:qm_uebersicht")
    return render(
        request,
        "jury/qm_regeln.html",
        {"quartier": quartier, "form": form, "form_has_errors": bool(form.errors)},
    )

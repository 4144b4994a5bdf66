"""Meeting pages. Views parse input, call one domain function in ``jury.sitzungen.services``,
render. QM: meetings, agenda, meeting mode, minutes, composition. Members: agenda, read-only
Anträge, papers PDF. Everyone signed in: the language of their e-mails."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from antraege import permissions
from antraege.antrag.selectors import quartiere_for_staff
from antraege.models import Antrag, Quartier
from antraege.paginierung import seite_for
from antraege.roles import Akteur
from antraege.web.refusals import refusal_to_form, refusal_to_message

from ..abstimmungen.services import JuryRefused
from ..abstimmungen.views import protokoll_response
from ..mitglieder.selectors import jurymitglieder_outside_term
from . import selectors, services, unterlagen
from .forms import (
    AnwesenheitForm,
    ProtokollForm,
    PunktForm,
    SitzungForm,
    VertagenForm,
)
from .models import Beschluss, Sitzung, SitzungStatus, Tagesordnungspunkt


def _qm_sitzung(request, pk):
    """``(akteur, sitzung)`` for QM staff of the meeting's area (``docs/architecture.md``, Access):
    a person who is QM staff nowhere gets the 403 "für das QM" before anything is looked up;
    another area's meeting is a 404, no hint that it exists."""
    akteur = Akteur.from_request(request)
    if not permissions.is_qm_staff_anywhere(akteur):
        raise PermissionDenied(_("Diese Seite ist für das QM."))
    sitzung = get_object_or_404(
        Sitzung.objects.select_related("quartier"),
        pk=pk,
        quartier_id__in=akteur.qm_quartier_ids,
    )
    return akteur, sitzung


# --- QM: meetings and agenda ---------------------------------------------------------------------


@login_required
def qm_sitzungen(request):
    akteur = Akteur.from_request(request)
    quartiere = list(quartiere_for_staff(akteur).filter(pk__in=akteur.qm_quartier_ids))
    if not quartiere:
        raise PermissionDenied(_("Diese Seite ist für das QM."))
    offen, geschlossen = selectors.sitzungen_for_staff(akteur)
    return render(
        request,
        "jury/sitzungen/qm_liste.html",
        {
            "offen": offen,
            "geschlossen": seite_for(request, geschlossen),
            "zusammensetzungen": [(q, services.jury_zusammensetzung(q)) for q in quartiere],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_sitzung_neu(request, quartier_pk):
    quartier = get_object_or_404(Quartier, pk=quartier_pk)
    akteur = Akteur.from_request(request)
    if not permissions.may_manage_jury_of_area(akteur, quartier.pk):
        raise PermissionDenied(_("Dieses Quartier gehört nicht zu Ihnen."))
    form = SitzungForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sitzung = services.sitzung_create(quartier, akteur=akteur, **form.cleaned_data)
        except JuryRefused as fehler:
            refusal_to_form(form, fehler)
        else:
            messages.success(
                request,
                _("Die Sitzung ist angelegt; %(n)s Anträge stehen auf der Tagesordnung.")
                % {"n": sitzung.punkte.count()},
            )
            return redirect("jury:qm_tagesordnung", pk=sitzung.pk)
    return render(
        request,
        "jury/sitzungen/qm_neu.html",
        {"quartier": quartier, "form": form, "form_has_errors": bool(form.errors)},
    )


VOR_DER_SITZUNG = (SitzungStatus.GEPLANT, SitzungStatus.UNTERLAGEN_VERSANDT)


def _tagesordnung_button(request, sitzung, akteur, aktion, punkt):
    """One button of the agenda page: move, remove, add, propose, send the papers."""
    if aktion in ("hoch", "runter") and punkt:
        services.top_move(punkt, akteur=akteur, richtung=-1 if aktion == "hoch" else 1)
    elif aktion == "entfernen" and punkt:
        services.top_remove(punkt, akteur=akteur)
    elif aktion == "hinzufuegen":
        antrag = get_object_or_404(
            Antrag, pk=request.POST.get("antrag"), fonds__quartier_id=sitzung.quartier_id
        )
        services.top_add(sitzung, antrag, akteur=akteur)
    elif aktion == "vorschlagen":
        neu = services.tagesordnung_propose(sitzung)
        messages.success(request, _("%(n)s Anträge hinzugefügt.") % {"n": len(neu)})
    elif aktion == "unterlagen":
        n = unterlagen.sitzung_unterlagen_send(sitzung, akteur=akteur)
        messages.success(
            request,
            _("Die Unterlagen gehen an %(n)s Mitglieder und Stellvertretungen.") % {"n": n},
        )
    else:
        raise Http404


def _tagesordnung_post(request, sitzung, akteur):
    """Do the button's action; back to the agenda (at the moved item), a refusal as a message."""
    aktion = request.POST.get("aktion", "")
    punkt = None
    if request.POST.get("punkt"):
        punkt = get_object_or_404(Tagesordnungspunkt, pk=request.POST["punkt"], sitzung=sitzung)
    try:
        _tagesordnung_button(request, sitzung, akteur, aktion, punkt)
    except JuryRefused as fehler:
        refusal_to_message(request, fehler)
    anker = f"#punkt-{punkt.pk}" if punkt and aktion in ("hoch", "runter") else ""
    return redirect(request.path + anker)


@login_required
@require_http_methods(["GET", "POST"])
def qm_tagesordnung(request, pk):
    akteur, sitzung = _qm_sitzung(request, pk)
    if request.method == "POST":
        return _tagesordnung_post(request, sitzung, akteur)
    return render(
        request,
        "jury/sitzungen/qm_tagesordnung.html",
        {
            "sitzung": sitzung,
            **selectors.tagesordnung_kontext(sitzung),
            "unterlagen_bis": services.unterlagen_frist(sitzung),
            "unterlagen_pdf": _unterlagen_pdf(sitzung) if sitzung.punkte.exists() else None,
            "vor_der_sitzung": sitzung.status in VOR_DER_SITZUNG,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_vertagen(request, pk, punkt_pk):
    akteur, sitzung = _qm_sitzung(request, pk)
    punkt = get_object_or_404(
        Tagesordnungspunkt.objects.select_related("antrag"), pk=punkt_pk, sitzung=sitzung
    )
    form = VertagenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.top_defer(punkt, akteur=akteur, grund=form.cleaned_data["grund"])
        except JuryRefused as fehler:
            refusal_to_form(form, fehler)
        else:
            messages.success(request, _("Der Antrag ist auf die nächste Sitzung vertagt."))
            if sitzung.status == SitzungStatus.GEHALTEN:
                return redirect("jury:qm_sitzungsmodus", pk=sitzung.pk)
            return redirect("jury:qm_tagesordnung", pk=sitzung.pk)
    return render(
        request,
        "jury/sitzungen/qm_vertagen.html",
        {"sitzung": sitzung, "punkt": punkt, "form": form, "form_has_errors": bool(form.errors)},
    )


# --- QM: meeting mode ----------------------------------------------------------------------------


def _anwesenheit_form(sitzung, data=None):
    zusammensetzung = services.jury_zusammensetzung(sitzung.quartier, day=sitzung.datum)
    teilnahmen = {t.mitglied_id: t for t in sitzung.teilnahmen.all()}
    if teilnahmen:
        anwesend = [pk for pk, t in teilnahmen.items() if t.anwesend]
        mitglieder, stellvertretungen = anwesend, anwesend
        vertretungen = {pk: t.vertritt_id for pk, t in teilnahmen.items() if t.vertritt_id}
    else:  # before attendance is taken: proposed from the apologies and the deputies' promises
        mitglieder, stellvertretungen, vertretungen = selectors.anwesenheit_vorschlag(
            sitzung, zusammensetzung.mitglieder, zusammensetzung.stellvertretungen
        )
    initial = {
        "mitglieder": [str(pk) for pk in mitglieder],
        "stellvertretungen": [str(pk) for pk in stellvertretungen],
        **{f"vertritt_{pk}": str(fuer) for pk, fuer in vertretungen.items()},
    }
    return AnwesenheitForm(
        data,
        initial=initial,
        mitglieder=zusammensetzung.mitglieder,
        stellvertretungen=zusammensetzung.stellvertretungen,
    )


def _punkt_form(sitzung, zeile, data=None):
    if zeile is None:
        return None
    punkt = zeile.punkt
    return PunktForm(
        data,
        prefix=f"p{punkt.pk}",
        waehler=zeile.waehler,
        ausgeschlossen=zeile.ausgeschlossen,
        namentlich=sitzung.namentlich,
        positionen=punkt.antrag.kostenpositionen.order_by("pk"),
        initial={"betrag": punkt.antrag.betrag_beantragt},
    )


def _anwesenheit_post(request, sitzung, akteur, formen):
    form = formen["anwesenheit"] = _anwesenheit_form(sitzung, request.POST)
    if not form.is_valid():
        return None
    services.anwesenheit_record(
        sitzung, akteur=akteur, anwesende=form.anwesende(), vertretungen=form.vertretungen()
    )
    messages.success(request, _("Die Anwesenheit ist erfasst."))
    return redirect(request.path + "#aktuell")


def _beschluss_post(request, sitzung, akteur, formen):
    aktuell = selectors.sitzungsmodus(sitzung)["aktuell"]
    if aktuell is None:
        raise Http404
    form = formen["beschluss"] = _punkt_form(sitzung, aktuell, request.POST)
    if not form.is_valid():
        return None
    data = form.cleaned_data
    punkt = services.top_decide(
        aktuell.punkt,
        akteur=akteur,
        praesentiert=data["praesentiert"],
        befangene=data["befangene"],
        betrag=data["betrag"],
        auflagen=data["auflagen"],
        begruendung=data["begruendung"],
        ja=data.get("ja"),
        nein=data.get("nein"),
        enthaltung=data.get("enthaltung"),
        stimmen=form.stimmen(),
        namentlich=form.namentlich,
        notiz=data.get("notiz", ""),
        kostenplan=form.kostenplan(),
    )
    messages.success(
        request,
        _("Punkt %(n)s: %(beschluss)s.")
        % {"n": punkt.position, "beschluss": punkt.get_beschluss_display()},
    )
    return redirect(request.path + "#aktuell")


def _protokoll_post(request, sitzung, akteur, formen):
    form = formen["protokoll"] = ProtokollForm(request.POST, instance=sitzung)
    if not form.is_valid():
        return None
    services.protokollangaben_save(sitzung, akteur=akteur, **form.cleaned_data)
    messages.success(request, _("Die Angaben für das Protokoll sind gespeichert."))
    return redirect(request.path + "#protokollangaben")


def _korrigieren_post(request, sitzung, akteur, formen):
    punkt = get_object_or_404(Tagesordnungspunkt, pk=request.POST.get("punkt"), sitzung=sitzung)
    services.top_correct(punkt, akteur=akteur)
    return redirect(request.path + "#aktuell")


def _schliessen_post(request, sitzung, akteur, formen):
    if request.POST.get("bestaetigt") != "1":
        messages.error(
            request,
            _(
                "Bitte bestätigen Sie, dass die Beschlüsse richtig erfasst sind. Nach dem "
                "Schließen lassen sie sich nicht mehr korrigieren."
            ),
        )
        return redirect(request.path + "#schliessen")
    punkte = services.sitzung_close(sitzung, akteur=akteur)
    nicht = [p for p in punkte if p.umgesetzt is False]
    if nicht:
        messages.warning(
            request,
            _("Die Sitzung ist abgeschlossen. Nicht umgesetzt: %(punkte)s")
            % {"punkte": "; ".join(f"{p.position}. {p.umsetzung_hinweis}" for p in nicht)},
        )
    else:
        messages.success(
            request,
            _("Die Sitzung ist abgeschlossen. Die Schreiben und E-Mails gehen heute raus."),
        )
    return redirect(request.path)


# The buttons of the meeting mode: each returns a redirect, or None to show the page again with
# its form (``formen``: the attendance form and the current item's form, as posted).
SITZUNGSMODUS_AKTIONEN = {
    "anwesenheit": _anwesenheit_post,
    "beschluss": _beschluss_post,
    "korrigieren": _korrigieren_post,
    "protokoll": _protokoll_post,
    "schliessen": _schliessen_post,
}


def _sitzungsmodus_post(request, sitzung, akteur, aktion, formen):
    """Do one button's action; a refusal goes on the posted form, else into a message."""
    handler = SITZUNGSMODUS_AKTIONEN.get(aktion)
    if handler is None:
        raise Http404
    try:
        return handler(request, sitzung, akteur, formen)
    except JuryRefused as fehler:
        form = formen.get(
            {"beschluss": "beschluss", "protokoll": "protokoll"}.get(aktion, "anwesenheit")
        )
        if form is not None:
            refusal_to_form(form, fehler)
        else:
            refusal_to_message(request, fehler)
        if aktion in ("schliessen", "korrigieren"):
            return redirect(request.path)
        return None


def _anwesenheit_shown(request, sitzung, anwesenheit_form, entschieden):
    """Attendance is shown before the meeting, after a refused entry, or on request until the
    first decision; never once the meeting is closed."""
    if sitzung.status == SitzungStatus.GESCHLOSSEN:
        return False
    return (
        sitzung.status != SitzungStatus.GEHALTEN
        or anwesenheit_form is not None
        or (request.GET.get("anwesenheit") == "1" and not entschieden)
    )


def _sitzungsmodus_render(request, sitzung, anwesenheit_form, punkt_form, protokoll_form=None):
    sitzung.refresh_from_db()
    modus = selectors.sitzungsmodus(sitzung)
    entschieden = any(z.punkt.beschluss not in ("", Beschluss.VERTAGT) for z in modus["zeilen"])
    zeige_anwesenheit = _anwesenheit_shown(request, sitzung, anwesenheit_form, entschieden)
    if zeige_anwesenheit and anwesenheit_form is None:
        anwesenheit_form = _anwesenheit_form(sitzung)
    if sitzung.status == SitzungStatus.GEHALTEN and punkt_form is None:
        punkt_form = _punkt_form(sitzung, modus["aktuell"])
    if sitzung.status == SitzungStatus.GEHALTEN and protokoll_form is None:
        protokoll_form = ProtokollForm(instance=sitzung)
    return render(
        request,
        "jury/sitzungen/qm_sitzungsmodus.html",
        {
            "sitzung": sitzung,
            **modus,
            "anwesenheit_form": anwesenheit_form if zeige_anwesenheit else None,
            "darf_anwesenheit_aendern": sitzung.status == SitzungStatus.GEHALTEN
            and not entschieden,
            "punkt_form": punkt_form,
            "protokoll_form": protokoll_form,
            "form_has_errors": bool(
                (punkt_form is not None and punkt_form.errors)
                or (anwesenheit_form is not None and anwesenheit_form.errors)
                or (protokoll_form is not None and protokoll_form.errors)
            ),
            "alle_entschieden": all(not z.punkt.ist_offen for z in modus["zeilen"]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_sitzungsmodus(request, pk):
    akteur, sitzung = _qm_sitzung(request, pk)
    aktion = request.POST.get("aktion", "") if request.method == "POST" else ""
    formen = {"anwesenheit": None, "beschluss": None, "protokoll": None}
    if aktion:
        response = _sitzungsmodus_post(request, sitzung, akteur, aktion, formen)
        if response is not None:
            return response
    return _sitzungsmodus_render(
        request, sitzung, formen["anwesenheit"], formen["beschluss"], formen["protokoll"]
    )


@login_required
def qm_praesentation(request, pk):
    """The current item for the projector: what the room needs to decide, no staff navigation.
    The operator keeps meeting mode open in another window; ``?punkt=<id>`` shows another item."""
    _akteur, sitzung = _qm_sitzung(request, pk)
    try:
        punkt_pk = int(request.GET.get("punkt", ""))
    except ValueError:
        punkt_pk = None
    kontext = selectors.praesentation_kontext(sitzung, punkt_pk)
    if kontext is None:
        raise Http404
    return render(request, "jury/sitzungen/praesentation.html", {"sitzung": sitzung, **kontext})


def _protokoll_download(sitzung):
    """The meeting's minutes PDF, named by area and day (QM's and the jury's download)."""
    return protokoll_response(
        sitzung.protokoll,
        f"protokoll-jurysitzung-{sitzung.quartier.code}-{sitzung.datum:%Y-%m-%d}.pdf",
    )


@login_required
def qm_sitzungsprotokoll(request, pk):
    if permissions.is_admin(Akteur.from_request(request)):  # admins read every area's minutes
        sitzung = get_object_or_404(Sitzung.objects.select_related("quartier"), pk=pk)
    else:
        sitzung = _qm_sitzung(request, pk)[1]
    return _protokoll_download(sitzung)


@login_required
def qm_zusammensetzung(request, quartier_pk):
    quartier = get_object_or_404(Quartier, pk=quartier_pk)
    akteur = Akteur.from_request(request)
    if not permissions.may_view_jury_of_area(akteur, quartier.pk):
        raise PermissionDenied(_("Dieses Quartier gehört nicht zu Ihnen."))
    return render(
        request,
        "jury/sitzungen/qm_zusammensetzung.html",
        {
            "quartier": quartier,
            "jury": services.jury_zusammensetzung(quartier),
            # former terms pile up over the years: pages of 50 as every staff list
            "weitere": seite_for(request, jurymitglieder_outside_term(quartier)),
            "heute": timezone.localdate(),
        },
    )


# --- Members -------------------------------------------------------------------------------------


def _lesbare_sitzung(request, pk):
    """The meeting, for QM staff of its area and its jury members who may read it now; None for
    a member of its jury who may not (yet); a 404 for anyone else (another area's meeting)."""
    sitzung = get_object_or_404(Sitzung.objects.select_related("quartier"), pk=pk)
    akteur = Akteur.from_request(request)
    if permissions.may_read_sitzung(akteur, sitzung):
        return sitzung
    if not permissions.is_jury_of_area(akteur, sitzung.quartier_id):
        raise Http404
    return None


@login_required
def sitzung(request, pk):
    sitzung = _lesbare_sitzung(request, pk)
    if sitzung is None:
        raise PermissionDenied(_("Diese Unterlagen sind nur für die Jury dieses Quartiers."))
    return render(
        request,
        "jury/sitzungen/sitzung.html",
        {
            "sitzung": sitzung,
            "punkte": list(sitzung.punkte.select_related("antrag").order_by("position", "pk")),
            "unterlagen_pdf": _unterlagen_pdf(sitzung),
            "absagen": selectors.absagen_for(sitzung, request.user),
            "vor_beginn": sitzung.status
            in (SitzungStatus.GEPLANT, SitzungStatus.UNTERLAGEN_VERSANDT),
        },
    )


@login_required
def sitzung_protokoll(request, pk):
    """The minutes of a closed meeting for its jury (and QM): never applicants' contact data."""
    sitzung = _lesbare_sitzung(request, pk)
    if sitzung is None or sitzung.status != SitzungStatus.GESCHLOSSEN or not sitzung.protokoll:
        raise Http404
    return _protokoll_download(sitzung)


@login_required
@require_POST
def sitzung_absagen(request, pk):
    """A member sends apologies for the meeting; the deputies are told at once."""
    sitzung = _lesbare_sitzung(request, pk)
    if sitzung is None:
        raise Http404
    try:
        services.absage_send(sitzung, user=request.user)
    except JuryRefused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request,
            _("Ihre Absage ist angekommen. Die Stellvertreter*innen wissen Bescheid."),
        )
    return redirect("jury:sitzung", pk=sitzung.pk)


@login_required
@require_POST
def sitzung_vertreten(request, pk, absage_pk):
    """A deputy confirms standing in for a member who sent apologies."""
    sitzung = _lesbare_sitzung(request, pk)
    if sitzung is None:
        raise Http404
    absage = get_object_or_404(sitzung.absagen.select_related("mitglied__user"), pk=absage_pk)
    try:
        absage = services.vertretung_confirm(absage, user=request.user)
    except JuryRefused as refused:
        refusal_to_message(request, refused)
    else:
        messages.success(
            request,
            _("Danke! Sie vertreten %(name)s in dieser Sitzung.")
            % {"name": absage.mitglied.anzeigename},
        )
    return redirect("jury:sitzung", pk=sitzung.pk)


@login_required
def sitzung_antrag(request, pk, antrag_pk):
    sitzung = _lesbare_sitzung(request, pk)
    if sitzung is None:
        raise PermissionDenied(_("Diese Unterlagen sind nur für die Jury dieses Quartiers."))
    punkt = selectors.antrag_on_tagesordnung(sitzung, antrag_pk)
    if punkt is None:
        raise Http404
    return render(
        request,
        "jury/sitzungen/antrag.html",
        {"sitzung": sitzung, "punkt": punkt, "a": selectors.antrag_for_jury(punkt.antrag)},
    )


@login_required
def sitzung_unterlagen(request, pk):
    sitzung = _lesbare_sitzung(request, pk)
    if sitzung is None:
        raise PermissionDenied(_("Diese Unterlagen sind nur für die Jury dieses Quartiers."))
    pdf = _unterlagen_pdf(sitzung)
    if not pdf.ist_fertig:  # the worker is making it: the meeting page says so
        return redirect(reverse("jury:sitzung", kwargs={"pk": sitzung.pk}) + "#unterlagen")
    return FileResponse(
        pdf.datei.open("rb"),
        as_attachment=True,
        filename=f"unterlagen-jurysitzung-{sitzung.quartier.code}-{sitzung.datum:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


def _unterlagen_pdf(sitzung):
    """The papers PDF of the current agenda in the page's language (German or English: a page in
    Turkish or Arabic gets the German papers); asked for if missing."""
    sprache = translation.get_language() or "de"
    if sprache not in settings.STAFF_LANGUAGES:
        sprache = settings.LANGUAGE_CODE
    return unterlagen.sitzungsunterlagen_request(sitzung, sprache)

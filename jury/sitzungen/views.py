"""Meeting pages. Views parse input, call one domain function in ``jury.sitzungen.services``,
render. QM: meetings, agenda, meeting mode, minutes, composition. Members: agenda, read-only
Anträge, papers PDF. Everyone signed in: the language of their e-mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antraege.models import Antrag, Quartier
from antraege.paginierung import seite_for
from antraege.roles import Akteur, is_qm_staff
from antraege.selectors.application import quartiere_for_staff
from antraege.views.refusals import refusal_to_form, refusal_to_message

from .. import selectors as jury_selectors
from ..mitglieder.selectors import jurymitglieder_ausser_term
from ..services import JuryRefused
from . import selectors, services, unterlagen
from .forms import AnwesenheitForm, KontospracheForm, PunktForm, SitzungForm, VertagenForm
from .models import Sitzung, SitzungStatus, Tagesordnungspunkt


def _qm_sitzung(request, pk):
    """``(akteur, sitzung)`` for QM staff of the meeting's area, else ``(akteur, None)``."""
    sitzung = get_object_or_404(Sitzung.objects.select_related("quartier"), pk=pk)
    akteur = Akteur.from_request(request)
    if not is_qm_staff(akteur, sitzung.quartier_id):
        return akteur, None
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
    if not is_qm_staff(akteur, quartier.pk):
        raise PermissionDenied(_("Dieses Quartier gehört nicht zu Ihnen."))
    form = SitzungForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sitzung = services.sitzung_anlegen(quartier, akteur=akteur, **form.cleaned_data)
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


@login_required
@require_http_methods(["GET", "POST"])
def qm_tagesordnung(request, pk):
    akteur, sitzung = _qm_sitzung(request, pk)
    if sitzung is None:
        raise PermissionDenied(_("Diese Sitzung gehört nicht zu Ihrem Quartier."))
    if request.method == "POST":
        aktion = request.POST.get("aktion", "")
        punkt = None
        if request.POST.get("punkt"):
            punkt = get_object_or_404(Tagesordnungspunkt, pk=request.POST["punkt"], sitzung=sitzung)
        try:
            if aktion in ("hoch", "runter") and punkt:
                services.top_verschieben(
                    punkt, akteur=akteur, richtung=-1 if aktion == "hoch" else 1
                )
            elif aktion == "entfernen" and punkt:
                services.top_entfernen(punkt, akteur=akteur)
            elif aktion == "hinzufuegen":
                antrag = get_object_or_404(
                    Antrag, pk=request.POST.get("antrag"), fonds__quartier_id=sitzung.quartier_id
                )
                services.top_hinzufuegen(sitzung, antrag, akteur=akteur)
            elif aktion == "vorschlagen":
                neu = services.tagesordnung_vorschlagen(sitzung)
                messages.success(request, _("%(n)s Anträge hinzugefügt.") % {"n": len(neu)})
            elif aktion == "unterlagen":
                n = unterlagen.sitzung_unterlagen_send(sitzung, akteur=akteur)
                messages.success(
                    request,
                    _("Die Unterlagen gehen an %(n)s Mitglieder und Stellvertretungen.") % {"n": n},
                )
            else:
                raise Http404
        except JuryRefused as fehler:
            refusal_to_message(request, fehler)
        anker = f"#punkt-{punkt.pk}" if punkt and aktion in ("hoch", "runter") else ""
        return redirect(request.path + anker)
    return render(
        request,
        "jury/sitzungen/qm_tagesordnung.html",
        {
            "sitzung": sitzung,
            "punkte": list(sitzung.punkte.select_related("antrag").order_by("position", "pk")),
            "vorschlaege": list(services.antraege_fuer_tagesordnung(sitzung)),
            "weitere": list(
                services.antraege_fuer_tagesordnung(sitzung, nur_bis_frist=False).select_related(
                    "fonds"
                )
            ),
            "frist_ende": services.frist_ende(sitzung.einreichungsfrist),
            "unterlagen_bis": services.unterlagen_versand_bis(sitzung),
            "unterlagen_pdf": _unterlagen_pdf(sitzung) if sitzung.punkte.exists() else None,
            "vor_der_sitzung": sitzung.status
            in (SitzungStatus.GEPLANT, SitzungStatus.UNTERLAGEN_VERSANDT),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_vertagen(request, pk, punkt_pk):
    akteur, sitzung = _qm_sitzung(request, pk)
    if sitzung is None:
        raise PermissionDenied(_("Diese Sitzung gehört nicht zu Ihrem Quartier."))
    punkt = get_object_or_404(
        Tagesordnungspunkt.objects.select_related("antrag"), pk=punkt_pk, sitzung=sitzung
    )
    form = VertagenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.top_vertagen(punkt, akteur=akteur, grund=form.cleaned_data["grund"])
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
    initial = {
        "mitglieder": [str(pk) for pk, t in teilnahmen.items() if t.anwesend],
        "stellvertretungen": [str(pk) for pk, t in teilnahmen.items() if t.anwesend],
        **{f"vertritt_{pk}": str(t.vertritt_id) for pk, t in teilnahmen.items() if t.vertritt_id},
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
        waehler=zeile.waehler + zeile.ausgeschlossen,
        namentlich=sitzung.namentlich,
        initial={"betrag": punkt.antrag.betrag_beantragt},
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_sitzungsmodus(request, pk):
    akteur, sitzung = _qm_sitzung(request, pk)
    if sitzung is None:
        raise PermissionDenied(_("Diese Sitzung gehört nicht zu Ihrem Quartier."))
    anwesenheit_form = punkt_form = None
    aktion = request.POST.get("aktion", "") if request.method == "POST" else ""
    modus = selectors.sitzungsmodus(sitzung)
    try:
        if aktion == "anwesenheit":
            anwesenheit_form = _anwesenheit_form(sitzung, request.POST)
            if anwesenheit_form.is_valid():
                services.anwesenheit_erfassen(
                    sitzung,
                    akteur=akteur,
                    anwesende=anwesenheit_form.anwesende(),
                    vertretungen=anwesenheit_form.vertretungen(),
                )
                messages.success(request, _("Die Anwesenheit ist erfasst."))
                return redirect(request.path + "#aktuell")
        elif aktion == "beschluss" and modus["aktuell"] is not None:
            punkt_form = _punkt_form(sitzung, modus["aktuell"], request.POST)
            if punkt_form.is_valid():
                data = punkt_form.cleaned_data
                punkt = services.top_beschliessen(
                    modus["aktuell"].punkt,
                    akteur=akteur,
                    praesentiert=data["praesentiert"],
                    befangene=data["befangene"],
                    betrag=data["betrag"],
                    auflagen=data["auflagen"],
                    begruendung=data["begruendung"],
                    ja=data.get("ja"),
                    nein=data.get("nein"),
                    enthaltung=data.get("enthaltung"),
                    stimmen=punkt_form.stimmen(),
                )
                messages.success(
                    request,
                    _("Punkt %(n)s: %(beschluss)s.")
                    % {"n": punkt.position, "beschluss": punkt.get_beschluss_display()},
                )
                return redirect(request.path + "#aktuell")
        elif aktion == "korrigieren":
            punkt = get_object_or_404(
                Tagesordnungspunkt, pk=request.POST.get("punkt"), sitzung=sitzung
            )
            services.top_korrigieren(punkt, akteur=akteur)
            return redirect(request.path + "#aktuell")
        elif aktion == "schliessen":
            punkte = services.sitzung_schliessen(sitzung, akteur=akteur)
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
        elif aktion:
            raise Http404
    except JuryRefused as fehler:
        target = punkt_form if aktion == "beschluss" else anwesenheit_form
        if target is not None:
            refusal_to_form(target, fehler)
        else:
            refusal_to_message(request, fehler)
        if aktion in ("schliessen", "korrigieren"):
            return redirect(request.path)
    sitzung.refresh_from_db()
    modus = selectors.sitzungsmodus(sitzung)
    entschieden = any(z.punkt.beschluss not in ("", "deferred") for z in modus["zeilen"])
    zeige_anwesenheit = sitzung.status != SitzungStatus.GESCHLOSSEN and (
        sitzung.status != SitzungStatus.GEHALTEN
        or anwesenheit_form is not None
        or (request.GET.get("anwesenheit") == "1" and not entschieden)
    )
    if zeige_anwesenheit and anwesenheit_form is None:
        anwesenheit_form = _anwesenheit_form(sitzung)
    if sitzung.status == SitzungStatus.GEHALTEN and punkt_form is None:
        punkt_form = _punkt_form(sitzung, modus["aktuell"])
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
            "form_has_errors": bool(
                (punkt_form is not None and punkt_form.errors)
                or (anwesenheit_form is not None and anwesenheit_form.errors)
            ),
            "alle_entschieden": all(not z.punkt.ist_offen for z in modus["zeilen"]),
        },
    )


@login_required
def qm_sitzungsprotokoll(request, pk):
    akteur, sitzung = _qm_sitzung(request, pk)
    if sitzung is None and not akteur.is_admin:
        raise PermissionDenied(_("Diese Sitzung gehört nicht zu Ihrem Quartier."))
    sitzung = sitzung or get_object_or_404(Sitzung, pk=pk)
    if not sitzung.protokoll:
        raise Http404(_("Das Protokoll wird noch erstellt."))
    return FileResponse(
        sitzung.protokoll.open("rb"),
        as_attachment=True,
        filename=f"protokoll-jurysitzung-{sitzung.quartier.code}-{sitzung.datum:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


@login_required
def qm_zusammensetzung(request, quartier_pk):
    quartier = get_object_or_404(Quartier, pk=quartier_pk)
    akteur = Akteur.from_request(request)
    if not (akteur.is_admin or is_qm_staff(akteur, quartier.pk)):
        raise PermissionDenied(_("Dieses Quartier gehört nicht zu Ihnen."))
    return render(
        request,
        "jury/sitzungen/qm_zusammensetzung.html",
        {
            "quartier": quartier,
            "jury": services.jury_zusammensetzung(quartier),
            "weitere": list(jurymitglieder_ausser_term(quartier)),
            "darf_verwalten": is_qm_staff(akteur, quartier.pk),
            "heute": timezone.localdate(),
        },
    )


# --- Members -------------------------------------------------------------------------------------


def _lesbare_sitzung(request, pk):
    sitzung = get_object_or_404(Sitzung.objects.select_related("quartier"), pk=pk)
    akteur = Akteur.from_request(request)
    if is_qm_staff(akteur, sitzung.quartier_id) or selectors.mitglied_darf_lesen(
        request.user, sitzung
    ):
        return sitzung
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
        },
    )


@login_required
def sitzung_antrag(request, pk, antrag_pk):
    sitzung = _lesbare_sitzung(request, pk)
    if sitzung is None:
        raise PermissionDenied(_("Diese Unterlagen sind nur für die Jury dieses Quartiers."))
    punkt = selectors.antrag_auf_tagesordnung(sitzung, antrag_pk)
    if punkt is None:
        raise Http404
    return render(
        request,
        "jury/sitzungen/antrag.html",
        {"sitzung": sitzung, "punkt": punkt, "a": selectors.antrag_fuer_jury(punkt.antrag)},
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
    """The papers PDF of the current agenda in the page's language; asked for if missing."""
    return unterlagen.sitzungsunterlagen_request(sitzung, translation.get_language() or "de")


@login_required
@require_http_methods(["GET", "POST"])
def kontosprache(request):
    form = KontospracheForm(
        request.POST or None, initial={"sprache": jury_selectors.kontosprache(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        services.kontosprache_setzen(request.user, form.cleaned_data["sprache"])
        with translation.override(form.cleaned_data["sprache"]):
            messages.success(request, _("Ihre Sprache für E-Mails ist gespeichert."))
        return redirect("jury:kontosprache")
    return render(
        request,
        "jury/sitzungen/kontosprache.html",
        {"form": form, "form_has_errors": bool(form.errors)},
    )

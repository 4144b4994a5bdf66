"""Resident pages: the application form in five steps, the check page, and "Mein Antrag".

Residents have no account: the session remembers which Anträge this browser may act on (the
draft it created, or the personal link it opened). Any other Antrag is a 404, and nothing changes.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jury.sitzungen.selectors import sitzungen_for_antraege, vorstellung_needed
from workflow.moves import MoveRefused, antrag_move, antrag_record_created, available_moves

from ... import zugriff
from ...datenschutz.adressen import adresse_confirm
from ...fonds.selectors import fristen
from ...geld.selectors.mein_geld import antrag_geld_fuer_antragsteller
from ...geld.views.abrechnung import DECISION_LETTERS
from ...models import Anhang, Antrag, AntragStatus, Quartier
from ...permissions import is_qm_staff
from ...ratelimit import entwurf_rate_allows, mail_rate_allows, zugangscode_rate_allows
from ...roles import Akteur, grant_applicant_access
from ...states import EVER_APPROVED_STATES
from ...web.fehler import link_ungueltig_response
from ...web.refusals import refusal_to_message
from ...zugang.links import (
    LinkRefused,
    antrag_from_link_token,
    antrag_from_zugangscode,
    link_fingerabdruck,
)
from ..forms.antrag import (
    ANZAHL_SCHRITTE,
    DECLARATION_LABELS,
    FIELD_STEPS,
    SCHRITTE,
    STEP_FORMS,
    AnhangForm,
    GebietForm,
    KostenForm,
    KostenpositionFormSet,
    NeuerLinkForm,
    UeberSieForm,
    ZugangscodeForm,
    field_anchor,
    field_label,
    kostenplan_formset,
)
from ..services import antrag as services
from ..services.anhang import UploadRefused, anhang_add, anhang_remove
from ..services.antrag import AntragRefused, BenachrichtigungRefused

LEERE_ZEILEN = 2  # empty cost plan rows offered below the filled ones
RATE_LIMIT_MESSAGE = gettext_lazy(
    "Wir haben an diese Adresse in der letzten Stunde schon mehrere E-Mails geschickt. Damit "
    "niemand mit diesem Formular fremde Postfächer füllen kann, schicken wir die nächste erst in "
    "einer Stunde. Bitte sehen Sie auch im Spam-Ordner nach. Ihre Angaben sind gespeichert."
)
ENTWURF_RATE_MESSAGE = gettext_lazy(
    "Von Ihrem Anschluss wurden in der letzten Stunde schon viele neue Anträge begonnen. Bitte "
    "versuchen Sie es in einer Stunde noch einmal oder machen Sie mit einem begonnenen Antrag "
    "weiter. Ihre Eingaben auf dieser Seite sind nicht verloren."
)
EINGANG_OHNE_MAIL_MESSAGE = gettext_lazy(
    "Ihr Antrag ist eingegangen. An Ihre E-Mail-Adresse gingen in der letzten Stunde schon "
    "mehrere E-Mails, deshalb schicken wir keine weitere Bestätigung. Diese Seite und „Mein "
    "Antrag“ zeigen Ihnen den Stand."
)


def _fonds_fuer_neuen_antrag(code):
    """The fund a new Antrag of the area ``code`` goes to today (next year's in December), or 404."""
    quartier = get_object_or_404(Quartier, code=code)
    fonds = fristen.fonds_fuer_neuen_antrag(quartier, timezone.localdate())
    if fonds is None:
        raise Http404
    return fonds


def _not_editable(request, antrag):
    messages.info(
        request,
        _("Ihr Antrag wurde bereits abgeschickt und kann jetzt nicht mehr geändert werden."),
    )
    return redirect("antraege:mein_antrag", pk=antrag.pk)


def _step_context(antrag, schritt, **extra):
    return {
        "antrag": antrag,
        "schritt": schritt,
        "schritte": SCHRITTE,
        "anzahl_schritte": ANZAHL_SCHRITTE,
        "schritt_titel": dict(SCHRITTE)[schritt],
        **extra,
    }


def _after_step(request, antrag, schritt):
    """Where "Weiter" leads: back to the check page when the applicant came from there."""
    if request.POST.get("von") == "pruefen" or schritt >= ANZAHL_SCHRITTE:
        return redirect("antraege:pruefen", pk=antrag.pk)
    return redirect("antraege:schritt", pk=antrag.pk, schritt=schritt + 1)


def _saved_for_later(request, antrag):
    if not mail_rate_allows(request, scope="entwurf", email=antrag.antragsteller_email):
        messages.info(request, RATE_LIMIT_MESSAGE)
        return redirect("antraege:gespeichert", pk=antrag.pk)
    try:
        services.antrag_draft_saved(antrag)
    except BenachrichtigungRefused as refused:
        messages.info(request, refused.message)
    return redirect("antraege:gespeichert", pk=antrag.pk)


# --- Start: choose the area, then step 1 creates the draft. ---

START_TOKENS_KEY = "antrag_start_tokens"


def _start_token_remember(request, token):
    """The first step's token belongs to the browser it was rendered for (the last ten)."""
    tokens = request.session.get(START_TOKENS_KEY, [])
    request.session[START_TOKENS_KEY] = [*tokens, str(token)][-10:]


def _start_token_known(request, token):
    return str(token) in request.session.get(START_TOKENS_KEY, [])


def antrag_neu(request):
    """Choose the area (the start page's form lands here), then go to step 1 of that area."""
    quartiere = fristen.quartiere_mit_offenem_fonds(timezone.localdate())
    form = GebietForm(request.GET or None, quartiere=quartiere)
    if form.is_bound and form.is_valid():
        return redirect("antraege:antrag_start", code=form.cleaned_data["quartier"].code)
    return render(
        request,
        "antraege/gebiet_waehlen.html",
        {"form": form, "form_has_errors": form.is_bound and bool(form.errors)},
    )


def antrag_start(request, code):
    """Step 1 of a new Antrag. The POST creates the draft; the token makes a double POST harmless."""
    fonds = _fonds_fuer_neuen_antrag(code)
    if request.method != "POST":
        token = uuid.uuid4()
        _start_token_remember(request, token)
        return _start_render(
            request,
            fonds,
            UeberSieForm(
                initial={"sprache": get_language()},
                papier=is_qm_staff(Akteur(request.user), fonds.quartier_id),
            ),
            token,
        )
    try:
        token = uuid.UUID(request.POST.get("submission_token", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Das Formular ist unvollständig. Bitte neu laden."))
    aktion = request.POST.get("aktion", "weiter")
    papier = is_qm_staff(Akteur(request.user), fonds.quartier_id)
    form = UeberSieForm(request.POST, partial=aktion == "spaeter", papier=papier)
    if not form.is_valid():
        return _start_render(request, fonds, form, token)
    try:
        antrag, created = _start_draft(request, fonds, token, form)
    except AntragRefused as refused:  # too many drafts for this address or client
        form.add_error(refused.field, refused.message)
        return _start_render(request, fonds, form, token, status=429)
    if created is None:
        return _not_editable(request, antrag)
    grant_applicant_access(request.session, antrag)
    if created:
        _start_record(request, antrag, fonds)
    if aktion == "spaeter":
        return _saved_for_later(request, antrag)
    return redirect("antraege:schritt", pk=antrag.pk, schritt=2)


def _start_render(request, fonds, form, token, *, status=200):
    return render(
        request,
        "antraege/schritt_formular.html",
        _step_context(
            None,
            1,
            form=form,
            fonds=fonds,
            submission_token=token,
            form_has_errors=bool(form.errors),
        ),
        status=status,
    )


def _start_draft(request, fonds, token, form):
    """The draft of this first step: ``(antrag, created)``; a double click or the back button to
    this page finds the same draft and stores the latest entries (``created`` False, or None when
    it was sent meanwhile). A token this browser was never given continues nobody's draft (404)."""
    if not _start_token_known(request, token):
        if services.antrag_draft_exists(submission_token=token):
            raise Http404
    if not services.antrag_draft_exists(submission_token=token) and not entwurf_rate_allows(
        request
    ):
        raise AntragRefused(ENTWURF_RATE_MESSAGE, "too_many_drafts", field=None)
    antrag, created = services.antrag_create_draft(
        fonds=fonds, submission_token=token, **form.felder()
    )
    if created:
        return antrag, True
    if antrag.fonds_id != fonds.pk:
        raise Http404
    try:
        services.antrag_update_step(antrag, felder=form.felder())
    except AntragRefused:
        if antrag.pk in Akteur.from_request(request).antrag_ids:
            return antrag, None
        raise Http404 from None
    return antrag, False


def _start_record(request, antrag, fonds):
    """The timeline's first entry; QM typing in a paper application marks it as one."""
    qm = Akteur(request.user)
    if is_qm_staff(qm, fonds.quartier_id):
        services.antrag_mark_paper(antrag)
        antrag_record_created(
            antrag,
            akteur=qm,
            kommentar=_("Papierantrag: vom Quartiersmanagement für die Antragstellenden erfasst."),
        )
    else:
        antrag_record_created(antrag, akteur=Akteur.from_request(request))


# --- Steps of an existing draft (or of an Antrag QM sent back for changes). ---


def antrag_schritt(request, pk, schritt):
    antrag = zugriff.antrag_for_applicant(Akteur.from_request(request), pk)
    if not services.antrag_is_editable(antrag):
        return _not_editable(request, antrag)
    if schritt == 3:
        return _schritt_kosten(request, antrag)
    if schritt == 4:
        return _schritt_anhaenge(request, antrag)
    form_class = STEP_FORMS.get(schritt)
    if form_class is None:
        raise Http404
    aktion = request.POST.get("aktion", "weiter")
    if request.method == "POST":
        form = form_class(request.POST, instance=antrag, partial=aktion == "spaeter")
        if form.is_valid():
            try:
                services.antrag_update_step(antrag, felder=form.felder())
            except AntragRefused:
                return _not_editable(request, antrag)
            if aktion == "spaeter":
                return _saved_for_later(request, antrag)
            return _after_step(request, antrag, schritt)
    else:
        form = form_class(instance=Antrag.objects.get(pk=antrag.pk))
    return render(
        request,
        "antraege/schritt_formular.html",
        _step_context(
            antrag,
            schritt,
            form=form,
            von=request.GET.get("von") or request.POST.get("von", ""),
            form_has_errors=bool(form.errors),
        ),
    )


def _schritt_kosten(request, antrag):
    kategorien = antrag.fonds.quartier.kostenkategorien.all()
    if request.method != "POST":
        form = KostenForm(instance=Antrag.objects.get(pk=antrag.pk))
        return _kosten_render(request, antrag, form, _kosten_formset(request, antrag, kategorien))
    aktion = request.POST.get("aktion", "weiter")
    formset = KostenpositionFormSet(
        request.POST, prefix="pos", form_kwargs={"kategorien": kategorien}
    )
    form = KostenForm(
        request.POST,
        instance=antrag,
        partial=aktion in ("spaeter", "zeile"),
        positionen=formset.positionen() if formset.is_valid() else None,
    )
    if not (form.is_valid() and formset.is_valid()):
        return _kosten_render(request, antrag, form, formset)
    positionen = formset.positionen()
    try:
        services.antrag_update_kosten(antrag, felder=form.felder(), positionen=positionen)
    except AntragRefused:
        return _not_editable(request, antrag)
    if aktion == "spaeter":
        return _saved_for_later(request, antrag)
    if aktion == "zeile":
        leer = formset.total_form_count() - len(positionen)
        url = reverse("antraege:schritt", kwargs={"pk": antrag.pk, "schritt": 3})
        von = "&von=pruefen" if request.POST.get("von") == "pruefen" else ""
        return redirect(f"{url}?zeilen={max(leer, 0) + 1}{von}#kostenplan")
    return _after_step(request, antrag, 3)


def _kosten_formset(request, antrag, kategorien):
    """The cost plan's lines as stored, and ``?zeilen=`` empty ones (1 to 20) to fill in."""
    try:
        leer = min(max(int(request.GET.get("zeilen", LEERE_ZEILEN)), 1), 20)
    except ValueError:
        leer = LEERE_ZEILEN
    initial = [
        {
            "kategorie": position.kategorie,
            "beschreibung": position.beschreibung,
            "menge": position.menge,
            "einzelpreis": position.einzelpreis,
        }
        for position in antrag.kostenpositionen.select_related("kategorie")
    ]
    return kostenplan_formset(extra=leer)(
        initial=initial, prefix="pos", form_kwargs={"kategorien": kategorien}
    )


def _kosten_render(request, antrag, form, formset):
    has_errors = bool(form.errors) or any(formset.errors) or bool(formset.non_form_errors())
    return render(
        request,
        "antraege/schritt_kosten.html",
        _step_context(
            antrag,
            3,
            form=form,
            formset=formset,
            kategorien=formset.form_kwargs["kategorien"],
            gesamtkosten=antrag.gesamtkosten,
            von=request.GET.get("von") or request.POST.get("von", ""),
            form_has_errors=has_errors,
        ),
    )


def _schritt_anhaenge(request, antrag):
    aktion = request.POST.get("aktion", "weiter")
    form = AnhangForm()
    if request.method == "POST":
        if aktion == "spaeter":
            return _saved_for_later(request, antrag)
        if aktion != "hochladen":
            return _after_step(request, antrag, 4)
        form = AnhangForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                anhang = anhang_add(
                    antrag, datei=form.cleaned_data["datei"], art=form.cleaned_data["art"]
                )
            except UploadRefused as error:
                form.add_error("datei", error.message)
            except AntragRefused:
                return _not_editable(request, antrag)
            else:
                messages.success(
                    request,
                    _("„%(name)s“ wurde hochgeladen.") % {"name": anhang.originalname},
                )
                url = reverse("antraege:schritt", kwargs={"pk": antrag.pk, "schritt": 4})
                von = "?von=pruefen" if request.POST.get("von") == "pruefen" else ""
                return redirect(url + von)
    return render(
        request,
        "antraege/schritt_anhaenge.html",
        _step_context(
            antrag,
            4,
            form=form,
            anhaenge=antrag.anhaenge.all(),
            upload_max=settings.UPLOAD_MAX_BYTES,
            von=request.GET.get("von") or request.POST.get("von", ""),
            form_has_errors=bool(form.errors),
        ),
    )


@require_POST
def anhang_entfernen(request, pk, anhang_pk):
    antrag = zugriff.antrag_for_applicant(Akteur.from_request(request), pk)
    anhang = get_object_or_404(Anhang, pk=anhang_pk, antrag=antrag)
    try:
        anhang_remove(anhang)
    except AntragRefused:
        return _not_editable(request, antrag)
    messages.success(request, _("„%(name)s“ wurde entfernt.") % {"name": anhang.originalname})
    return redirect("antraege:schritt", pk=antrag.pk, schritt=4)


# --- Check your answers, submit, confirmation. ---


def _zusammenfassung(antrag):
    """The applicant's entries by step, as (step, title, [(label, value, euro)]) for the check page.

    Every step gets its section, numbered as in the form (step 4, the attachments, has no rows:
    the page lists the files). The labels are the form's own, "freiwillig" included.
    """
    sections = []
    for schritt, titel in SCHRITTE:
        form_class = STEP_FORMS.get(schritt)
        if form_class is None:
            sections.append((schritt, titel, []))
            continue
        form = form_class(instance=antrag)
        rows = []
        for name in form_class.Meta.fields:
            field = Antrag._meta.get_field(name)
            value = getattr(antrag, name)
            label = form[name].label
            if name in DECLARATION_LABELS:
                value = _("bestätigt") if value else _("nicht bestätigt")
            elif field.many_to_many:
                value = ", ".join(h.anzeigename for h in value.all())
            else:
                if not form.fields[name].required:
                    label = f"{label} – {_('freiwillig')}"
                if field.choices:
                    value = getattr(antrag, f"get_{name}_display")()
                elif isinstance(value, bool):
                    value = _("Ja") if value else _("Nein")
                elif isinstance(value, datetime.date):
                    value = date_format(value, "DATE_FORMAT")
            rows.append((label, value, name in ("betrag_beantragt", "weitere_mittel")))
        sections.append((schritt, titel, rows))
    return sections


def _submission_error_links(antrag, errors):
    links = []
    for name, field_errors in errors.items():
        url = reverse("antraege:schritt", kwargs={"pk": antrag.pk, "schritt": FIELD_STEPS[name]})
        for message in field_errors:
            links.append((f"{url}?von=pruefen#{field_anchor(name)}", field_label(name), message))
    return links


def antrag_pruefen(request, pk):
    """ "Ihre Angaben prüfen": everything on one page; the POST submits (a second POST is harmless).

    The POST goes straight to the move, which reads the Antrag under its lock and checks that it
    is complete; only a refused submit reads it again, to say why.
    """
    if request.method == "POST":
        akteur = Akteur.from_request(request)
        if pk not in akteur.antrag_ids:
            raise Http404
        try:
            antrag = antrag_move(Antrag(pk=pk), "submit", akteur=akteur, reload=False)
        except Antrag.DoesNotExist as missing:
            raise Http404 from missing
        except MoveRefused as refused:
            return _pruefen_refused(request, pk, refused)
        if getattr(antrag, "eingang_ohne_mail", False):  # set by the submit move
            messages.info(request, EINGANG_OHNE_MAIL_MESSAGE)
        return redirect("antraege:eingereicht", pk=pk)
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    if not services.antrag_is_editable(antrag):
        return _not_editable(request, antrag)
    # What is still missing shows before "Antrag absenden", each linked to its step.
    errors = services.antrag_submission_errors(antrag)
    return _pruefen_page(request, antrag, _submission_error_links(antrag, errors))


def _pruefen_refused(request, pk, refused):
    """Why the submit was refused: a double click, no longer editable, or what is missing."""
    antrag = zugriff.antrag_for_applicant(Akteur.from_request(request), pk)
    if antrag.status == AntragStatus.SUBMITTED:
        # double click: the first POST submitted it, this one lands on the same confirmation
        return redirect("antraege:eingereicht", pk=antrag.pk)
    if not services.antrag_is_editable(antrag):
        return _not_editable(request, antrag)
    errors = services.antrag_submission_errors(antrag)
    if not errors:
        refusal_to_message(request, refused)
    return _pruefen_page(request, antrag, _submission_error_links(antrag, errors))


def _pruefen_page(request, antrag, fehler):
    positionen = antrag.kostenpositionen.select_related("kategorie")
    return render(
        request,
        "antraege/pruefen.html",
        {
            "antrag": antrag,
            "abschnitte": _zusammenfassung(antrag),
            "positionen": positionen,
            "gesamtkosten": antrag.gesamtkosten,
            "anhaenge": antrag.anhaenge.all(),
            "fehler": fehler,
            "form_has_errors": bool(fehler),
        },
    )


def antrag_eingereicht(request, pk):
    antrag = zugriff.antrag_for_applicant(Akteur.from_request(request), pk)
    if not antrag.referenz:
        return redirect("antraege:mein_antrag", pk=antrag.pk)
    return render(request, "antraege/eingereicht.html", {"antrag": antrag})


def antrag_gespeichert(request, pk):
    antrag = zugriff.antrag_for_applicant(Akteur.from_request(request), pk)
    return render(request, "antraege/gespeichert.html", {"antrag": antrag})


# --- Mein Antrag ---


def mein_antrag_liste(request):
    akteur = Akteur.from_request(request)
    antraege = Antrag.objects.filter(pk__in=akteur.antrag_ids).select_related("fonds__quartier")
    return render(request, "antraege/mein_antrag_liste.html", {"antraege": antraege})


def mein_antrag(request, pk):
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    moves = dict(available_moves(antrag, akteur))
    geld, auflagen = antrag_geld_fuer_antragsteller(antrag)
    sitzung = (
        sitzungen_for_antraege([antrag]).get(antrag.pk)
        if antrag.status == AntragStatus.JURY_VOTE
        else None
    )
    return render(
        request,
        "antraege/mein_antrag_detail.html",
        {
            "antrag": antrag,
            "timeline": services.antrag_timeline_for_applicant(antrag),
            "nachricht": services.antrag_change_request_message(antrag)
            if antrag.status == AntragStatus.CHANGES_REQUESTED
            else "",
            "bearbeitbar": services.antrag_is_editable(antrag),
            "kann_zurueckziehen": "withdraw" in moves,
            "positionen": antrag.kostenpositionen.select_related("kategorie"),
            # next step after the decision: the settlement page and the letters
            "abrechnung_sichtbar": antrag.status in EVER_APPROVED_STATES,
            "schreiben": antrag.dokumente.filter(art__in=DECISION_LETTERS),
            "geld": geld,
            "auflagen": auflagen,
            # the meeting that will decide it (the invitation e-mail says the same)
            "sitzung": sitzung,
            "vorstellung_noetig": sitzung is not None and vorstellung_needed(sitzung, antrag),
        },
    )


def antrag_zurueckziehen(request, pk):
    """Withdraw, after a confirmation page (a link alone never withdraws)."""
    akteur = Akteur.from_request(request)
    antrag = zugriff.antrag_for_applicant(akteur, pk)
    if request.method == "POST":
        try:
            antrag = antrag_move(antrag, "withdraw", akteur=akteur)
        except MoveRefused as refused:
            refusal_to_message(request, refused)
        else:
            # withdrawing revoked every link; the browser that withdrew keeps its access
            antrag.refresh_from_db(fields=["link_version"])
            grant_applicant_access(request.session, antrag)
            messages.success(
                request,
                _(
                    "Ihr Antrag ist zurückgezogen. Sie müssen nichts mehr tun. Sie können "
                    "jederzeit einen neuen Antrag stellen."
                ),
            )
        return redirect("antraege:mein_antrag", pk=antrag.pk)
    if "withdraw" not in dict(available_moves(antrag, akteur)):
        messages.error(request, _("Dieser Antrag kann nicht mehr zurückgezogen werden."))
        return redirect("antraege:mein_antrag", pk=antrag.pk)
    return render(request, "antraege/zurueckziehen.html", {"antrag": antrag})


def neuer_link(request):
    """Ask for a new personal link. The answer is the same whether the address is known or not."""
    form = NeuerLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not mail_rate_allows(request, scope="neuer_link", email=form.cleaned_data["email"]):
            return render(
                request,
                "antraege/neuer_link.html",
                {"form": form, "hinweis": RATE_LIMIT_MESSAGE},
                status=429,
            )
        services.antrag_links_send(email=form.cleaned_data["email"])
        return render(
            request, "antraege/neuer_link_gesendet.html", {"email": form.cleaned_data["email"]}
        )
    return render(
        request,
        "antraege/neuer_link.html",
        {"form": form, "form_has_errors": bool(form.errors)},
    )


def sprache_merken(response, sprache):
    """The applicant's language (stored with the Antrag) for this browser's pages, whatever the
    browser says: the same cookie the language switch sets, so the switch still changes it."""
    if sprache not in dict(settings.LANGUAGES):
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        sprache,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def link(request, token):
    """Exchange the link's token for the session, then leave the token-bearing address at once: the
    token stays out of the address bar, the history, the Referer and later requests' logs."""
    try:
        antrag = antrag_from_link_token(token)
    except LinkRefused as error:
        response = link_ungueltig_response(request, grund=str(error))
    else:
        # A new session key: a key planted in this browser before cannot ride on the link.
        request.session.cycle_key()
        grant_applicant_access(request.session, antrag)
        adresse_confirm(antrag, fingerabdruck=link_fingerabdruck(token))
        response = redirect("antraege:mein_antrag", pk=antrag.pk)
        sprache_merken(response, antrag.sprache)
    response["Referrer-Policy"] = "no-referrer"
    return response


def zugangscode(request):
    """Residents without e-mail open their Antrag with the reference and the code of our letter
    (``zugang.links.antrag_zugangscode``): the link's twin, rate-limited per client and reference."""
    form = ZugangscodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        referenz = form.cleaned_data["referenz"]
        if not zugangscode_rate_allows(request, referenz=referenz):
            form.add_error(
                None,
                _(
                    "Zu viele Versuche mit diesem Aktenzeichen oder von diesem Gerät. Bitte "
                    "versuchen Sie es in einer Stunde wieder oder rufen Sie das "
                    "Quartiersmanagement an."
                ),
            )
            status = 429
        else:
            try:
                antrag = antrag_from_zugangscode(referenz, form.cleaned_data["code"])
            except LinkRefused as error:
                form.add_error(None, str(error))
                status = 400
            else:
                request.session.cycle_key()
                grant_applicant_access(request.session, antrag)
                response = redirect("antraege:mein_antrag", pk=antrag.pk)
                sprache_merken(response, antrag.sprache)
                return response
    return render(
        request,
        "antraege/zugangscode.html",
        {"form": form, "form_has_errors": bool(form.errors)},
        status=status,
    )


@require_POST
def abmelden(request):
    """The applicant leaves: this browser forgets every Antrag it held (a new link lets them in)."""
    request.session.flush()
    messages.success(
        request,
        _("Sie sind abgemeldet. Mit dem Link aus Ihrer E-Mail kommen Sie wieder zu Ihrem Antrag."),
    )
    return redirect("start")

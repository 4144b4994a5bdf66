"""QM's pages to manage the jury of its area: appoint, correct, end a term. The overview is the
composition page (``jury.sitzungen.views.qm_zusammensetzung``). QM staff of the area only (2FA as on
every staff page); a QM of another area gets 403 as on the other jury pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antraege import permissions
from antraege.models import Quartier
from antraege.roles import Akteur
from antraege.web.refusals import refusal_to_form

from ..abstimmungen.services import JuryRefused
from ..sitzungen.services import jury_zusammensetzung
from . import services
from .forms import AmtszeitEndeForm, JurymitgliedForm, KontospracheForm, PasswortSetzenForm
from .models import Jurymitglied
from .selectors import kontosprache


def _qm_quartier(request, quartier_pk):
    quartier = get_object_or_404(Quartier, pk=quartier_pk)
    akteur = Akteur.from_request(request)
    if not permissions.may_manage_jury_of_area(akteur, quartier.pk):
        raise PermissionDenied(_("Diese Jury gehört nicht zu Ihrem Quartier."))
    return akteur, quartier


def _zur_uebersicht(request, quartier):
    """Back to the composition page; the warning stays in view when the jury is too small."""
    jury = jury_zusammensetzung(quartier)
    if jury.zu_klein:
        messages.warning(
            request,
            _("Die Jury hat nur %(n)s Mitglieder (mindestens %(m)s).")
            % {"n": len(jury.mitglieder), "m": jury.mindestgroesse},
        )
    return redirect("jury:qm_zusammensetzung", quartier_pk=quartier.pk)


def _formular_seite(request, quartier, form, *, aktion, erfolg, template, context):
    """One POST shape for the three forms: a valid form calls ``aktion(cleaned_data)``; a refusal
    goes onto the form (the page re-rendered with every entry kept, 400/409), success is a message
    (``erfolg(result, cleaned_data)``) on the composition page."""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ergebnis = aktion(form.cleaned_data)
        except JuryRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(request, erfolg(ergebnis, form.cleaned_data))
            return _zur_uebersicht(request, quartier)
    return render(
        request,
        template,
        {**context, "quartier": quartier, "form": form, "form_has_errors": bool(form.errors)},
        status=max(status, 400) if form.errors else status,
    )


def _mitglied(quartier, pk):
    return get_object_or_404(Jurymitglied.objects.select_related("user"), pk=pk, quartier=quartier)


@login_required
@require_http_methods(["GET", "POST"])
def qm_mitglied_neu(request, quartier_pk):
    akteur, quartier = _qm_quartier(request, quartier_pk)
    return _formular_seite(
        request,
        quartier,
        JurymitgliedForm(request.POST or None, initial={"beginn": timezone.localdate()}),
        aktion=lambda daten: services.jurymitglied_appoint(quartier, akteur=akteur, **daten),
        erfolg=lambda mitglied, _daten: (
            _("%(name)s gehört ab %(datum)s zur Jury.")
            % {
                "name": mitglied.user.get_full_name(),
                "datum": date_format(mitglied.beginn, "DATE_FORMAT"),
            }
        ),
        template="jury/mitglieder/formular.html",
        context={"mitglied": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_mitglied_bearbeiten(request, quartier_pk, pk):
    akteur, quartier = _qm_quartier(request, quartier_pk)
    mitglied = _mitglied(quartier, pk)
    initial = {
        "vorname": mitglied.user.first_name,
        "nachname": mitglied.user.last_name,
        "email": mitglied.user.email,
        "sprache": kontosprache(mitglied.user),
        "rolle": mitglied.rolle,
        "beginn": mitglied.beginn,
        "ende": mitglied.ende,
        "gewaehlt_am": mitglied.gewaehlt_am,
    }
    return _formular_seite(
        request,
        quartier,
        JurymitgliedForm(request.POST or None, initial=initial, mit_bestaetigung=False),
        aktion=lambda daten: services.jurymitglied_update(mitglied, akteur=akteur, **daten),
        erfolg=lambda _ergebnis, _daten: _("Die Angaben sind gespeichert."),
        template="jury/mitglieder/formular.html",
        context={"mitglied": mitglied},
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_mitglied_beenden(request, quartier_pk, pk):
    akteur, quartier = _qm_quartier(request, quartier_pk)
    mitglied = _mitglied(quartier, pk)
    return _formular_seite(
        request,
        quartier,
        AmtszeitEndeForm(request.POST or None, initial={"ende": timezone.localdate()}),
        aktion=lambda daten: services.jurymitglied_end(mitglied, akteur=akteur, ende=daten["ende"]),
        erfolg=lambda _ergebnis, daten: (
            _("Die Amtszeit von %(name)s endet am %(datum)s.")
            % {
                "name": mitglied.user.get_full_name(),
                "datum": date_format(daten["ende"], "DATE_FORMAT"),
            }
        ),
        template="jury/mitglieder/beenden.html",
        context={"mitglied": mitglied},
    )


@login_required
@require_http_methods(["POST"])
def qm_mitglied_einladen(request, quartier_pk, pk):
    """Send the invitation (set your password) again, e.g. after its link expired."""
    akteur, quartier = _qm_quartier(request, quartier_pk)
    mitglied = _mitglied(quartier, pk)
    if services.jurymitglied_invite(mitglied, akteur=akteur) is None:
        messages.info(request, _("Das Konto hat schon ein Passwort."))
    else:
        messages.success(
            request,
            _("Die Einladung ist an %(email)s unterwegs.") % {"email": mitglied.user.email},
        )
    return redirect("jury:qm_zusammensetzung", quartier_pk=quartier.pk)


# --- The member: set the password of the account QM made ----------------------------------------

passwort_setzen = auth_views.PasswordResetConfirmView.as_view(
    template_name="jury/mitglieder/passwort_setzen.html",
    form_class=PasswortSetzenForm,
    success_url=reverse_lazy("jury:passwort_gesetzt"),
)
passwort_gesetzt = auth_views.PasswordResetCompleteView.as_view(
    template_name="jury/mitglieder/passwort_gesetzt.html"
)


@login_required
@require_http_methods(["GET", "POST"])
def kontosprache_edit(request):
    form = KontospracheForm(request.POST or None, initial={"sprache": kontosprache(request.user)})
    if request.method == "POST" and form.is_valid():
        services.kontosprache_set(request.user, form.cleaned_data["sprache"])
        with translation.override(form.cleaned_data["sprache"]):
            messages.success(request, _("Ihre Sprache für E-Mails ist gespeichert."))
        return redirect("jury:kontosprache")
    return render(
        request,
        "jury/mitglieder/kontosprache.html",
        {"form": form, "form_has_errors": bool(form.errors)},
    )

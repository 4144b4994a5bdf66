"""QM's pages to manage the jury of its area: appoint, correct, end a term. The overview is the
composition page (``jury.sitzungen.views.qm_zusammensetzung``). QM staff of the area only (2FA as on
every staff page); a QM of another area gets 403 as on the other jury pages."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from antraege.models import Quartier
from antraege.roles import Akteur, is_qm_staff
from antraege.views.refusals import refusal_to_form

from ..models import Jurymitglied
from ..selectors import kontosprache
from ..services import JuryRefused
from ..sitzungen.services import jury_zusammensetzung
from . import services
from .forms import AmtszeitEndeForm, JurymitgliedForm, PasswortSetzenForm


def _qm_quartier(request, quartier_pk):
    quartier = get_object_or_404(Quartier, pk=quartier_pk)
    akteur = Akteur.from_request(request)
    if not is_qm_staff(akteur, quartier.pk):
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


def _render_form(request, template, context, form, status=200):
    return render(
        request,
        template,
        {**context, "form": form, "form_has_errors": bool(form.errors)},
        status=status if not form.errors else max(status, 400),
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_mitglied_neu(request, quartier_pk):
    akteur, quartier = _qm_quartier(request, quartier_pk)
    form = JurymitgliedForm(request.POST or None, initial={"beginn": timezone.localdate()})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            mitglied = services.jurymitglied_appoint(quartier, akteur=akteur, **form.cleaned_data)
        except JuryRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(
                request,
                _("%(name)s gehört ab %(datum)s zur Jury.")
                % {"name": mitglied.user.get_full_name(), "datum": f"{mitglied.beginn:%d.%m.%Y}"},
            )
            return _zur_uebersicht(request, quartier)
    return _render_form(
        request,
        "jury/mitglieder/formular.html",
        {"quartier": quartier, "mitglied": None},
        form,
        status,
    )


def _mitglied(quartier, pk):
    return get_object_or_404(Jurymitglied.objects.select_related("user"), pk=pk, quartier=quartier)


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
    form = JurymitgliedForm(request.POST or None, initial=initial, mit_bestaetigung=False)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.jurymitglied_update(mitglied, akteur=akteur, **form.cleaned_data)
        except JuryRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(request, _("Die Angaben sind gespeichert."))
            return _zur_uebersicht(request, quartier)
    return _render_form(
        request,
        "jury/mitglieder/formular.html",
        {"quartier": quartier, "mitglied": mitglied},
        form,
        status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def qm_mitglied_beenden(request, quartier_pk, pk):
    akteur, quartier = _qm_quartier(request, quartier_pk)
    mitglied = _mitglied(quartier, pk)
    form = AmtszeitEndeForm(request.POST or None, initial={"ende": timezone.localdate()})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.jurymitglied_end(mitglied, akteur=akteur, ende=form.cleaned_data["ende"])
        except JuryRefused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(
                request,
                _("Die Amtszeit von %(name)s endet am %(datum)s.")
                % {
                    "name": mitglied.user.get_full_name(),
                    "datum": f"{form.cleaned_data['ende']:%d.%m.%Y}",
                },
            )
            return _zur_uebersicht(request, quartier)
    return _render_form(
        request,
        "jury/mitglieder/beenden.html",
        {"quartier": quartier, "mitglied": mitglied},
        form,
        status,
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

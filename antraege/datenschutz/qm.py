"""QM staff page of data protection: the access export (Art. 15 DSGVO) of one applicant."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .. import permissions
from ..roles import Akteur
from ..web.forms import KernForm
from ..web.refusals import refusal_to_form
from .auskunft import AuskunftRefused, auskunft_create


class AuskunftForm(KernForm):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person"),
        help_text=_("Die Adresse, die die Person in ihren Anträgen angegeben hat."),
    )
    nachweis = forms.CharField(
        label=_("Wie wurde die Identität geprüft?"),
        max_length=200,
        help_text=_("Zum Beispiel: Personalausweis im QM-Büro vorgelegt am 01.12.2026."),
    )
    identitaet_geprueft = forms.BooleanField(
        label=_(
            "Ich habe geprüft, dass die anfragende Person die Inhaberin dieser Adresse ist. "
            "Der Export wird protokolliert."
        ),
        error_messages={"required": _("Bitte bestätigen Sie die Prüfung der Identität.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def auskunft(request):
    """QM staff export everything stored about an applicant of their area(s) as one ZIP."""
    akteur = Akteur.from_request(request)
    if not permissions.is_qm_staff_anywhere(akteur):
        raise PermissionDenied
    form = AuskunftForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = auskunft_create(
                    email=form.cleaned_data["email"],
                    akteur=akteur,
                    identitaet_geprueft=form.cleaned_data["identitaet_geprueft"],
                    nachweis=form.cleaned_data["nachweis"],
                )
            except AuskunftRefused as refused:
                status = refusal_to_form(form, refused)
            else:
                response = HttpResponse(result.inhalt, content_type="application/zip")
                response["Content-Disposition"] = f'attachment; filename="{result.dateiname}"'
                response["Cache-Control"] = "private, no-store"
                return response
    return render(
        request,
        "qm/auskunft.html",
        {"form": form, "form_has_errors": bool(form.errors)},
        status=status,
    )

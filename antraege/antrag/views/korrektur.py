"""QM's page to correct an Antrag's data after the jury (with a reason, in the timeline)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ... import zugriff
from ...web.refusals import form_submit
from ..forms.korrektur import KorrekturForm
from ..services.korrektur import antrag_correct, antrag_korrigierbar
from .qm import staff_required


def _seite(request, antrag, akteur, name, form, status=200):
    return render(
        request,
        "qm/antrag_korrigieren.html",
        {
            "antrag": antrag,
            "form": form,
            "form_has_errors": bool(form.errors),
            "moeglich": antrag_korrigierbar(antrag),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def antrag_korrigieren(request, pk):
    akteur = request.akteur
    antrag = zugriff.antrag_for_qm(akteur, pk)
    if request.method == "GET":
        return _seite(request, antrag, akteur, "korrektur", KorrekturForm(instance=antrag))
    # a fresh instance: the form must not write into the Antrag the service locks and compares
    form = KorrekturForm(request.POST, instance=zugriff.antrag_for_qm(akteur, pk))
    return form_submit(
        request,
        antrag,
        akteur,
        form,
        "korrektur",
        lambda daten: antrag_correct(
            antrag, akteur=akteur, grund=daten["grund"], werte=form.werte()
        ),
        done=_("Die Angaben sind korrigiert. Die antragstellende Person wird benachrichtigt."),
        back="qm:antrag_detail",
        error_page=_seite,
    )

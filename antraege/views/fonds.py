"""QM pages about the fund as a whole and the programme's reporting: the fund report page with its
picture, the year-end close, and QM's check of an Antrag's fields of action."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms_oeffentlich import HandlungsfelderForm
from ..handlungsfelder import HandlungsfelderRefused, handlungsfelder_check
from .qm import _detail_context, _staff_antrag, staff_required


@require_POST
@staff_required
def antrag_handlungsfelder(request, pk):
    """QM's check of the fields of action: store the corrected choice, back to the detail page."""
    akteur = request.akteur
    antrag = _staff_antrag(akteur, pk)
    form = HandlungsfelderForm(request.POST, antrag=antrag)
    if form.is_valid():
        try:
            handlungsfelder_check(
                antrag, akteur=akteur, handlungsfelder=form.cleaned_data["handlungsfelder"]
            )
        except HandlungsfelderRefused as refused:
            if refused.code == "forbidden":
                raise PermissionDenied from refused
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Die Handlungsfelder sind gespeichert."))
            return redirect("qm:antrag_detail", pk=antrag.pk)
    context = _detail_context(akteur, antrag)
    context.update({"handlungsfelder_form": form, "form": form, "form_has_errors": True})
    return render(request, "qm/antrag_detail.html", context, status=400)

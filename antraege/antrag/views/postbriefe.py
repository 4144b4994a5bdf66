"""QM's postal queue page: the waiting letters, one PDF to print, "posted" to record them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ...dokumente.selectors import postbriefe_offen
from ...dokumente.services import postbriefe_mark_posted, postbriefe_pdf
from ...mail.messages import render as mail_render
from .qm import staff_required


def _ids(request):
    return [int(v) for v in request.POST.getlist("brief") if v.isdigit()]


@staff_required
def postbriefe(request):
    briefe = list(postbriefe_offen(request.akteur.qm_quartier_ids))
    for brief in briefe:
        # what the letter is about: its subject as printed (the applicant's language)
        brief.betreff_anzeige = mail_render(brief)[0]
    return render(request, "qm/postbriefe.html", {"briefe": briefe})


@staff_required
@require_POST
def postbriefe_drucken(request):
    """The chosen waiting letters as one PDF (nothing is marked: printing may fail)."""
    rows = list(postbriefe_offen(request.akteur.qm_quartier_ids).filter(pk__in=_ids(request)))
    if not rows:
        messages.error(request, _("Bitte wählen Sie mindestens einen Brief aus."))
        return redirect("qm:postbriefe")
    response = HttpResponse(postbriefe_pdf(rows), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="briefe-per-post.pdf"'
    return response


@staff_required
@require_POST
def postbriefe_versandt(request):
    anzahl = postbriefe_mark_posted(request.akteur, _ids(request))
    messages.success(
        request,
        ngettext(
            "%(anzahl)s Brief als versandt vermerkt.",
            "%(anzahl)s Briefe als versandt vermerkt.",
            anzahl,
        )
        % {"anzahl": anzahl},
    )
    return redirect("qm:postbriefe")

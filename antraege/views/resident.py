"""Resident pages (placeholder until the form lands)."""

from django.shortcuts import redirect, render

from ..links import LinkUngueltig, antrag_from_link_token
from ..roles import grant_applicant_access


def mein_antrag_liste(request):
    return render(request, "antraege/mein_antrag_liste.html", {})


def link(request, token):
    try:
        antrag = antrag_from_link_token(token)
    except LinkUngueltig as error:
        return render(request, "antraege/link_ungueltig.html", {"grund": str(error)}, status=410)
    grant_applicant_access(request.session, antrag)
    return redirect("antraege:mein_antrag_liste")

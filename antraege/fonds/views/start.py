"""Pages for everyone: start page, accessibility statement, the role-based landing after login."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from ... import permissions
from ...models import Quartier
from ...roles import Akteur
from ..selectors import fristen


def start(request):
    """The start page: what the fund is, and each area that takes applications today (next
    year's fund in December) with its jury's next meeting and submission deadline; what is never
    funded comes from the areas' cost categories."""
    from ..selectors.kosten import ausschluesse_fuer_gebiete

    heute = timezone.localdate()
    fonds_liste = fristen.offene_fonds(heute)
    sitzungen = fristen.naechste_sitzungen([f.quartier_id for f in fonds_liste], heute)
    gebiete = [
        {
            "fonds": fonds,
            "quartier": fonds.quartier,
            "fruehester_beginn": fristen.fruehester_beginn(fonds.quartier, heute),
            "sitzung": sitzungen.get(fonds.quartier_id),
        }
        for fonds in fonds_liste
    ]
    return render(
        request,
        "antraege/start.html",
        {
            "quartiere": [g["quartier"] for g in gebiete],
            "gebiete": gebiete,
            "ausschluesse": ausschluesse_fuer_gebiete(g["quartier"].pk for g in gebiete),
        },
    )


def barrierefreiheit(request):
    """The accessibility statement (BITV 2.0) with the feedback contacts: general and each QM office."""
    quartiere = Quartier.objects.order_by("name").only("name", "qm_buero_name", "qm_email")
    return render(
        request,
        "barrierefreiheit.html",
        {"quartiere": quartiere, "kontakt_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )


def leichte_sprache(request):
    """The fund explained in plain language: short sentences, one idea per line."""
    return render(request, "antraege/leichte_sprache.html")


@login_required
def home(request):
    """Send each role to its own start: QM staff and admins to the dashboard, jury to its votes."""
    user = request.user
    if permissions.is_staff(Akteur(user)):
        return redirect("qm:dashboard")
    if hasattr(user, "jurymitgliedschaften") and user.jurymitgliedschaften.exists():
        return redirect("jury:home")
    return render(request, "antraege/keine_rolle.html", status=403)

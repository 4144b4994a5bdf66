"""Pages of data protection: the privacy notice (everyone) and the access export (QM staff)."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..models import Quartier


@require_GET
def datenschutzhinweise(request):
    """The information notice of Art. 13 DSGVO, with the retention periods of the settings."""
    quartiere = Quartier.objects.order_by("name").only(
        "name", "qm_buero_name", "qm_anschrift", "qm_email"
    )
    return render(
        request,
        "datenschutz/hinweise.html",
        {
            "quartiere": quartiere,
            "kontakt_email": settings.DATENSCHUTZ_KONTAKT_EMAIL,
            "tage_entwurf": settings.AUFBEWAHRUNG_TAGE_ENTWURF,
            "jahre_abgelehnt": settings.AUFBEWAHRUNG_JAHRE_ABGELEHNT,
            "jahre_ausgezahlt": settings.AUFBEWAHRUNG_JAHRE_NACH_AUSZAHLUNG,
        },
    )

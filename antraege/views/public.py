"""Pages for everyone: start page, accessibility statement, the role-based landing after login."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from ..models import Quartier


def start(request):
    quartiere = Quartier.objects.filter(fonds__jahr=timezone.localdate().year).order_by("name")
    return render(request, "antraege/start.html", {"quartiere": quartiere})


def barrierefreiheit(request):
    return render(request, "barrierefreiheit.html")


@login_required
def home(request):
    """Send each role to its own start: QM staff and admins to the dashboard, jury to its votes."""
    user = request.user
    if user.is_superuser or user.qm_quartiere.exists():
        return redirect("qm:dashboard")
    if hasattr(user, "jurymitgliedschaften") and user.jurymitgliedschaften.exists():
        return redirect("jury:home")
    return render(request, "antraege/keine_rolle.html", status=403)

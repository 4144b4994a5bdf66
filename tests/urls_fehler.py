"""The project's URLs plus views that fail, for the 400 and 500 page tests."""

from django.core.exceptions import SuspiciousOperation
from django.urls import path

from aktionsfonds.urls import *  # noqa: F403
from aktionsfonds.urls import urlpatterns as project_urlpatterns


def kaputt(request):
    raise RuntimeError("a bug")


def kaputte_anfrage(request):
    raise SuspiciousOperation("a request we cannot read")


urlpatterns = [
    path("kaputt/", kaputt),
    path("kaputte-anfrage/", kaputte_anfrage),
    *project_urlpatterns,
]

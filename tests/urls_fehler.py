"""The project's URLs plus one view that fails, for the 500 page test."""

from django.urls import path

from aktionsfonds.urls import *  # noqa: F403
from aktionsfonds.urls import urlpatterns as project_urlpatterns


def kaputt(request):
    raise RuntimeError("a bug")


urlpatterns = [path("kaputt/", kaputt), *project_urlpatterns]

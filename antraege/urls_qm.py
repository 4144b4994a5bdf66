"""QM staff pages: dashboard, Antrag detail and the moves of the formal check."""

from django.urls import path

from .views import qm

app_name = "qm"

urlpatterns = [
    path("", qm.dashboard, name="dashboard"),
]

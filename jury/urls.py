"""Jury pages for members (ballots) and for QM (opening, meeting, progress, minutes, rules)."""

from django.urls import path

from . import views

app_name = "jury"

urlpatterns = [
    path("", views.home, name="home"),
    path("abstimmungen/<int:pk>/", views.stimmzettel, name="abstimmung"),
    path("abstimmungen/<int:pk>/befangen/", views.befangenheit, name="befangenheit"),
    path("qm/", views.qm_uebersicht, name="qm_uebersicht"),
    path("qm/antraege/<int:antrag_pk>/abstimmung/", views.qm_eroeffnen, name="qm_eroeffnen"),
    path("qm/antraege/<int:antrag_pk>/sitzung/", views.qm_sitzung, name="qm_sitzung"),
    path("qm/abstimmungen/<int:pk>/", views.qm_abstimmung, name="qm_abstimmung"),
    path("qm/abstimmungen/<int:pk>/protokoll.pdf", views.qm_protokoll, name="qm_protokoll"),
    path("qm/regeln/<int:quartier_pk>/", views.qm_regeln, name="qm_regeln"),
]

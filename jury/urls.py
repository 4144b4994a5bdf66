"""Jury pages for members (ballots) and for QM (opening, meeting, progress, minutes, rules)."""

from django.urls import path

from .abstimmungen import views
from .mitglieder import views as mitglieder
from .sitzungen import views as sitzungen

app_name = "jury"

urlpatterns = [
    path("", views.home, name="home"),
    path("abstimmungen/<int:pk>/", views.stimmzettel, name="abstimmung"),
    path("abstimmungen/<int:pk>/befangen/", views.befangenheit, name="befangenheit"),
    path(
        "abstimmungen/<int:pk>/protokoll.pdf",
        views.abstimmung_protokoll,
        name="abstimmung_protokoll",
    ),
    path(
        "abstimmungen/<int:pk>/vertretung-bitten/",
        views.vertretung_bitten,
        name="abstimmung_vertretung_bitten",
    ),
    path(
        "abstimmungen/<int:pk>/vertreten/", views.abstimmung_vertreten, name="abstimmung_vertreten"
    ),
    path("qm/", views.qm_uebersicht, name="qm_uebersicht"),
    path("qm/antraege/<int:antrag_pk>/abstimmung/", views.qm_eroeffnen, name="qm_eroeffnen"),
    path("qm/abstimmungen/<int:pk>/", views.qm_abstimmung, name="qm_abstimmung"),
    path("qm/abstimmungen/<int:pk>/protokoll.pdf", views.qm_protokoll, name="qm_protokoll"),
    path("qm/regeln/<int:quartier_pk>/", views.qm_regeln, name="qm_regeln"),
    # meetings
    path("sitzungen/<int:pk>/", sitzungen.sitzung, name="sitzung"),
    path(
        "sitzungen/<int:pk>/antraege/<int:antrag_pk>/",
        sitzungen.sitzung_antrag,
        name="sitzung_antrag",
    ),
    path("sitzungen/<int:pk>/unterlagen.pdf", sitzungen.sitzung_unterlagen, name="unterlagen"),
    path("sitzungen/<int:pk>/absage/", sitzungen.sitzung_absagen, name="sitzung_absagen"),
    path("sitzungen/<int:pk>/protokoll.pdf", sitzungen.sitzung_protokoll, name="sitzung_protokoll"),
    path(
        "sitzungen/<int:pk>/absagen/<int:absage_pk>/vertreten/",
        sitzungen.sitzung_vertreten,
        name="sitzung_vertreten",
    ),
    path("konto/sprache/", mitglieder.kontosprache_edit, name="kontosprache"),
    path("qm/sitzungen/", sitzungen.qm_sitzungen, name="qm_sitzungen"),
    path(
        "qm/quartiere/<int:quartier_pk>/sitzung/neu/",
        sitzungen.qm_sitzung_neu,
        name="qm_sitzung_neu",
    ),
    path("qm/sitzungen/<int:pk>/", sitzungen.qm_tagesordnung, name="qm_tagesordnung"),
    path(
        "qm/sitzungen/<int:pk>/punkte/<int:punkt_pk>/vertagen/",
        sitzungen.qm_vertagen,
        name="qm_vertagen",
    ),
    path(
        "qm/sitzungen/<int:pk>/sitzungsmodus/", sitzungen.qm_sitzungsmodus, name="qm_sitzungsmodus"
    ),
    path(
        "qm/sitzungen/<int:pk>/praesentation/",
        sitzungen.qm_praesentation,
        name="qm_praesentation",
    ),
    path(
        "qm/sitzungen/<int:pk>/protokoll.pdf",
        sitzungen.qm_sitzungsprotokoll,
        name="qm_sitzungsprotokoll",
    ),
    path(
        "qm/quartiere/<int:quartier_pk>/jury/",
        sitzungen.qm_zusammensetzung,
        name="qm_zusammensetzung",
    ),
    # composition, managed by QM
    path(
        "qm/quartiere/<int:quartier_pk>/jury/neu/",
        mitglieder.qm_mitglied_neu,
        name="qm_mitglied_neu",
    ),
    path(
        "qm/quartiere/<int:quartier_pk>/jury/<int:pk>/",
        mitglieder.qm_mitglied_bearbeiten,
        name="qm_mitglied_bearbeiten",
    ),
    path(
        "qm/quartiere/<int:quartier_pk>/jury/<int:pk>/ende/",
        mitglieder.qm_mitglied_beenden,
        name="qm_mitglied_beenden",
    ),
    path(
        "qm/quartiere/<int:quartier_pk>/jury/<int:pk>/einladen/",
        mitglieder.qm_mitglied_einladen,
        name="qm_mitglied_einladen",
    ),
    path("konto/passwort/<uidb64>/<token>/", mitglieder.passwort_setzen, name="passwort_setzen"),
    path("konto/passwort/fertig/", mitglieder.passwort_gesetzt, name="passwort_gesetzt"),
]

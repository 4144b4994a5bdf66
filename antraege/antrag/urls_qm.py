"""QM staff pages: dashboard, Antrag detail and the moves of the formal check."""

from django.urls import path

from ..datenschutz import qm as datenschutz
from ..fonds.views import qm as fonds
from .views import korrektur, postbriefe, qm

app_name = "qm"

urlpatterns = [
    path("", qm.dashboard, name="dashboard"),
    path("auskunft/", datenschutz.auskunft, name="auskunft"),
    path("post/", postbriefe.postbriefe, name="postbriefe"),
    path("post/drucken/", postbriefe.postbriefe_drucken, name="postbriefe_drucken"),
    path("post/versandt/", postbriefe.postbriefe_versandt, name="postbriefe_versandt"),
    path("antraege/<int:pk>/", qm.antrag_detail, name="antrag_detail"),
    path("fonds/<int:pk>/", fonds.fonds_bericht, name="fonds_bericht"),
    path("fonds/<int:pk>/abschliessen/", fonds.fonds_abschliessen, name="fonds_abschliessen"),
    path("fonds/<int:pk>/buchhaltung/", fonds.fonds_buchhaltung, name="fonds_buchhaltung"),
    path("quartiere/<int:pk>/kostenarten/", fonds.kostenarten_uebersetzen, name="kostenarten"),
    path("antraege/<int:pk>/korrigieren/", korrektur.antrag_korrigieren, name="antrag_korrigieren"),
    path("antraege/<int:pk>/schritt/<slug:move>/", qm.antrag_schritt, name="antrag_schritt"),
    path(
        "antraege/<int:pk>/handlungsfelder/",
        fonds.antrag_handlungsfelder,
        name="antrag_handlungsfelder",
    ),
    path(
        "antraege/<int:pk>/anhaenge/<int:anhang_pk>/",
        qm.anhang_herunterladen,
        name="anhang",
    ),
]

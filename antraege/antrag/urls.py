"""Resident pages: the application form and "Mein Antrag"."""

from django.urls import path

from .views import resident

app_name = "antraege"

urlpatterns = [
    path("antrag/neu/", resident.antrag_neu, name="antrag_neu"),
    path("antrag/neu/<str:code>/", resident.antrag_start, name="antrag_start"),
    path("antrag/<int:pk>/schritt/<int:schritt>/", resident.antrag_schritt, name="schritt"),
    path(
        "antrag/<int:pk>/anhang/<int:anhang_pk>/entfernen/",
        resident.anhang_entfernen,
        name="anhang_entfernen",
    ),
    path("antrag/<int:pk>/pruefen/", resident.antrag_pruefen, name="pruefen"),
    path("antrag/<int:pk>/eingereicht/", resident.antrag_eingereicht, name="eingereicht"),
    path("antrag/<int:pk>/gespeichert/", resident.antrag_gespeichert, name="gespeichert"),
    path("mein-antrag/", resident.mein_antrag_liste, name="mein_antrag_liste"),
    path("mein-antrag/neuer-link/", resident.neuer_link, name="neuer_link"),
    path("mein-antrag/code/", resident.zugangscode, name="zugangscode"),
    path("mein-antrag/abmelden/", resident.abmelden, name="abmelden"),
    path("mein-antrag/zugang/<str:token>/", resident.link, name="link"),
    path("mein-antrag/<int:pk>/", resident.mein_antrag, name="mein_antrag"),
    path(
        "mein-antrag/<int:pk>/zurueckziehen/",
        resident.antrag_zurueckziehen,
        name="zurueckziehen",
    ),
]

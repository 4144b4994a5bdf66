"""Resident pages: the application form and "Mein Antrag"."""

from django.urls import path

from .views import resident

app_name = "antraege"

urlpatterns = [
    path("mein-antrag/", resident.mein_antrag_liste, name="mein_antrag_liste"),
    path("mein-antrag/zugang/<str:token>/", resident.link, name="link"),
]

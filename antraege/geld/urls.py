"""Letters, settlement and payout pages (applicant via "Mein Antrag", QM under /qm/)."""

from django.urls import path

from .views import abrechnung as views
from .views import vereinbarung as geld
from .views import zahlungen

app_name = "abrechnung"

MEIN = "mein-antrag/<int:pk>/"
QM = "qm/antraege/<int:pk>/"
ZAHLUNGEN = "qm/quartiere/<int:pk>/zahlungen/"

urlpatterns = [
    path(f"{MEIN}abrechnung/", views.mein_abrechnung, name="mein_abrechnung"),
    path(f"{MEIN}projektbeginn/", views.mein_projektbeginn, name="mein_projektbeginn"),
    path(f"{MEIN}abrechnung/belege/", views.mein_beleg_neu, name="mein_beleg_neu"),
    path(
        f"{MEIN}abrechnung/belege/<int:beleg_pk>/entfernen/",
        views.mein_beleg_entfernen,
        name="mein_beleg_entfernen",
    ),
    path(f"{MEIN}abrechnung/sachbericht/", views.mein_sachbericht, name="mein_sachbericht"),
    path(f"{MEIN}abrechnung/fotos/", views.mein_foto, name="mein_foto"),
    path(f"{MEIN}abrechnung/einreichen/", views.mein_einreichen, name="mein_einreichen"),
    path(f"{MEIN}dokumente/<int:dokument_pk>/", views.mein_dokument, name="mein_dokument"),
    path(f"{MEIN}vereinbarung/", geld.mein_vereinbarung, name="mein_vereinbarung"),
    path(f"{MEIN}bankverbindung/", geld.mein_bankverbindung, name="mein_bankverbindung"),
    path(f"{MEIN}entfaellt/", geld.mein_entfaellt, name="mein_entfaellt"),
    path(f"{MEIN}aenderung/", geld.mein_aenderung, name="mein_aenderung"),
    path(f"{QM}vereinbarung/", geld.qm_vereinbarung_papier, name="qm_vereinbarung_papier"),
    path(f"{QM}bankverbindung/", geld.qm_bankverbindung, name="qm_bankverbindung"),
    path(f"{QM}entfaellt/", geld.qm_entfaellt, name="qm_entfaellt"),
    path(
        f"{QM}aenderungen/<int:wunsch_pk>/",
        geld.qm_aenderung_entscheiden,
        name="qm_aenderung_entscheiden",
    ),
    path(f"{QM}rueckzahlung/", geld.qm_rueckzahlung, name="qm_rueckzahlung"),
    path(
        f"{QM}kostenpositionen/<int:position_pk>/ausnahme/",
        geld.qm_ausnahme,
        name="qm_ausnahme",
    ),
    path(f"{QM}abrechnung/papier/belege/", geld.qm_beleg_neu, name="qm_beleg_neu"),
    path(f"{QM}abrechnung/papier/sachbericht/", geld.qm_sachbericht, name="qm_sachbericht"),
    path(f"{QM}abrechnung/papier/einreichen/", geld.qm_einreichen, name="qm_einreichen"),
    path(f"{QM}abrechnung/", views.qm_abrechnung, name="qm_abrechnung"),
    path(f"{QM}abrechnung/projektbeginn/", views.qm_projektbeginn, name="qm_projektbeginn"),
    path(f"{QM}abrechnung/abschlag/", views.qm_abschlag, name="qm_abschlag"),
    path(
        f"{QM}abrechnung/belege/<int:beleg_pk>/pruefen/",
        views.qm_beleg_pruefen,
        name="qm_beleg_pruefen",
    ),
    path(
        f"{QM}abrechnung/belege/<int:beleg_pk>/datei/",
        views.qm_beleg_datei,
        name="qm_beleg_datei",
    ),
    path(f"{QM}abrechnung/nachforderung/", views.qm_nachforderung, name="qm_nachforderung"),
    path(f"{QM}abrechnung/freigeben/", views.qm_freigeben, name="qm_freigeben"),
    path(f"{QM}abrechnung/ausgezahlt/", views.qm_bezahlt, name="qm_bezahlt"),
    path(f"{QM}abrechnung/abschliessen/", views.qm_abschliessen, name="qm_abschliessen"),
    path(f"{QM}dokumente/<int:dokument_pk>/", views.qm_dokument, name="qm_dokument"),
    path(ZAHLUNGEN, zahlungen.qm_zahlungen, name="qm_zahlungen"),
    path(
        f"{ZAHLUNGEN}anordnungen/<int:anordnung_pk>/anordnen/",
        zahlungen.qm_anordnung_anordnen,
        name="qm_anordnung_anordnen",
    ),
    path(
        f"{ZAHLUNGEN}anordnungen/<int:anordnung_pk>/<slug:als>/",
        zahlungen.qm_anordnung_bestaetigen,
        name="qm_anordnung_bestaetigen",
    ),
    path(f"{ZAHLUNGEN}sepa/", zahlungen.qm_sepa_datei_erstellen, name="qm_sepa_datei_erstellen"),
    path(f"{ZAHLUNGEN}sepa/<int:datei_pk>.xml", zahlungen.qm_sepa_datei, name="qm_sepa_datei"),
    path(
        f"{ZAHLUNGEN}sepa/<int:datei_pk>/bezahlt/",
        zahlungen.qm_sepa_datei_bezahlt,
        name="qm_sepa_datei_bezahlt",
    ),
    path("qm/fonds/<int:pk>/bericht.pdf", views.fonds_bericht_pdf, name="fonds_bericht_pdf"),
    path("qm/fonds/<int:pk>/bericht.csv", views.fonds_bericht_csv, name="fonds_bericht_csv"),
]

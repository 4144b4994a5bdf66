"""Demo data built on the factories: two areas, their funds, staff, jury and about 20 Anträge.

Idempotent: a second run finds what the first made (areas by code, users by name, Anträge by title)
and adds nothing. Every Antrag reaches its state through ``antrag_move``, so its timeline is real.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from aktionsfonds import zwei_faktor
from antraege.dokumente.selectors import dokumente_missing
from antraege.dokumente.services import dokument_deliver
from antraege.factories import (
    DEMO_PASSWORD,
    AktionsfondsFactory,
    AntragFactory,
    KostenkategorieFactory,
    QuartierFactory,
    UserFactory,
    project_start,
)
from antraege.mail.services import benachrichtigungen_mark_sent
from antraege.models import Antrag, Benachrichtigung, Handlungsfeld
from antraege.roles import Akteur
from jury.abstimmungen.services import abstimmung_open
from jury.mitglieder.models import Jurymitglied
from jury.sitzungen.models import Beschluss, Sitzung, SitzungStatus
from jury.sitzungen.services import (
    anwesenheit_record,
    sitzung_close,
    sitzung_create,
    sitzung_entscheidungen_deliver,
    sitzung_protokoll_create,
    top_decide,
    top_defer,
)
from jury.sitzungen.unterlagen import sitzung_unterlagen_send
from workflow.wege import antrag_walk_to

QUARTIERE = [
    {
        "code": "SOL",
        "name": "Soldiner Kiez",
        "qm_buero_name": "Quartiersmanagement Soldiner Kiez",
        "qm_anschrift": "Koloniestraße 129\n13359 Berlin",
        "qm_unterzeichner": "Team Quartiersmanagement Soldiner Kiez",
    },
    {
        "code": "SHP",
        "name": "Schillerpromenade",
        "qm_buero_name": "Quartiersmanagement Schillerpromenade",
        "qm_anschrift": "Mahlower Straße 27\n12049 Berlin",
        "qm_unterzeichner": "Team Quartiersmanagement Schillerpromenade",
    },
]

# Names and explanations are in the catalogues: residents read them in their language.
KATEGORIEN = [
    (gettext_noop("Sachkosten"), "eligible", gettext_noop("Material, Verbrauchsgüter")),
    (
        gettext_noop("Honorare"),
        "exception",
        gettext_noop("Für besondere Fähigkeiten, z. B. Künstlerinnen, Moderation"),
    ),
    (gettext_noop("Miete"), "eligible", gettext_noop("Raum- oder Gerätemiete")),
    (gettext_noop("Druck und Werbung"), "eligible", gettext_noop("Flyer, Plakate")),
    (
        gettext_noop("Bewirtung"),
        "eligible",
        gettext_noop("Kleine Bewirtung bei offenen Veranstaltungen, ohne Alkohol"),
    ),
    (
        gettext_noop("Anschaffungen"),
        "eligible",
        gettext_noop("Langlebiges, das danach ausgeliehen wird"),
    ),
    (gettext_noop("Alkohol"), "excluded", ""),
    (gettext_noop("Gutscheine und Geschenkkarten"), "excluded", ""),
    (gettext_noop("Pfand"), "excluded", ""),
    (
        gettext_noop("Bezahlung der Antragstellenden"),
        "excluded",
        gettext_noop("Lohn und Aufwandsentschädigungen"),
    ),
]

# (title, state, Sachkosten, Honorare, language) per area; each reaches its state through the moves.
ANTRAEGE = {
    "SOL": [
        ("Hoffest Koloniestraße", "draft", "180.00", "0", "de"),
        ("Lesepaten im Kiez", "submitted", "250.00", "200.00", "de"),
        ("Kiezspaziergang für Neue", "submitted", "90.00", "0", "tr"),
        ("Malwerkstatt für Kinder", "in_review", "420.00", "300.00", "de"),
        ("Reparaturcafé", "changes_requested", "350.00", "0", "de"),
        ("Geburtstagsfeier im Vereinsheim", "ineligible", "200.00", "0", "de"),
        ("Nachbarschaftschor", "jury_vote", "300.00", "600.00", "ar"),
        ("Pflanzaktion Panke", "approved", "640.00", "0", "de"),
        ("Filmabend im Hof", "rejected", "500.00", "400.00", "de"),
        ("Kiezzeitung Winterausgabe", "in_progress", "700.00", "300.00", "de"),
    ],
    "SHP": [
        ("Laternenumzug", "draft", "150.00", "0", "de"),
        ("Sprachcafé", "submitted", "120.00", "180.00", "ar"),
        ("Tauschbörse", "in_review", "160.00", "0", "de"),
        ("Spielplatzfest", "jury_vote", "540.00", "250.00", "de"),
        ("Kiezkonzert", "jury_vote", "200.00", "800.00", "en"),
        ("Hochbeete am Schillerkiez", "approved", "880.00", "0", "de"),
        ("Nähwerkstatt", "withdrawn", "260.00", "0", "tr"),
        ("Straßenfest Herrfurthplatz", "settlement_submitted", "600.00", "400.00", "de"),
        ("Fotoausstellung", "expired", "300.00", "150.00", "de"),
        ("Kiezputz im Frühling", "paid", "220.00", "0", "de"),
        ("Adventssingen", "closed", "180.00", "120.00", "de"),
        ("Boule-Turnier", "changes_requested", "130.00", "0", "de"),
    ],
}

# Members and deputies of each area's jury (at least 7 members, as the programme asks).
JURY_ROLLEN = [Jurymitglied.Rolle.MITGLIED] * 7 + [Jurymitglied.Rolle.STELLVERTRETUNG] * 2

# Anträge of the jury meetings (title, Sachkosten, decision at last week's meeting or None =
# submitted after its deadline, so on the next meeting's agenda).
SITZUNG_ANTRAEGE = {
    "SOL": [
        ("Nachbarschaftsfrühstück", "260.00", Beschluss.BEWILLIGT),
        ("Bücherschrank am Platz", "180.00", Beschluss.ABGELEHNT),
        ("Graffiti-Workshop", "450.00", Beschluss.VERTAGT),
        ("Kinderflohmarkt", "120.00", None),
    ]
}

# Anträge at the jury with an online vote running (the others wait for QM to open one).
OFFENE_ABSTIMMUNGEN = {"Nachbarschaftschor", "Spielplatzfest"}


# The TOTP secret of every demo account that must sign in with a second factor (QM, admin): public,
# like the demo password, which is why demo_data refuses to run in production.
DEMO_TOTP_KEY = "4166746f6e6473666f6e64732d64656d6f2d3246"  # hex of 20 bytes
DEMO_RECOVERY_CODES = 3  # printed per account; each works once, every run prints new ones


class Command(BaseCommand):
    help = (
        "Legt Demodaten an (zwei Quartiere, Fonds, QM, Jury, etwa 20 Anträge). Mehrfach ausführbar."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "demo_data legt Konten mit bekanntem Passwort an und läuft nicht mit PRODUCTION=1."
            )
        logins = []
        begonnen = timezone.now()
        with transaction.atomic():
            admin = self._user("admin", is_staff=True, is_superuser=True)
            logins.append(("Verwaltung", admin.username, "alle Quartiere"))
            for spec in QUARTIERE:
                logins.extend(self._quartier(spec))
            logins = [(*login, self._zweiter_faktor(login[1])) for login in logins]
            self._vergangenheit_abschliessen(begonnen)
        created = Antrag.objects.filter(titel__in=_all_titles()).count()
        self.stdout.write(self.style.SUCCESS(f"Demodaten bereit: {created} Demo-Anträge."))
        self._print_logins(logins)

    # --- building blocks ---

    def _vergangenheit_abschliessen(self, begonnen):
        """The demo's past is past (docs/decisions.md): its letters and minutes are rendered here,
        its e-mails recorded as sent without sending. So the tasks its commit queues find nothing
        left to do and never stand in front of the first real person's e-mail."""
        for antrag_id, art in dokumente_missing(older_than=datetime.timedelta(0)):
            dokument_deliver(antrag_id, art)
        # the close queued the minutes as a task of their own; the demo renders them here
        for sitzung_id in Sitzung.objects.filter(
            status=SitzungStatus.GESCHLOSSEN, protokoll=""
        ).values_list("pk", flat=True):
            sitzung_entscheidungen_deliver(sitzung_id)
            sitzung_protokoll_create(sitzung_id)
        benachrichtigungen_mark_sent(Benachrichtigung.objects.filter(erstellt_am__gte=begonnen))

    def _zweiter_faktor(self, username):
        """QM and admin accounts: the demo TOTP app and fresh recovery codes (jury: none, optional)."""
        user = get_user_model().objects.get(username=username)
        if not zwei_faktor.zwei_faktor_required(user):
            return []
        TOTPDevice.objects.update_or_create(
            user=user,
            name=zwei_faktor.TOTP_NAME,
            defaults={"key": DEMO_TOTP_KEY, "confirmed": True},
        )
        return zwei_faktor.recovery_codes_renew(
            user, codes=[zwei_faktor.recovery_code() for _ in range(DEMO_RECOVERY_CODES)]
        )

    def _user(self, username, **fields):
        user = UserFactory(username=username, **fields)
        changed = [name for name, value in fields.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if changed:
            user.save(update_fields=changed)
        return user

    def _quartier(self, spec):
        quartier = QuartierFactory(
            code=spec["code"],
            name=spec["name"],
            qm_buero_name=spec["qm_buero_name"],
            qm_anschrift=spec["qm_anschrift"],
            qm_email=f"qm-{spec['code'].lower()}@example.org",
            qm_unterzeichner=spec["qm_unterzeichner"],
        )
        fonds = AktionsfondsFactory(quartier=quartier, jahr=project_start().year)
        kategorien = {
            name: KostenkategorieFactory(
                quartier=quartier,
                name=name,
                foerderung=foerderung,
                beschreibung=beschreibung,
                reihenfolge=index,
            )
            for index, (name, foerderung, beschreibung) in enumerate(KATEGORIEN)
        }
        kuerzel = spec["code"].lower()
        qm = self._user(f"qm-{kuerzel}", is_staff=False)
        # a second account of the office: payout orders need "sachlich" and "rechnerisch
        # richtig" from two different people
        qm_2 = self._user(f"qm-{kuerzel}-2", is_staff=False)
        quartier.qm_staff.add(qm, qm_2)
        logins = [("QM", qm.username, quartier.name), ("QM", qm_2.username, quartier.name)]
        jury = self._jury(quartier, kuerzel, logins)
        for index, row in enumerate(ANTRAEGE[spec["code"]], start=1):
            self._antrag(fonds, kategorien, qm, kuerzel, index, *row)
        if spec["code"] in SITZUNG_ANTRAEGE:
            self._sitzungen(quartier, fonds, kategorien, qm, kuerzel, jury)
        return logins

    def _jury(self, quartier, kuerzel, logins):
        """The area's jury members and deputies, appointed this year; their logins go to ``logins``."""
        beginn = timezone.localdate().replace(month=1, day=1)
        gewaehlt = beginn - datetime.timedelta(days=45)
        jury = []
        for nummer, rolle in enumerate(JURY_ROLLEN, start=1):
            prefix = "jury" if rolle == Jurymitglied.Rolle.MITGLIED else "stv"
            if rolle == Jurymitglied.Rolle.STELLVERTRETUNG:
                nummer -= JURY_ROLLEN.count(Jurymitglied.Rolle.MITGLIED)
            member = self._user(f"{prefix}-{kuerzel}-{nummer}")
            eintrag, _created = Jurymitglied.objects.get_or_create(
                user=member,
                quartier=quartier,
                defaults={
                    "beginn": beginn,
                    "rolle": rolle,
                    "gewaehlt_am": gewaehlt,
                    "mindestalter_bestaetigt": True,
                },
            )
            jury.append(eintrag)
            stellvertretung = rolle == Jurymitglied.Rolle.STELLVERTRETUNG
            logins.append(
                (
                    "Jury (Stellvertretung)" if stellvertretung else "Jury",
                    member.username,
                    quartier.name,
                )
            )
        return jury

    def _sitzungen(self, quartier, fonds, kategorien, qm, kuerzel, jury):
        """A meeting held a week ago (decided and closed, one item deferred) and the next one,
        planned with its papers sent: the deferred item and a new Antrag on its agenda."""
        if Sitzung.objects.filter(quartier=quartier).exists():
            return
        today = timezone.localdate()
        rows = SITZUNG_ANTRAEGE[quartier.code]
        for index, (titel, sach, _beschluss) in enumerate(rows, start=40):
            self._antrag(fonds, kategorien, qm, kuerzel, index, titel, "jury_vote", sach, "0", "de")
        frueher = [titel for titel, _sach, beschluss in rows if beschluss]
        Antrag.objects.filter(fonds=fonds, titel__in=frueher).update(
            eingereicht_am=timezone.now() - datetime.timedelta(days=21)
        )
        akteur = Akteur(qm)
        ort = "Nachbarschaftsetage, Raum 2"
        gehalten = sitzung_create(
            quartier,
            akteur=akteur,
            datum=today - datetime.timedelta(days=7),
            beginn=datetime.time(18, 30),
            ort=ort,
            einreichungsfrist=today - datetime.timedelta(days=14),
        )
        sitzung_unterlagen_send(gehalten, akteur=akteur)
        self._sitzung_abhalten(gehalten, akteur, jury, rows)
        sitzung_close(gehalten, akteur=akteur)
        geplant = sitzung_create(
            quartier,
            akteur=akteur,
            datum=today + datetime.timedelta(days=7),
            beginn=datetime.time(18, 30),
            ort=ort,
            einreichungsfrist=today,
        )
        sitzung_unterlagen_send(geplant, akteur=akteur)

    def _sitzung_abhalten(self, sitzung, akteur, jury, rows):
        """Attendance (one member stood in for by a deputy) and the decision on each item as
        ``rows`` say (``SITZUNG_ANTRAEGE``: approved, rejected or deferred)."""
        mitglieder = [m for m in jury if m.rolle == Jurymitglied.Rolle.MITGLIED]
        deputies = [m for m in jury if m.rolle == Jurymitglied.Rolle.STELLVERTRETUNG]
        anwesenheit_record(
            sitzung,
            akteur=akteur,
            anwesende=[m.pk for m in mitglieder[:-1]] + [deputies[0].pk],
            vertretungen={deputies[0].pk: mitglieder[-1].pk},
        )
        stimmen = {Beschluss.BEWILLIGT: (5, 1, 1), Beschluss.ABGELEHNT: (1, 5, 1)}
        for punkt in sitzung.punkte.select_related("antrag").order_by("position"):
            beschluss = next(b for t, _s, b in rows if t == punkt.antrag.titel)
            if beschluss == Beschluss.VERTAGT:
                top_defer(punkt, akteur=akteur, grund="Kostenvoranschlag fehlt noch.")
                continue
            ja, nein, enthaltung = stimmen[beschluss]
            top_decide(
                punkt,
                akteur=akteur,
                praesentiert=True,
                betrag=punkt.antrag.betrag_beantragt,
                ja=ja,
                nein=nein,
                enthaltung=enthaltung,
                begruendung="Die Jury sieht zu wenig Nutzen für die Nachbarschaft."
                if beschluss == Beschluss.ABGELEHNT
                else "",
            )

    def _antrag(self, fonds, kategorien, qm, kuerzel, index, titel, ziel, sach, honorar, sprache):
        if Antrag.objects.filter(fonds=fonds, titel=titel).exists():
            return
        sach, honorar = Decimal(sach), Decimal(honorar)
        positionen = [(kategorien["Sachkosten"], "Material", Decimal("1"), sach)]
        if honorar:
            positionen.append((kategorien["Honorare"], "Honorar", Decimal("1"), honorar))
        felder = list(Handlungsfeld.objects.filter(aktiv=True))
        antrag = AntragFactory(
            fonds=fonds,
            titel=titel,
            antragsteller_email=f"demo-{kuerzel}-{index:02d}@example.org",
            sprache=sprache,
            betrag_beantragt=sach + honorar,
            eigenleistung_stunden=10 * index,
            positionen=positionen,
            # a varied public list: every third one a group, every other person shows a first name
            organisation="Hofgemeinschaft" if index % 3 == 0 else "",
            vorname_veroeffentlichen=index % 2 == 0,
            oeffentlicher_name=("Aylin", "Jonas", "Erika", "Mehmet")[index % 4]
            if index % 2 == 0
            else "",
            handlungsfelder=[felder[index % len(felder)], felder[(index * 2) % len(felder)]]
            if felder
            else None,
        )
        # QM accepted the fee as an exception in the formal check (demo: recorded up front)
        antrag.kostenpositionen.filter(kategorie__name="Honorare").update(
            ausnahme_grund="Künstlerin mit besonderer Fähigkeit, nicht ehrenamtlich zu leisten."
        )
        antrag = antrag_walk_to(
            antrag, ziel, qm_user=qm, abrechnung={"kategorie": kategorien["Sachkosten"]}
        )
        if titel in OFFENE_ABSTIMMUNGEN:
            abstimmung_open(antrag, akteur=Akteur(qm), betrag=antrag.betrag_beantragt)

    def _print_logins(self, logins):
        self.stdout.write("")
        self.stdout.write(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD})")
        self.stdout.write(
            f"{'Rolle':<12} {'Benutzername':<14} {'Quartier':<20} Wiederherstellungscodes"
        )
        self.stdout.write(f"{'-' * 12} {'-' * 14} {'-' * 20} {'-' * 34}")
        for rolle, username, quartier, codes in logins:
            codes = " ".join(codes) or "– (Zwei-Faktor freiwillig)"
            self.stdout.write(f"{rolle:<12} {username:<14} {quartier:<20} {codes}")
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write("")
        secret = zwei_faktor.totp_secret_base32(TOTPDevice(key=DEMO_TOTP_KEY))
        self.stdout.write(
            "Zweiter Faktor für QM und Verwaltung: nach dem Passwort einen der "
            "Wiederherstellungscodes oben eingeben (jeder gilt einmal, jedes `make run` druckt "
            f"neue) oder in einer Authenticator-App den Schlüssel {secret} eintragen "
            "(zeitbasiert, 6 Ziffern; gilt für alle Demo-Konten)."
        )
        self.stdout.write(f"Anmeldung (QM, Jury, Verwaltung): {site}{reverse('login')}")
        self.stdout.write(f"Antragsformular für Bewohnerinnen und Bewohner: {site}{_form_path()}")


def _form_path():
    """The resident form where it exists, else the start page that leads to it."""
    try:
        return reverse("antraege:antrag_neu")
    except NoReverseMatch:
        return reverse("start")


def _all_titles():
    return [row[0] for rows in ANTRAEGE.values() for row in rows] + [
        row[0] for rows in SITZUNG_ANTRAEGE.values() for row in rows
    ]

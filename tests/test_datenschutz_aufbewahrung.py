"""Retention and erasure on a database with Anträge of every age and state: exactly the due ones go,
the fund's money stays where it was, files leave the storage, and a second run changes nothing."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aktionsfonds.celery import app
from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.datenschutz.aufbewahrung import (
    ANONYM_TITEL,
    aufbewahrung_enforce,
    aufbewahrung_faellig,
    aufbewahrung_update,
)
from antraege.datenschutz.models import AdressBestaetigung, Anonymisierung, Zugriffsnachweis
from antraege.datenschutz.tasks import task_aufbewahrung_durchsetzen
from antraege.dokumente.selectors import dokumente_missing
from antraege.factories import AntragFactory
from antraege.mail import services as mail
from antraege.models import (
    Abschlag,
    Aktionsfonds,
    Anhang,
    Antrag,
    AntragStatus,
    Auszahlung,
    Beleg,
    Benachrichtigung,
    Dokument,
    Kostenkategorie,
    Sachbericht,
    Statuswechsel,
)
from antraege.zugang.links import antrag_link_token

from .abrechnung_helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = timezone.localdate(NOW)


def days_ago(n):
    return NOW - datetime.timedelta(days=n)


def years_ago(n, plus_days=0):
    return TODAY.replace(year=TODAY.year - n) - datetime.timedelta(days=plus_days)


def antrag_in(fonds, status, *, seit, name):
    """An Antrag that reached ``status`` at ``seit`` (a datetime), with a file, mail and letter.

    Deliberately hand-built (not walked with ``antrag_walk_to``): retention reads how long ago a
    state was reached or money was paid, up to eleven years back, older than any walk today
    can produce; these are rows as an old year's data stands in the database."""
    antrag = AntragFactory(fonds=fonds, antragsteller_name=name, organisation="Hofgruppe")
    Antrag.objects.filter(pk=antrag.pk).update(
        status=status,
        referenz=None if status == AntragStatus.DRAFT else f"AF-{antrag.pk:04d}",
        pruefvermerk="Frau Muster war im Büro.",
        entschieden_am=None if status == AntragStatus.DRAFT else seit,
    )
    if status != AntragStatus.DRAFT:
        wechsel = Statuswechsel.objects.create(
            antrag=antrag,
            von_status="jury_vote",
            nach_status=status,
            rolle="qm",
            kommentar=f"Begründung für {name}",
        )
        Statuswechsel.objects.filter(pk=wechsel.pk).update(zeitpunkt=seit)
    anhang = Anhang(antrag=antrag, originalname="angebot.png", content_type="image/png", groesse=9)
    anhang.datei.save("angebot.png", ContentFile(png_bytes()), save=True)
    Benachrichtigung.objects.create(
        art="antrag_eingegangen", antrag=antrag, empfaenger=antrag.antragsteller_email
    )
    AdressBestaetigung.objects.create(antrag=antrag, email=antrag.antragsteller_email)
    Antrag.objects.filter(pk=antrag.pk).update(geaendert_am=seit)
    stored(antrag)
    return antrag


def stored(antrag):
    """The start of the retention period as the moves store it (and migration 0027 stored it for
    the rows before it): for rows built by hand, computed from them the same way."""
    aufbewahrung_update([antrag.pk])
    antrag.refresh_from_db()


def gefoerdert(fonds, status, *, bezahlt_am, name):
    antrag = antrag_in(
        fonds,
        status,
        seit=datetime.datetime.combine(bezahlt_am, datetime.time(12), datetime.UTC),
        name=name,
    )
    Antrag.objects.filter(pk=antrag.pk).update(
        betrag_bewilligt=Decimal("300.00"), betrag_ausgezahlt=Decimal("287.50")
    )
    Abschlag.objects.create(
        antrag=antrag, datum=bezahlt_am - datetime.timedelta(days=60), betrag=Decimal("100.00")
    )
    Auszahlung.objects.create(
        antrag=antrag,
        betrag_anerkannt=Decimal("287.50"),
        betrag_abschlag=Decimal("100.00"),
        betrag=Decimal("187.50"),
        freigegeben_am=NOW,
        bezahlt_am=bezahlt_am,
        buchungszeichen="BZ-1",
    )
    beleg = Beleg(
        antrag=antrag,
        nummer=1,
        datum=bezahlt_am,
        aussteller="Baumarkt Wedding",
        betrag=Decimal("287.50"),
        kategorie=Kostenkategorie.objects.filter(quartier=fonds.quartier).first(),
        originalname="quittung.pdf",
        content_type="application/pdf",
        groesse=10,
        status=Beleg.Status.ANERKANNT,
        betrag_anerkannt=Decimal("287.50"),
    )
    beleg.datei.save("quittung.pdf", ContentFile(pdf_bytes()), save=True)
    Sachbericht.objects.create(antrag=antrag, text=f"{name} hat gekocht.", teilnehmende=40)
    dokument = Dokument(antrag=antrag, art=Dokument.Art.BEWILLIGUNG)
    dokument.datei.save("brief.pdf", ContentFile(pdf_bytes()), save=True)
    stored(antrag)
    return antrag


@pytest.fixture
def welt(fonds):
    """Anträge of every state, each once just past and once just inside its retention period."""
    alt, jung = days_ago(400), days_ago(300)
    w = {
        "entwurf_alt": antrag_in(fonds, "draft", seit=days_ago(91), name="Entwurf Alt"),
        "entwurf_jung": antrag_in(fonds, "draft", seit=days_ago(89), name="Entwurf Jung"),
        "abgelehnt_alt": antrag_in(fonds, "rejected", seit=alt, name="Abgelehnt Alt"),
        "abgelehnt_jung": antrag_in(fonds, "rejected", seit=jung, name="Abgelehnt Jung"),
        "nicht_foerderfaehig_alt": antrag_in(fonds, "ineligible", seit=alt, name="Formal Alt"),
        "zurueckgezogen_alt": antrag_in(fonds, "withdrawn", seit=alt, name="Zurück Alt"),
        "zurueckgezogen_jung": antrag_in(fonds, "withdrawn", seit=jung, name="Zurück Jung"),
        "verfallen_ohne_geld": antrag_in(fonds, "expired", seit=alt, name="Verfallen Alt"),
        "ausgezahlt_alt": gefoerdert(fonds, "paid", bezahlt_am=years_ago(10, 1), name="Paid Alt"),
        "ausgezahlt_jung": gefoerdert(fonds, "paid", bezahlt_am=years_ago(9), name="Paid Jung"),
        "abgeschlossen_alt": gefoerdert(
            fonds, "closed", bezahlt_am=years_ago(11), name="Closed Alt"
        ),
        "abgeschlossen_jung": gefoerdert(
            fonds, "closed", bezahlt_am=years_ago(10, -1), name="Closed Jung"
        ),
    }
    # Running Anträge are never touched, however old.
    for status in ("submitted", "in_review", "jury_vote", "approved", "in_progress"):
        w[f"laufend_{status}"] = antrag_in(fonds, status, seit=days_ago(4000), name=status)
    # Expired after an advance was paid: a financial record, kept 10 years.
    verfallen = antrag_in(fonds, "expired", seit=alt, name="Verfallen Abschlag")
    Abschlag.objects.create(antrag=verfallen, datum=years_ago(2), betrag=Decimal("50.00"))
    Antrag.objects.filter(pk=verfallen.pk).update(betrag_ausgezahlt=Decimal("50.00"))
    stored(verfallen)
    w["verfallen_mit_abschlag"] = verfallen
    return w


DUE = {
    "abgelehnt_alt",
    "nicht_foerderfaehig_alt",
    "zurueckgezogen_alt",
    "verfallen_ohne_geld",
    "ausgezahlt_alt",
    "abgeschlossen_alt",
}


@pytest.fixture
def durchsetzen(django_capture_on_commit_callbacks):
    """Run the job and the after-commit work (file removal) as a committed transaction would."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return aufbewahrung_enforce(now=NOW)

    return run


def stored_files(antrag_id):
    names = []
    for model in (Anhang, Beleg, Dokument):
        names += [
            n
            for n in model.objects.filter(antrag_id=antrag_id).values_list("datei", flat=True)
            if n
        ]
    return names


def fondsbericht(fonds):
    """The figures of the fund report (PDF/CSV) of one fund: totals and cost categories."""
    from antraege.geld.selectors.abrechnung import aktionsfonds_bericht

    b = aktionsfonds_bericht(fonds)
    return (
        b.budget,
        b.bewilligt,
        b.ausgezahlt,
        b.reserviert,
        b.zurueckgezahlt,
        b.verfuegbar,
        b.kategorien,
    )


def money():
    return (
        {fonds.pk: aktionsfonds_saldo(fonds) for fonds in Aktionsfonds.objects.all()},
        {fonds.pk: fondsbericht(fonds) for fonds in Aktionsfonds.objects.all()},
        sorted(
            Antrag.objects.exclude(status=AntragStatus.DRAFT).values_list(
                "pk",
                "betrag_beantragt",
                "betrag_bewilligt",
                "betrag_reserviert",
                "betrag_ausgezahlt",
            )
        ),
        sorted(
            Auszahlung.objects.values_list("antrag_id", "betrag", "betrag_abschlag", "bezahlt_am")
        ),
    )


def test_retention_removes_exactly_the_due_antraege_and_keeps_the_money(welt, durchsetzen):
    files = {key: stored_files(antrag.pk) for key, antrag in welt.items()}
    assert all(default_storage.exists(n) for names in files.values() for n in names)
    before = money()

    assert Antrag.objects.filter(pk=welt["entwurf_alt"].pk).exists()

    durchsetzen()

    assert not Antrag.objects.filter(pk=welt["entwurf_alt"].pk).exists()
    assert not any(default_storage.exists(n) for n in files["entwurf_alt"])
    anonymised = set(Anonymisierung.objects.values_list("antrag_id", flat=True))
    assert anonymised == {welt[key].pk for key in DUE}
    for key, antrag in welt.items():
        if key == "entwurf_alt":
            continue
        row = Antrag.objects.get(pk=antrag.pk)
        if key in DUE:
            assert (row.antragsteller_name, row.antragsteller_email, row.organisation) == (
                "",
                "",
                "",
            )
            assert (row.titel, row.pruefvermerk, row.antragsteller_strasse) == (
                ANONYM_TITEL,
                "",
                "",
            )
            assert row.status == antrag.status and row.referenz == f"AF-{antrag.pk:04d}"
            assert list(row.statuswechsel.values_list("kommentar", flat=True)) == [""]
            assert not Anhang.objects.filter(antrag=row).exists()
            assert not Dokument.objects.filter(antrag=row).exists()
            assert not Benachrichtigung.objects.filter(antrag=row).exists()
            assert not AdressBestaetigung.objects.filter(antrag=row).exists()
            assert not any(default_storage.exists(n) for n in files[key])
        else:
            assert row.antragsteller_name == antrag.antragsteller_name
            assert row.titel == antrag.titel
            assert Anhang.objects.filter(antrag=row).count() == 1
            assert all(default_storage.exists(n) for n in files[key])
    # Receipts of funded Anträge keep their amounts for the books, not who issued them or the file.
    belege = Beleg.objects.filter(antrag=welt["ausgezahlt_alt"])
    assert list(belege.values_list("betrag", "betrag_anerkannt", "aussteller", "datei")) == [
        (Decimal("287.50"), Decimal("287.50"), "", "")
    ]
    assert Sachbericht.objects.get(antrag=welt["ausgezahlt_alt"]).text == ""
    assert money() == before
    # The sweep for lost letters does not bring back the letters of an anonymised Antrag.
    missing = {
        pk
        for pk, _art in dokumente_missing(
            older_than=datetime.timedelta(0), within=datetime.timedelta(days=366 * 20)
        )
    }
    assert not missing & {welt[key].pk for key in DUE}
    assert mail.queue_for_applicant(Antrag.objects.get(pk=welt["abgelehnt_alt"].pk), "x") is None


def test_retention_twice_changes_nothing_more(welt, durchsetzen):
    durchsetzen()
    first = (
        sorted(Antrag.objects.values_list("pk", "titel", "antragsteller_name", "link_version")),
        sorted(Anonymisierung.objects.values_list("antrag_id", "anonymisiert_am")),
        Benachrichtigung.objects.count(),
    )

    second = durchsetzen()

    assert second.leer
    assert (
        sorted(Antrag.objects.values_list("pk", "titel", "antragsteller_name", "link_version")),
        sorted(Anonymisierung.objects.values_list("antrag_id", "anonymisiert_am")),
        Benachrichtigung.objects.count(),
    ) == first


def test_old_link_of_an_anonymised_antrag_no_longer_opens_it(client, welt, durchsetzen):
    antrag = welt["abgelehnt_alt"]
    token = antrag_link_token(antrag)

    durchsetzen()

    response = client.get(reverse("antraege:link", kwargs={"token": token}))
    assert response.status_code == 410
    assert "Abgelehnt Alt" not in response.content.decode()
    # the link granted nothing: the Antrag's page stays closed to this browser
    assert client.get(reverse("antraege:mein_antrag", args=[antrag.pk])).status_code == 404


def test_dry_run_lists_what_would_go_and_changes_nothing(welt):
    out = StringIO()
    before = sorted(Antrag.objects.values_list("pk", "antragsteller_name"))

    call_command("aufbewahrung", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert sorted(Antrag.objects.values_list("pk", "antragsteller_name")) == before
    assert [line for line in lines if line.startswith("Entwurf")] == [
        f"Entwurf #{welt['entwurf_alt'].pk} (zuletzt geändert "
        f"{timezone.localdate(days_ago(91)):%d.%m.%Y}) würde gelöscht"
    ]
    listed = {int(line.split()[1][1:]) for line in lines if line.startswith("Antrag #")}
    assert listed == {welt[key].pk for key in DUE}
    assert not Anonymisierung.objects.exists()


def test_audit_log_and_sent_mails_are_pruned_after_their_periods(settings, fonds, durchsetzen):
    settings.AUFBEWAHRUNG_TAGE_ZUGRIFFSPROTOKOLL = 30
    alt = Zugriffsnachweis.objects.create(akteur_name="qm", aktion=Zugriffsnachweis.Aktion.ANSICHT)
    neu = Zugriffsnachweis.objects.create(akteur_name="qm", aktion=Zugriffsnachweis.Aktion.ANSICHT)
    Zugriffsnachweis.objects.filter(pk=alt.pk).update(zeitpunkt=days_ago(31))
    gesendet_alt = Benachrichtigung.objects.create(art="x", empfaenger="a@example.org")
    einmalig_alt = Benachrichtigung.objects.create(
        art="x", empfaenger="d@example.org", kontext={"name": "D"}, dedupe_key="einmal:1"
    )
    gesendet_neu = Benachrichtigung.objects.create(art="x", empfaenger="b@example.org")
    offen_alt = Benachrichtigung.objects.create(art="x", empfaenger="c@example.org")
    Benachrichtigung.objects.filter(pk__in=[gesendet_alt.pk, einmalig_alt.pk]).update(
        gesendet_am=days_ago(181)
    )
    Benachrichtigung.objects.filter(pk=gesendet_neu.pk).update(gesendet_am=days_ago(10))
    Benachrichtigung.objects.filter(pk=offen_alt.pk).update(erstellt_am=days_ago(400))

    durchsetzen()

    assert list(Zugriffsnachweis.objects.values_list("pk", flat=True)) == [neu.pk]
    assert sorted(Benachrichtigung.objects.values_list("pk", flat=True)) == sorted(
        [gesendet_neu.pk, offen_alt.pk, einmalig_alt.pk]
    )
    # The dedupe key stays (the e-mail is never sent twice), the address and content go.
    einmalig = Benachrichtigung.objects.get(pk=einmalig_alt.pk)
    assert (einmalig.dedupe_key, einmalig.empfaenger, einmalig.kontext) == ("einmal:1", "", {})
    assert durchsetzen().benachrichtigungen == 0


def test_the_daily_beat_job_runs_the_retention_task(welt):
    schedule = app.conf.beat_schedule["retention"]
    assert schedule["task"] == task_aufbewahrung_durchsetzen.name
    assert schedule["task"] in app.tasks

    result = task_aufbewahrung_durchsetzen.apply().get()

    assert result == {
        "entwuerfe": 1,
        "anonymisiert": len(DUE),
        "zugriffsnachweise": 0,
        "benachrichtigungen": 0,
        "sepa_dateien": 0,
    }
    assert Anonymisierung.objects.count() == len(DUE)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_retention_task_runs_in_a_real_worker(celery_session_worker, fonds):
    import time

    due = antrag_in(fonds, "rejected", seit=days_ago(400), name="Im Worker")
    files = stored_files(due.pk)
    assert files and all(default_storage.exists(n) for n in files)

    task_aufbewahrung_durchsetzen.delay()

    deadline = time.monotonic() + 60  # a condition: as long as a busy machine needs
    while time.monotonic() < deadline and not Anonymisierung.objects.filter(antrag=due).exists():
        time.sleep(0.1)
    assert Antrag.objects.get(pk=due.pk).antragsteller_name == ""
    assert not any(default_storage.exists(n) for n in files)


def test_minutes_of_an_anonymised_antrag_come_back_without_the_applicants_texts(
    antrag, qm_user, quartier, django_capture_on_commit_callbacks
):
    from antraege.dokumente.pdf import pdf_text
    from antraege.roles import Akteur
    from jury.abstimmungen import services
    from jury.abstimmungen.models import Abstimmung
    from jury.factories import antrag_zur_jury, jury_fuer

    jury = jury_fuer(quartier, 3)
    antrag_zur_jury(antrag, qm_user)
    abstimmung = services.abstimmung_open(
        antrag, akteur=Akteur(qm_user), betrag=Decimal("250.00"), auflagen="Logo auf dem Flyer"
    )
    for member in jury:
        services.stimme_cast(abstimmung, user=member.user, wert="no", kommentar="Zu teuer")
    services.abstimmung_close(abstimmung.pk, now=abstimmung.frist + datetime.timedelta(1))
    services.protokolle_catch_up()
    old = Abstimmung.objects.get(pk=abstimmung.pk).protokoll.name
    assert antrag.titel in pdf_text(default_storage.open(old).read())
    Statuswechsel.objects.filter(antrag=antrag).update(zeitpunkt=days_ago(400))
    stored(antrag)  # the rejection, moved back by hand 400 days

    with django_capture_on_commit_callbacks(execute=True):
        aufbewahrung_enforce(now=NOW)
    assert not default_storage.exists(old)
    services.protokolle_catch_up()

    text = pdf_text(
        default_storage.open(Abstimmung.objects.get(pk=abstimmung.pk).protokoll.name).read()
    )
    assert ANONYM_TITEL in text
    assert antrag.titel not in text and "Logo auf dem Flyer" not in text


def test_meeting_minutes_are_rendered_again_without_the_anonymised_item(
    fonds, qm_user, django_capture_on_commit_callbacks
):
    from antraege.dokumente.pdf import pdf_text
    from antraege.roles import Akteur
    from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer
    from jury.sitzungen import services as sitzungen
    from jury.sitzungen import unterlagen
    from jury.sitzungen.models import Sitzung, Sitzungsunterlagen, Tagesordnungspunkt

    m = jury_fuer(fonds.quartier, 3)
    for titel in ("Hoffest", "Lesecafé"):
        antrag_zur_jury(AntragFactory(fonds=fonds, titel=titel), qm_user)
    sitzung = sitzungen.anwesenheit_record(
        sitzung_fuer(fonds.quartier, qm_user),
        akteur=Akteur(qm_user),
        anwesende=[x.pk for x in m],
        vertretungen={},
    )
    hoffest, lesecafe = sitzung.punkte.order_by("position")
    for punkt, ja, nein in ((hoffest, 3, 0), (lesecafe, 0, 3)):
        sitzungen.top_decide(
            punkt,
            akteur=Akteur(qm_user),
            praesentiert=True,
            betrag=punkt.antrag.betrag_beantragt,
            begruendung="Frau Muster hat nicht überzeugt." if nein else "",
            ja=ja,
            nein=nein,
            enthaltung=0,
        )
    papiere = unterlagen.sitzungsunterlagen_request(sitzung, "de")  # the stored papers PDF
    unterlagen.sitzungsunterlagen_render(papiere.pk)
    papiere_datei = Sitzungsunterlagen.objects.get(pk=papiere.pk).datei.name
    assert "Lesecafé" in pdf_text(default_storage.open(papiere_datei).read())
    sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))
    sitzungen.sitzung_protokoll_create(sitzung.pk)
    old = Sitzung.objects.get(pk=sitzung.pk).protokoll.name
    assert "Lesecafé" in pdf_text(default_storage.open(old).read())
    assert Antrag.objects.get(pk=lesecafe.antrag_id).status == AntragStatus.REJECTED
    Statuswechsel.objects.filter(antrag_id=lesecafe.antrag_id).update(zeitpunkt=days_ago(400))
    stored(Antrag(pk=lesecafe.antrag_id))  # the rejection, moved back by hand 400 days

    with django_capture_on_commit_callbacks(execute=True):
        aufbewahrung_enforce(now=NOW)
    assert not default_storage.exists(old)
    assert not default_storage.exists(papiere_datei)
    assert not Sitzungsunterlagen.objects.filter(sitzung=sitzung).exists()
    assert Tagesordnungspunkt.objects.get(pk=lesecafe.pk).begruendung == ""
    # the sweep finds the meeting without minutes and queues them; the worker's task renders them
    assert sitzungen.sitzungsprotokolle_catch_up() == [sitzung.pk]
    sitzungen.sitzung_protokoll_create(sitzung.pk)

    text = pdf_text(default_storage.open(Sitzung.objects.get(pk=sitzung.pk).protokoll.name).read())
    assert "Hoffest" in text and ANONYM_TITEL in text
    assert "Lesecafé" not in text


def test_a_rejection_stores_when_its_period_starts_and_anonymisation_ends_it(
    fonds, qm_user, durchsetzen
):
    from workflow.wege import antrag_walk_to

    laufend = antrag_walk_to(AntragFactory(fonds=fonds), "in_review", qm_user=qm_user)
    abgelehnt = antrag_walk_to(AntragFactory(fonds=fonds), "rejected", qm_user=qm_user)
    row = Antrag.objects.get(pk=abgelehnt.pk)

    assert (row.aufbewahrung_seit, row.aufbewahrung_regel) == (timezone.localdate(), "erfolglos")
    assert Antrag.objects.get(pk=laufend.pk).aufbewahrung_seit is None
    # due one year after the decision, not before
    nach_einem_jahr = timezone.now() + datetime.timedelta(days=367)
    faellig = aufbewahrung_faellig(now=nach_einem_jahr).anonymisieren
    assert [(f.antrag_id, f.seit, f.regel) for f in faellig] == [
        (row.pk, timezone.localdate(), "erfolglos")
    ]
    assert not aufbewahrung_faellig(now=timezone.now() + datetime.timedelta(days=300)).anonymisieren

    aufbewahrung_enforce(now=nach_einem_jahr)

    row.refresh_from_db()
    assert row.titel == ANONYM_TITEL
    assert (row.aufbewahrung_seit, row.aufbewahrung_regel) == (None, "")
    assert not aufbewahrung_faellig(now=nach_einem_jahr).anonymisieren


def test_the_payment_of_a_funded_antrag_starts_its_ten_years(antrag, qm_user):
    from antraege.geld.services.abrechnung import auszahlung_release, beleg_check
    from antraege.roles import Akteur
    from workflow.moves import antrag_move
    from workflow.wege import anordnungen_confirm_by_two

    from .abrechnung_helpers import settlement_submitted

    antrag, belege = settlement_submitted(antrag, qm_user, ["200.00"])
    for beleg in belege:
        beleg_check(beleg, akteur=Akteur(qm_user), anerkannt=beleg.betrag)
    auszahlung_release(antrag, akteur=Akteur(qm_user))
    assert Antrag.objects.get(pk=antrag.pk).aufbewahrung_seit is None  # not ended yet
    bezahlt_am = TODAY - datetime.timedelta(days=3)

    anordnungen_confirm_by_two(antrag, akteur=Akteur(qm_user))
    antrag_move(
        antrag, "mark_paid", akteur=Akteur(qm_user), bezahlt_am=bezahlt_am, buchungszeichen="BZ-9"
    )

    row = Antrag.objects.get(pk=antrag.pk)
    assert (row.aufbewahrung_seit, row.aufbewahrung_regel) == (bezahlt_am, "gefoerdert")
    zehn_jahre = datetime.datetime.combine(
        bezahlt_am.replace(year=bezahlt_am.year + 10), datetime.time(12), datetime.UTC
    )
    assert not aufbewahrung_faellig(now=zehn_jahre - datetime.timedelta(days=1)).anonymisieren
    assert [f.antrag_id for f in aufbewahrung_faellig(now=zehn_jahre).anonymisieren] == [row.pk]


def test_a_stored_sepa_file_loses_its_payees_after_the_financial_records_period(
    settings, fonds, durchsetzen
):
    from antraege.models import SepaDatei

    settings.AUFBEWAHRUNG_JAHRE_NACH_AUSZAHLUNG = 10

    def datei(nummer, **felder):
        return SepaDatei.objects.create(
            quartier=fonds.quartier,
            nachricht_id=f"AF-TEST-{nummer}",
            schema="pain.001.001.09",
            inhalt="<Cdtr><Nm>Erika Muster</Nm></Cdtr><IBAN>DE89370400440532013000</IBAN>",
            anzahl=1,
            summe=Decimal("150.00"),
            **felder,
        )

    heute = timezone.localdate()
    alt = datei(1, bezahlt_am=heute - datetime.timedelta(days=365 * 10 + 5))
    jung = datei(2, bezahlt_am=heute - datetime.timedelta(days=365 * 9))
    nie_gebucht = datei(3)
    SepaDatei.objects.filter(pk=nie_gebucht.pk).update(erstellt_am=days_ago(365 * 10 + 5))

    assert durchsetzen().sepa_dateien == 2

    inhalt = dict(SepaDatei.objects.values_list("pk", "inhalt"))
    assert inhalt[alt.pk] == inhalt[nie_gebucht.pk] == ""
    assert "DE89370400440532013000" in inhalt[jung.pk]
    # the file's record stays: message id, count and sum (the orders point to it)
    assert SepaDatei.objects.get(pk=alt.pk).summe == Decimal("150.00")
    assert durchsetzen().sepa_dateien == 0

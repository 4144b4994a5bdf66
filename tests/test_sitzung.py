"""Jury meetings: agenda, attendance and quorum, the same rules on all three paths, closing, papers
and minutes."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from antraege import permissions, task_names
from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.datenschutz.models import AdressBestaetigung
from antraege.dokumente.pdf import pdf_text
from antraege.factories import AntragFactory, UserFactory
from antraege.mail.messages import attachments_for, render
from antraege.models import Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from jury.abstimmungen import services
from jury.abstimmungen.models import Ergebnis, JuryRegeln
from jury.abstimmungen.services import JuryRefused
from jury.factories import (
    JurymitgliedFactory,
    antrag_zur_jury,
    jury_fuer,
    sitzung_fuer,
    stellvertretungen_fuer,
)
from jury.mitglieder import services as mitglieder_services
from jury.mitglieder.models import Jurymitglied
from jury.sitzungen import selectors as sitzung_selectors
from jury.sitzungen import services as sitzungen
from jury.sitzungen.models import Beschluss, Sitzung, SitzungStatus, Tagesordnungspunkt

pytestmark = pytest.mark.django_db


def zur_jury(fonds, qm_user, titel, *, eingereicht=None, **fields):
    antrag = antrag_zur_jury(AntragFactory(fonds=fonds, titel=titel, **fields), qm_user)
    if eingereicht is not None:
        Antrag.objects.filter(pk=antrag.pk).update(eingereicht_am=eingereicht)
    return Antrag.objects.get(pk=antrag.pk)


def berlin(day, hour=12):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def anwesenheit(sitzung, qm_user, anwesende, vertretungen=None):
    return sitzungen.anwesenheit_record(
        sitzung,
        akteur=Akteur(qm_user),
        anwesende=[m.pk for m in anwesende],
        vertretungen={d.pk: m.pk for d, m in (vertretungen or {}).items()},
    )


def beschliessen(punkt, qm_user, **kwargs):
    defaults = {"praesentiert": True, "betrag": punkt.antrag.betrag_beantragt}
    return sitzungen.top_decide(punkt, akteur=Akteur(qm_user), **{**defaults, **kwargs})


# --- Agenda ---


def test_agenda_holds_what_was_submitted_by_the_deadline_in_submission_order(fonds, qm_user):
    today = timezone.localdate()
    frist = today - datetime.timedelta(days=7)
    spaet = zur_jury(
        fonds, qm_user, "Nach der Frist", eingereicht=berlin(frist) + datetime.timedelta(days=1)
    )
    zweiter = zur_jury(fonds, qm_user, "Zweiter", eingereicht=berlin(frist, 23))
    erster = zur_jury(
        fonds, qm_user, "Erster", eingereicht=berlin(frist - datetime.timedelta(days=3))
    )
    AntragFactory(fonds=fonds, titel="Entwurf")  # not at the jury

    sitzung = sitzung_fuer(fonds.quartier, qm_user, datum=today, frist=frist)

    punkte = list(sitzung.punkte.order_by("position"))
    assert [(p.position, p.antrag_id) for p in punkte] == [(1, erster.pk), (2, zweiter.pk)]
    assert spaet.pk not in [p.antrag_id for p in punkte]
    # proposing again adds nothing twice, and the order stays
    assert sitzungen.tagesordnung_propose(sitzung) == []
    sitzungen.top_move(punkte[1], akteur=Akteur(qm_user), richtung=-1)
    assert list(sitzung.punkte.order_by("position").values_list("antrag_id", flat=True)) == [
        zweiter.pk,
        erster.pk,
    ]


def test_deferral_carries_the_item_to_the_next_meeting(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    antrag = zur_jury(fonds, qm_user, "Hoffest")
    erste = sitzung_fuer(fonds.quartier, qm_user)
    anwesenheit(erste, qm_user, jury)
    punkt = erste.punkte.get()

    sitzungen.top_defer(punkt, akteur=Akteur(qm_user), grund="Kostenvoranschlag fehlt")
    sitzungen.sitzung_close(erste, akteur=Akteur(qm_user))
    naechste = sitzung_fuer(
        fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=30)
    )

    assert Antrag.objects.get(pk=antrag.pk).status == AntragStatus.JURY_VOTE
    neu = naechste.punkte.get()
    assert (neu.antrag_id, neu.vertagt_aus_id) == (antrag.pk, punkt.pk)
    assert Tagesordnungspunkt.objects.get(pk=punkt.pk).begruendung == "Kostenvoranschlag fehlt"


# --- Attendance, quorum, conflicts ---


def test_a_deputy_counts_only_while_standing_in_for_an_absent_member(fonds, qm_user):
    m = jury_fuer(fonds.quartier, 4)
    (stv,) = stellvertretungen_fuer(fonds.quartier, 1)
    zur_jury(fonds, qm_user, "Hoffest")
    sitzung = sitzung_fuer(fonds.quartier, qm_user)

    # two members and a deputy who stands in for nobody: 2 of 4 seats filled
    sitzung = anwesenheit(sitzung, qm_user, [m[0], m[1], stv])
    assert (
        sitzung_selectors.sitzung_quorum(sitzung).besetzt,
        sitzung_selectors.sitzung_quorum(sitzung).sitze,
    ) == (
        2,
        4,
    )
    # the deputy stands in for absent m[2]: 3 of 4, and the deputy votes for that seat
    sitzung = anwesenheit(sitzung, qm_user, [m[0], m[1], stv], {stv: m[2]})
    sitze = sitzung_selectors.sitzung_sitze(sitzung)
    assert sitzung_selectors.sitzung_quorum(sitzung).besetzt == 3
    assert [s.waehler for s in sitze if s.mitglied == m[2]] == [stv]
    # never both: a present member is not stood in for
    with pytest.raises(JuryRefused, match="anwesend und wird nicht vertreten"):
        anwesenheit(sitzung, qm_user, [m[0], m[2], stv], {stv: m[2]})


def test_a_conflicted_member_and_the_applicant_do_not_vote(fonds, qm_user):
    m = jury_fuer(fonds.quartier, 4)
    antrag = zur_jury(fonds, qm_user, "Hoffest", antragsteller_email=m[3].user.email)
    AdressBestaetigung.objects.create(antrag=antrag, email=antrag.antragsteller_email)
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, m)
    JuryRegeln.objects.filter(quartier=fonds.quartier).update(namentliche_abstimmung=True)
    sitzung = anwesenheit(sitzung, qm_user, m)
    punkt = sitzung.punkte.get()

    with pytest.raises(JuryRefused, match="befangen oder nicht anwesend"):
        beschliessen(
            punkt,
            qm_user,
            befangene=[m[0].pk],
            stimmen={m[0].pk: "yes", m[1].pk: "yes", m[2].pk: "no"},
        )
    with pytest.raises(JuryRefused, match="befangen oder nicht anwesend"):  # the applicant
        beschliessen(
            punkt,
            qm_user,
            befangene=[m[0].pk],
            stimmen={m[1].pk: "yes", m[2].pk: "yes", m[3].pk: "no"},
        )
    punkt = beschliessen(
        punkt, qm_user, befangene=[m[0].pk], stimmen={m[1].pk: "yes", m[2].pk: "no"}
    )

    assert punkt.anzahl_berechtigt == 2  # 4 seats − the conflicted member − the applicant
    assert (punkt.stimmen_ja, punkt.stimmen_nein, punkt.beschluss) == (1, 1, Beschluss.ABGELEHNT)
    assert antrag.pk == punkt.antrag_id


# --- The same rules on all three paths ---

CASES = [
    # entitled, yes, no, abstain, tie rule, expected
    (6, 2, 0, 0, "reject", Ergebnis.NICHT_BESCHLUSSFAEHIG),
    (6, 2, 1, 0, "reject", Ergebnis.BEWILLIGT),
    (6, 1, 2, 0, "reject", Ergebnis.ABGELEHNT),
    (6, 2, 2, 0, "reject", Ergebnis.ABGELEHNT),
    (6, 2, 2, 0, "approve", Ergebnis.BEWILLIGT),
    (6, 1, 0, 2, "reject", Ergebnis.BEWILLIGT),
    (6, 0, 0, 3, "approve", Ergebnis.ABGELEHNT),
    (5, 2, 0, 1, "reject", Ergebnis.BEWILLIGT),
]
WERTE = ("yes", "no", "abstain")


def _stimmwerte(ja, nein, enthaltung):
    return ["yes"] * ja + ["no"] * nein + ["abstain"] * enthaltung


def _online(fonds, qm_user, jury, ja, nein, enthaltung):
    antrag = zur_jury(fonds, qm_user, "Online")
    abstimmung = services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("300.00"))
    for member, wert in zip(jury, _stimmwerte(ja, nein, enthaltung), strict=False):
        services.stimme_cast(abstimmung, user=member.user, wert=wert)
    abstimmung.refresh_from_db()
    closed = services.abstimmung_close(abstimmung.pk, now=abstimmung.frist)
    return closed.ergebnis


def _sitzung(fonds, qm_user, jury, ja, nein, enthaltung, *, namentlich):
    JuryRegeln.objects.filter(quartier=fonds.quartier).update(namentliche_abstimmung=namentlich)
    zur_jury(fonds, qm_user, "Sitzung")
    stimmen = _stimmwerte(ja, nein, enthaltung)
    voters = jury[: len(stimmen)]  # the others are absent
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, voters)
    punkt = sitzung.punkte.get()
    if namentlich:
        punkt = beschliessen(
            punkt, qm_user, stimmen={m.pk: w for m, w in zip(voters, stimmen, strict=True)}
        )
    else:
        punkt = beschliessen(punkt, qm_user, ja=ja, nein=nein, enthaltung=enthaltung)
    return {
        Beschluss.BEWILLIGT: Ergebnis.BEWILLIGT,
        Beschluss.ABGELEHNT: Ergebnis.ABGELEHNT,
        Beschluss.NICHT_BESCHLUSSFAEHIG: Ergebnis.NICHT_BESCHLUSSFAEHIG,
    }[punkt.beschluss]


@pytest.mark.parametrize("weg", ["online", "counts", "named"])
@pytest.mark.parametrize(
    ("berechtigt", "ja", "nein", "enthaltung", "gleichstand", "erwartet"), CASES
)
def test_online_counts_and_named_paths_decide_the_same(
    fonds, qm_user, weg, berechtigt, ja, nein, enthaltung, gleichstand, erwartet
):
    jury = jury_fuer(fonds.quartier, berechtigt)
    services.juryregeln_for(fonds.quartier)
    JuryRegeln.objects.filter(quartier=fonds.quartier).update(bei_gleichstand=gleichstand)

    if weg == "online":
        ergebnis = _online(fonds, qm_user, jury, ja, nein, enthaltung)
    else:
        ergebnis = _sitzung(fonds, qm_user, jury, ja, nein, enthaltung, namentlich=weg == "named")

    assert ergebnis == erwartet


# --- Meeting mode: presentation threshold and the running balance ---


def test_approvals_beyond_the_running_balance_are_refused_on_the_spot(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    fonds.budget = Decimal("700.00")
    fonds.save()
    zur_jury(fonds, qm_user, "Eins", betrag_beantragt=Decimal("400.00"))
    zur_jury(fonds, qm_user, "Zwei", betrag_beantragt=Decimal("400.00"))
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury)
    eins, zwei = sitzung.punkte.order_by("position")

    beschliessen(eins, qm_user, ja=3, nein=0, enthaltung=0)
    with pytest.raises(JuryRefused, match="nur noch 300,00 €"):
        beschliessen(zwei, qm_user, ja=3, nein=0, enthaltung=0)
    linie = zwei.antrag.kostenpositionen.get()  # the jury cuts the one cost line
    zwei = beschliessen(
        zwei,
        qm_user,
        ja=3,
        nein=0,
        enthaltung=0,
        betrag=Decimal("300.00"),
        kostenplan={linie.pk: "300"},
    )

    assert zwei.beschluss == Beschluss.BEWILLIGT
    assert sitzung_selectors.laufender_saldo(sitzung, fonds) == Decimal("0.00")


def test_above_the_threshold_an_unpresented_antrag_cannot_be_voted_on(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    zur_jury(fonds, qm_user, "Groß", betrag_beantragt=Decimal("800.00"))
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury)
    punkt = sitzung.punkte.get()

    with pytest.raises(JuryRefused, match="500,00 €"):
        beschliessen(punkt, qm_user, praesentiert=False, ja=3, nein=0, enthaltung=0)
    assert Tagesordnungspunkt.objects.get(pk=punkt.pk).beschluss == ""


def test_more_votes_than_entitled_voters_present_are_refused(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 4)
    zur_jury(fonds, qm_user, "Hoffest")
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury[:3])
    punkt = sitzung.punkte.get()

    with pytest.raises(JuryRefused, match=r"mehr Stimmen erfasst \(3\) .* \(2\)"):
        beschliessen(punkt, qm_user, befangene=[jury[2].pk], ja=2, nein=1, enthaltung=0)

    punkt.refresh_from_db()
    assert (punkt.beschluss, list(punkt.befangene.all())) == ("", [])


# --- Closing ---


def test_closing_applies_what_fits_and_refuses_the_rest_with_a_reason(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    eins = zur_jury(fonds, qm_user, "Eins", betrag_beantragt=Decimal("400.00"))
    zwei = zur_jury(fonds, qm_user, "Zwei", betrag_beantragt=Decimal("400.00"))
    drei = zur_jury(fonds, qm_user, "Drei", betrag_beantragt=Decimal("200.00"))
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury)
    p1, p2, p3 = sitzung.punkte.order_by("position")
    beschliessen(p1, qm_user, ja=3, nein=0, enthaltung=0)
    beschliessen(p2, qm_user, ja=3, nein=0, enthaltung=0)
    beschliessen(p3, qm_user, ja=0, nein=3, enthaltung=0, begruendung="Kein Bezug zum Kiez.")
    # between the evening and the closing, the fund shrank (an online vote elsewhere)
    fonds.budget = Decimal("600.00")
    fonds.save()

    sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))

    status = dict(Antrag.objects.filter(fonds=fonds).values_list("pk", "status"))
    assert status == {
        eins.pk: AntragStatus.APPROVED,
        zwei.pk: AntragStatus.JURY_VOTE,
        drei.pk: AntragStatus.REJECTED,
    }
    p2.refresh_from_db()
    assert p2.umgesetzt is False
    assert "200,00" in p2.umsetzung_hinweis
    assert aktionsfonds_saldo(fonds).verfuegbar == Decimal("200.00")
    assert Antrag.objects.get(pk=drei.pk).entscheidungsgrund == "Kein Bezug zum Kiez."
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GESCHLOSSEN
    # a second close (double click, second tab) changes nothing
    with pytest.raises(JuryRefused) as second:
        sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))
    assert second.value.code == "conflict"
    assert Statuswechsel.objects.filter(antrag=eins, nach_status=AntragStatus.APPROVED).count() == 1


def test_a_meeting_without_quorum_keeps_the_antrag_with_the_jury(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 4)
    antrag = zur_jury(fonds, qm_user, "Hoffest")
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury[:1])
    punkt = beschliessen(sitzung.punkte.get(), qm_user, ja=1, nein=0, enthaltung=0)

    sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))

    punkt.refresh_from_db()
    antrag.refresh_from_db()
    assert (punkt.beschluss, punkt.umgesetzt) == (Beschluss.NICHT_BESCHLUSSFAEHIG, True)
    assert punkt.umsetzung_hinweis == "Nicht beschlussfähig; der Antrag bleibt bei der Jury."
    assert (antrag.status, antrag.betrag_reserviert) == (AntragStatus.JURY_VOTE, Decimal("0.00"))


def test_after_the_close_the_decision_letters_and_emails_come_before_the_minutes(
    fonds, qm_user, monkeypatch
):
    jury = jury_fuer(fonds.quartier, 3)
    ja = zur_jury(fonds, qm_user, "Eins")
    nein = zur_jury(fonds, qm_user, "Zwei")
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury)
    p1, p2 = sitzung.punkte.order_by("position")
    beschliessen(p1, qm_user, ja=3, nein=0, enthaltung=0)
    beschliessen(p2, qm_user, ja=0, nein=3, enthaltung=0)
    sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))
    queued_when_the_minutes_began = []
    protokoll_store = sitzungen.protokoll_store

    def store(*args, **kwargs):
        queued_when_the_minutes_began.extend(
            Benachrichtigung.objects.filter(
                antrag__in=[ja, nein], art__in=["bewilligt", "abgelehnt"]
            ).values_list("art", "antrag")
        )
        return protokoll_store(*args, **kwargs)

    monkeypatch.setattr(sitzungen, "protokoll_store", store)
    queued_tasks = []
    monkeypatch.setattr(
        sitzungen, "task_enqueue_on_commit", lambda name, **kw: queued_tasks.append((name, kw))
    )

    assert sitzungen.sitzung_follow_up(sitzung.pk) == 2
    # the fund's figures and the minutes are tasks of their own, queued behind the decision
    # e-mails' send tasks
    assert queued_tasks == [
        (task_names.REFRESH_FONDSAUSWERTUNG, {"fonds_id": fonds.pk}),
        (task_names.SITZUNG_PROTOKOLL, {"sitzung_id": sitzung.pk}),
    ]
    assert not Sitzung.objects.get(pk=sitzung.pk).protokoll
    assert sitzungen.sitzung_protokoll_create(sitzung.pk) is True  # the queued task's body

    assert sorted(queued_when_the_minutes_began) == [("abgelehnt", nein.pk), ("bewilligt", ja.pk)]
    bewilligt = Benachrichtigung.objects.get(antrag=ja, art="bewilligt")
    assert [name for name, _, _ in attachments_for(bewilligt)] == [ja.dokumente.get().dateiname]
    assert Sitzung.objects.get(pk=sitzung.pk).protokoll
    # a second run (the sweep, a redelivered message) adds nothing
    assert sitzungen.sitzung_follow_up(sitzung.pk) == 2
    assert sitzungen.sitzung_protokoll_create(sitzung.pk) is False
    assert (
        Benachrichtigung.objects.filter(
            antrag__in=[ja, nein], art__in=["bewilligt", "abgelehnt"]
        ).count()
        == 2
    )


def test_a_close_hands_the_worker_one_task_for_all_letters_and_one_for_all_emails(
    fonds, qm_user, monkeypatch, django_capture_on_commit_callbacks
):
    from antraege import enqueue
    from antraege.mail import services as mail_services

    jury = jury_fuer(fonds.quartier, 3)
    antraege = [zur_jury(fonds, qm_user, f"Projekt {n}") for n in range(3)]
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury)
    for punkt, ja in zip(sitzung.punkte.order_by("position"), (3, 3, 0), strict=True):
        beschliessen(punkt, qm_user, ja=ja, nein=3 - ja, enthaltung=0)
    gesendet = []

    def send(name, **kwargs):
        gesendet.append(name)
        return True

    monkeypatch.setattr(enqueue, "task_send", send)
    monkeypatch.setattr(mail_services, "task_send", send)
    with django_capture_on_commit_callbacks(execute=True):
        sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))
    # no letter task per Antrag, no recomputation of the fund's figures ahead of the letters
    assert gesendet == [task_names.SITZUNG_NACHBEREITEN]

    gesendet.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sitzungen.sitzung_follow_up(sitzung.pk) == 3  # the follow-up task's body
    # three letters stored, their three e-mails woke one send task; then the fund's figures
    # (once for its two reservations) and the minutes
    assert gesendet == [
        task_names.SEND_BENACHRICHTIGUNGEN,
        task_names.REFRESH_FONDSAUSWERTUNG,
        task_names.SITZUNG_PROTOKOLL,
    ]
    assert sorted(
        Benachrichtigung.objects.filter(
            antrag__in=antraege, art__in=["bewilligt", "abgelehnt"]
        ).values_list("art", flat=True)
    ) == ["abgelehnt", "bewilligt", "bewilligt"]
    for antrag in antraege:
        assert antrag.dokumente.count() == 1


def test_closing_refuses_while_an_item_is_undecided_and_changes_nothing(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    zur_jury(fonds, qm_user, "Eins")
    sitzung = anwesenheit(sitzung_fuer(fonds.quartier, qm_user), qm_user, jury)

    with pytest.raises(JuryRefused, match="fehlt noch ein Beschluss"):
        sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GEHALTEN


def test_staff_of_another_area_cannot_run_the_meeting(fonds, qm_user, qm_other_user):
    jury = jury_fuer(fonds.quartier, 3)
    zur_jury(fonds, qm_user, "Eins")
    sitzung = sitzung_fuer(fonds.quartier, qm_user)

    with pytest.raises(JuryRefused) as refused:
        anwesenheit(sitzung, qm_other_user, jury)
    assert refused.value.code == "forbidden"
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GEPLANT


# --- Papers and minutes ---


def test_papers_email_goes_to_members_and_deputies_in_their_language_with_an_ics(fonds, qm_user):
    (mitglied,) = jury_fuer(fonds.quartier, 1)
    (stv,) = stellvertretungen_fuer(fonds.quartier, 1)
    mitglieder_services.kontosprache_set(stv.user, "en")
    zur_jury(fonds, qm_user, "Hoffest")
    sitzung = sitzung_fuer(
        fonds.quartier, qm_user, datum=timezone.localdate() + datetime.timedelta(days=5)
    )

    assert sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user)) == 2
    with pytest.raises(JuryRefused):  # once
        sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user))

    rows = {r.empfaenger: r for r in Benachrichtigung.objects.filter(art="sitzung_unterlagen")}
    assert {e: r.sprache for e, r in rows.items()} == {
        mitglied.user.email: "de",
        stv.user.email: "en",
    }
    betreff_de, text_de, _html = render(rows[mitglied.user.email])
    betreff_en, text_en, _html = render(rows[stv.user.email])
    assert betreff_de.startswith("Unterlagen für die Sitzung der Aktionsfondsjury")
    assert betreff_en.startswith("Papers for the meeting of the Aktionsfonds jury")
    assert "Hoffest" in text_de and "Hoffest" in text_en
    anhaenge = {
        name: (inhalt, mimetype) for name, inhalt, mimetype in attachments_for(rows[stv.user.email])
    }
    assert set(anhaenge) == {"sitzung.ics", f"unterlagen-{sitzung.datum:%Y-%m-%d}.pdf"}
    ics, mimetype = anhaenge["sitzung.ics"]
    assert mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in ics and b"Nachbarschaftsetage" in ics
    assert f"DTSTART;TZID=Europe/Berlin:{sitzung.datum:%Y%m%d}T183000".encode() in ics


def test_papers_pdf_holds_every_item_and_no_contact_data(fonds, qm_user):
    jury_fuer(fonds.quartier, 1)
    a = zur_jury(
        fonds,
        qm_user,
        "Hoffest",
        antragsteller_name="Aylin Demir",
        organisation="Hofinitiative",
        antragsteller_telefon="0176 5550123",
        antragsteller_strasse="Koloniestraße 77",
    )
    b = zur_jury(fonds, qm_user, "Lesecafé", antragsteller_strasse="Prinzenallee 3")
    sitzung = sitzung_fuer(fonds.quartier, qm_user)

    text = pdf_text(sitzungen.sitzung_unterlagen_pdf(sitzung))

    for antrag in (a, b):
        assert antrag.titel in text
        assert antrag.referenz in text
        assert antrag.antragsteller_email not in text
        assert antrag.antragsteller_strasse not in text
    assert "Aylin Demir" in text and "Hofinitiative" in text
    assert "0176" not in text and "13359" not in text
    assert "Formal geprüft, förderfähig." in text  # QM's review note
    english = pdf_text(sitzungen.sitzung_unterlagen_pdf(sitzung, language="en"))
    assert english.startswith("Papers of the jury meeting Soldiner Kiez")


def test_minutes_pdf_holds_attendance_decisions_and_tallies(fonds, qm_user):
    m = jury_fuer(fonds.quartier, 4)
    (stv,) = stellvertretungen_fuer(fonds.quartier, 1)
    JuryRegeln.objects.get_or_create(quartier=fonds.quartier)
    JuryRegeln.objects.filter(quartier=fonds.quartier).update(namentliche_abstimmung=True)
    zur_jury(fonds, qm_user, "Hoffest")
    zur_jury(fonds, qm_user, "Lesecafé")
    sitzung = anwesenheit(
        sitzung_fuer(fonds.quartier, qm_user), qm_user, [m[0], m[1], m[2], stv], {stv: m[3]}
    )
    p1, p2 = sitzung.punkte.order_by("position")
    beschliessen(
        p1, qm_user, stimmen={m[0].pk: "yes", m[1].pk: "yes", m[2].pk: "no", stv.pk: "abstain"}
    )
    beschliessen(
        p2, qm_user, befangene=[m[0].pk], stimmen={m[1].pk: "no", m[2].pk: "no", stv.pk: "yes"}
    )
    sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))

    assert sitzungen.sitzung_protokoll_create(sitzung.pk) is True
    sitzung.refresh_from_db()
    with sitzung.protokoll.open("rb") as handle:
        text = pdf_text(handle.read())

    for member in (*m, stv):
        assert member.user.last_name in text
    assert f"{stv.user.get_full_name()} vertritt {m[3].user.get_full_name()}" in text
    assert "Hoffest" in text and "Lesecafé" in text
    assert "Ja: 2 · Nein: 1 · Enthaltungen: 1" in text
    assert "Ja: 1 · Nein: 2 · Enthaltungen: 0" in text
    assert "Bewilligt" in text and "Abgelehnt" in text
    assert f"{m[0].user.get_full_name()}: Ja" in text  # named vote
    assert "Beschlussfähig: ja (4 von 4 Sitzen besetzt)" in text
    assert sitzungen.sitzung_protokoll_create(sitzung.pk) is False  # once


def test_composition_warns_below_the_minimum_size(quartier):
    jury_fuer(quartier, 6)
    stellvertretungen_fuer(quartier, 2)
    JurymitgliedFactory(
        quartier=quartier,
        user=UserFactory(username="ehemalig"),
        ende=timezone.localdate() - datetime.timedelta(days=1),
        beginn=timezone.localdate() - datetime.timedelta(days=400),
    )

    zusammensetzung = sitzungen.jury_zusammensetzung(quartier)

    assert (len(zusammensetzung.mitglieder), len(zusammensetzung.stellvertretungen)) == (6, 2)
    assert zusammensetzung.zu_klein is True
    JurymitgliedFactory(quartier=quartier, rolle=Jurymitglied.Rolle.MITGLIED)
    assert sitzungen.jury_zusammensetzung(quartier).zu_klein is False


def test_members_read_the_agenda_only_once_papers_are_sent(fonds, qm_user, jury_user):
    zur_jury(fonds, qm_user, "Hoffest")
    sitzung = sitzung_fuer(fonds.quartier, qm_user)
    assert permissions.may_read_sitzung_as_jury(Akteur(jury_user), sitzung) is False
    sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user))
    sitzung.refresh_from_db()
    assert permissions.may_read_sitzung_as_jury(Akteur(jury_user), sitzung) is True
    assert permissions.may_read_sitzung_as_jury(Akteur(qm_user), sitzung) is False

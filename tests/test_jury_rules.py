"""The jury's rules: who is entitled, how ballots count, what the decision does to the Antrag."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from antraege.datenschutz.adressen import adresse_confirm
from antraege.factories import AntragFactory, UserFactory
from antraege.models import Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from antraege.zugang.links import antrag_link_token, link_fingerabdruck
from jury.abstimmungen import services
from jury.abstimmungen.models import (
    Abstimmung,
    AbstimmungStatus,
    Ergebnis,
    JuryRegeln,
    Stimmberechtigung,
    Stimme,
)
from jury.abstimmungen.services import Auszaehlung, JuryRefused, auszaehlung_ergebnis
from jury.factories import JurymitgliedFactory, antrag_zur_jury, jury_fuer
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db

HALF = Decimal("0.50")


@pytest.mark.parametrize(
    ("zaehlung", "gleichstand", "erwartet"),
    [
        (
            Auszaehlung(berechtigt=6, ja=2, nein=0, enthaltung=0),
            "reject",
            Ergebnis.NICHT_BESCHLUSSFAEHIG,
        ),
        (Auszaehlung(berechtigt=6, ja=2, nein=1, enthaltung=0), "reject", Ergebnis.BEWILLIGT),
        (Auszaehlung(berechtigt=6, ja=1, nein=2, enthaltung=0), "reject", Ergebnis.ABGELEHNT),
        (Auszaehlung(berechtigt=6, ja=2, nein=2, enthaltung=0), "reject", Ergebnis.ABGELEHNT),
        (Auszaehlung(berechtigt=6, ja=2, nein=2, enthaltung=0), "approve", Ergebnis.BEWILLIGT),
        # abstentions count for the quorum, not for the majority
        (Auszaehlung(berechtigt=6, ja=1, nein=0, enthaltung=2), "reject", Ergebnis.BEWILLIGT),
        (Auszaehlung(berechtigt=6, ja=0, nein=0, enthaltung=3), "approve", Ergebnis.ABGELEHNT),
        (
            Auszaehlung(berechtigt=5, ja=2, nein=0, enthaltung=0),
            "reject",
            Ergebnis.NICHT_BESCHLUSSFAEHIG,
        ),
        (Auszaehlung(berechtigt=5, ja=2, nein=0, enthaltung=1), "reject", Ergebnis.BEWILLIGT),
        (
            Auszaehlung(berechtigt=0, ja=0, nein=0, enthaltung=0),
            "reject",
            Ergebnis.NICHT_BESCHLUSSFAEHIG,
        ),
    ],
)
def test_rules_give_the_result(zaehlung, gleichstand, erwartet):
    assert (
        auszaehlung_ergebnis(zaehlung, quorum_anteil=HALF, bei_gleichstand=gleichstand) == erwartet
    )


@pytest.fixture
def jury(quartier):
    return jury_fuer(quartier, 4)


@pytest.fixture
def bei_jury(antrag, qm_user):
    return antrag_zur_jury(antrag, qm_user)


def eroeffnen(antrag, qm_user, **kwargs):
    kwargs.setdefault("betrag", antrag.betrag_beantragt)
    return services.abstimmung_open(antrag, akteur=Akteur(qm_user), **kwargs)


def schliessen_nach_frist(abstimmung):
    abstimmung.refresh_from_db()
    return services.abstimmung_close(
        abstimmung.pk, now=abstimmung.frist + datetime.timedelta(seconds=1)
    )


def test_defaults_of_the_rules_are_those_of_the_programme(quartier):
    regeln = services.juryregeln_for(quartier)

    assert (
        regeln.quorum_anteil,
        regeln.bei_gleichstand,
        regeln.abstimmungsdauer_tage,
        regeln.erinnerung_stunden,
        regeln.ruhezeit_stunden,
        regeln.offene_abstimmung,
    ) == (Decimal("0.50"), "reject", 7, 48, 12, False)


def test_opening_fixes_entitled_members_and_mails_each(bei_jury, qm_user, jury, quartier):
    ausserhalb = JurymitgliedFactory(
        quartier=quartier,
        beginn=datetime.date(2020, 1, 1),
        ende=timezone.localdate() - datetime.timedelta(days=1),
    )
    before = timezone.now()

    abstimmung = eroeffnen(bei_jury, qm_user)

    assert abstimmung.frist - before >= datetime.timedelta(days=7)
    entitled = set(
        Stimmberechtigung.objects.filter(abstimmung=abstimmung, befangen=False).values_list(
            "mitglied_id", flat=True
        )
    )
    assert entitled == {m.pk for m in jury}
    assert ausserhalb.pk not in entitled
    mails = Benachrichtigung.objects.filter(art="abstimmung_eroeffnet")
    assert sorted(mails.values_list("empfaenger", flat=True)) == sorted(m.user.email for m in jury)
    assert all(f"/jury/abstimmungen/{abstimmung.pk}/" in m.kontext["url"] for m in mails)


def test_opening_only_from_jury_vote_and_only_by_qm_of_the_area(
    antrag, qm_user, qm_other_user, jury
):
    with pytest.raises(JuryRefused) as wrong_state:
        eroeffnen(antrag, qm_user)
    assert wrong_state.value.code == "wrong_state"
    antrag_zur_jury(antrag, qm_user)
    with pytest.raises(JuryRefused) as forbidden:
        eroeffnen(antrag, qm_other_user)

    assert forbidden.value.code == "forbidden"
    assert Abstimmung.objects.count() == 0
    assert Benachrichtigung.objects.filter(art="abstimmung_eroeffnet").count() == 0


def test_second_open_vote_on_the_same_antrag_is_refused(bei_jury, qm_user, jury):
    eroeffnen(bei_jury, qm_user)

    with pytest.raises(JuryRefused):
        eroeffnen(bei_jury, qm_user)

    assert Abstimmung.objects.count() == 1


def test_applicant_on_the_jury_is_excluded_automatically(bei_jury, qm_user, jury):
    jury[0].user.email = bei_jury.antragsteller_email.upper()
    jury[0].user.save()
    # The applicant confirmed the address by opening the link e-mailed to it.
    token = antrag_link_token(bei_jury, email=bei_jury.antragsteller_email)
    assert adresse_confirm(bei_jury, fingerabdruck=link_fingerabdruck(token))

    abstimmung = eroeffnen(bei_jury, qm_user)

    eintrag = Stimmberechtigung.objects.get(abstimmung=abstimmung, mitglied=jury[0])
    assert eintrag.befangen is True
    assert "automatisch" in eintrag.befangenheit_grund
    assert not Benachrichtigung.objects.filter(
        art="abstimmung_eroeffnet", empfaenger__iexact=bei_jury.antragsteller_email
    )
    assert Benachrichtigung.objects.filter(art="abstimmung_eroeffnet").count() == 3
    with pytest.raises(JuryRefused) as refused:
        services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")
    assert refused.value.code == "biased"
    assert Stimme.objects.count() == 0


def test_majority_yes_approves_and_reserves_the_amount(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user, betrag=Decimal("250.00"), auflagen="Flyer mit Logo")
    for member, wert in zip(jury, ["yes", "yes", "no"], strict=False):
        services.stimme_cast(abstimmung, user=member.user, wert=wert)

    closed = schliessen_nach_frist(abstimmung)

    antrag = Antrag.objects.get(pk=bei_jury.pk)
    assert closed.ergebnis == Ergebnis.BEWILLIGT
    assert (closed.anzahl_berechtigt, closed.stimmen_ja, closed.stimmen_nein) == (4, 2, 1)
    assert antrag.status == AntragStatus.APPROVED
    assert (antrag.betrag_bewilligt, antrag.betrag_reserviert) == (Decimal("250.00"),) * 2
    assert antrag.auflagen == "Flyer mit Logo"
    step = Statuswechsel.objects.filter(antrag=antrag).last()
    assert (step.nach_status, step.rolle) == ("approved", "system")
    qm_mail = Benachrichtigung.objects.get(art="abstimmung_geschlossen")
    assert qm_mail.empfaenger == bei_jury.fonds.quartier.qm_email
    # the applicant's decision letter is another module's job: no e-mail to the applicant here
    assert not Benachrichtigung.objects.filter(empfaenger=bei_jury.antragsteller_email).exclude(
        art="antrag_eingegangen"
    )


def test_majority_no_rejects_with_a_reason_but_no_names(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    for member, wert in zip(jury, ["no", "no", "yes"], strict=False):
        services.stimme_cast(abstimmung, user=member.user, wert=wert, kommentar="zu teuer")

    closed = schliessen_nach_frist(abstimmung)

    antrag = Antrag.objects.get(pk=bei_jury.pk)
    assert closed.ergebnis == Ergebnis.ABGELEHNT
    assert antrag.status == AntragStatus.REJECTED
    assert antrag.betrag_reserviert == Decimal("0.00")
    assert (
        antrag.entscheidungsgrund == "Die Aktionsfondsjury hat den Antrag mehrheitlich abgelehnt."
    )
    assert not any(m.user.last_name in antrag.entscheidungsgrund for m in jury)


def test_tie_is_rejected_by_default(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    for member, wert in zip(jury, ["yes", "no", "yes", "no"], strict=True):
        services.stimme_cast(abstimmung, user=member.user, wert=wert)

    closed = schliessen_nach_frist(abstimmung)

    assert closed.ergebnis == Ergebnis.ABGELEHNT
    assert Antrag.objects.get(pk=bei_jury.pk).status == AntragStatus.REJECTED
    assert "Stimmengleichheit" in Antrag.objects.get(pk=bei_jury.pk).entscheidungsgrund


def test_tie_rule_of_the_area_is_copied_at_opening(bei_jury, qm_user, jury, quartier):
    JuryRegeln.objects.create(quartier=quartier, bei_gleichstand="approve")
    abstimmung = eroeffnen(bei_jury, qm_user)
    JuryRegeln.objects.filter(quartier=quartier).update(bei_gleichstand="reject")
    for member, wert in zip(jury, ["yes", "no"], strict=False):
        services.stimme_cast(abstimmung, user=member.user, wert=wert)

    closed = schliessen_nach_frist(abstimmung)

    assert closed.ergebnis == Ergebnis.BEWILLIGT


def test_no_quorum_leaves_the_antrag_with_the_jury_and_qm_may_reopen(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")

    closed = schliessen_nach_frist(abstimmung)

    assert closed.ergebnis == Ergebnis.NICHT_BESCHLUSSFAEHIG
    antrag = Antrag.objects.get(pk=bei_jury.pk)
    assert (antrag.status, antrag.betrag_reserviert) == (AntragStatus.JURY_VOTE, Decimal("0.00"))
    assert Benachrichtigung.objects.get(art="abstimmung_geschlossen").kontext["ergebnis"] == (
        "Nicht beschlussfähig"
    )
    neu = eroeffnen(antrag, qm_user)
    assert neu.ist_offen and neu.pk != abstimmung.pk


def test_abstentions_count_for_quorum_only(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")
    services.stimme_cast(abstimmung, user=jury[1].user, wert="abstain")

    closed = schliessen_nach_frist(abstimmung)

    assert (closed.stimmen_ja, closed.stimmen_nein, closed.stimmen_enthaltung) == (1, 0, 1)
    assert closed.ergebnis == Ergebnis.BEWILLIGT


def test_conflict_shrinks_the_entitled_list_and_withdraws_the_ballot(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    services.stimme_cast(abstimmung, user=jury[0].user, wert="no")
    services.befangenheit_declare(abstimmung, user=jury[0].user, grund="Mitglied der Initiative")
    services.stimme_cast(abstimmung, user=jury[1].user, wert="yes")
    services.stimme_cast(abstimmung, user=jury[2].user, wert="yes")

    closed = schliessen_nach_frist(abstimmung)

    assert (closed.anzahl_berechtigt, closed.stimmen_ja, closed.stimmen_nein) == (3, 2, 0)
    assert closed.ergebnis == Ergebnis.BEWILLIGT
    eintrag = Stimmberechtigung.objects.get(abstimmung=abstimmung, mitglied=jury[0])
    assert (eintrag.befangen, eintrag.befangenheit_grund) == (True, "Mitglied der Initiative")
    with pytest.raises(JuryRefused):
        services.stimme_cast(abstimmung, user=jury[0].user, wert="no")
    assert not Stimme.objects.filter(mitglied=jury[0]).exists()


def test_changed_ballot_counts_once(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")
    services.stimme_cast(abstimmung, user=jury[0].user, wert="no", kommentar="doch nicht")
    services.stimme_cast(abstimmung, user=jury[1].user, wert="no")

    closed = schliessen_nach_frist(abstimmung)

    stimme = Stimme.objects.get(abstimmung=abstimmung, mitglied=jury[0])
    assert (stimme.wert, stimme.kommentar) == ("no", "doch nicht")
    assert stimme.geaendert_am >= stimme.abgegeben_am
    assert (closed.stimmen_ja, closed.stimmen_nein) == (0, 2)
    assert Stimme.objects.filter(abstimmung=abstimmung).count() == 2


@pytest.mark.parametrize("who", ["other_area", "out_of_term", "qm", "no_account"])
def test_who_is_not_entitled_cannot_vote(bei_jury, qm_user, jury, anderes_quartier, who):
    abstimmung = eroeffnen(bei_jury, qm_user)
    if who == "other_area":
        user = JurymitgliedFactory(quartier=anderes_quartier).user
    elif who == "out_of_term":
        user = JurymitgliedFactory(
            quartier=bei_jury.fonds.quartier,
            beginn=timezone.localdate() + datetime.timedelta(days=1),
        ).user
    elif who == "qm":
        user = qm_user
    else:
        user = UserFactory()

    with pytest.raises(JuryRefused) as refused:
        services.stimme_cast(abstimmung, user=user, wert="yes")

    assert refused.value.code == "forbidden"
    assert Stimme.objects.count() == 0


def test_term_ending_during_the_vote_stops_voting(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    jury[0].ende = timezone.localdate() - datetime.timedelta(days=1)
    jury[0].beginn = jury[0].ende - datetime.timedelta(days=30)
    jury[0].save()

    with pytest.raises(JuryRefused):
        services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")
    assert Stimme.objects.count() == 0


def test_ballot_after_closing_is_refused_and_changes_nothing(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")
    services.stimme_cast(abstimmung, user=jury[1].user, wert="yes")
    schliessen_nach_frist(abstimmung)

    with pytest.raises(JuryRefused) as refused:
        services.stimme_cast(abstimmung, user=jury[0].user, wert="no")
    with pytest.raises(JuryRefused):
        services.stimme_cast(abstimmung, user=jury[2].user, wert="no")

    assert refused.value.code == "closed"
    assert sorted(Stimme.objects.values_list("wert", flat=True)) == ["yes", "yes"]


def test_closing_twice_decides_once(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    for member in jury[:3]:
        services.stimme_cast(abstimmung, user=member.user, wert="yes")

    first = schliessen_nach_frist(abstimmung)
    second = schliessen_nach_frist(abstimmung)

    assert first is not None and second is None
    assert Statuswechsel.objects.filter(antrag=bei_jury, nach_status="approved").count() == 1
    assert Benachrichtigung.objects.filter(art="abstimmung_geschlossen").count() == 1


def test_all_voted_closes_only_after_the_grace_period(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    for member in jury:
        services.stimme_cast(abstimmung, user=member.user, wert="yes")
    abstimmung.refresh_from_db()
    letzte = abstimmung.letzte_aenderung_am

    too_early = services.abstimmung_close(
        abstimmung.pk, now=letzte + datetime.timedelta(hours=11, minutes=59)
    )
    assert too_early is None
    assert Antrag.objects.get(pk=bei_jury.pk).status == AntragStatus.JURY_VOTE

    closed = services.abstimmungen_close_due(now=letzte + datetime.timedelta(hours=12))
    assert closed == 1
    assert Antrag.objects.get(pk=bei_jury.pk).status == AntragStatus.APPROVED


def test_not_all_voted_waits_for_the_deadline(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    for member in jury[:3]:
        services.stimme_cast(abstimmung, user=member.user, wert="yes")
    abstimmung.refresh_from_db()

    assert (
        services.abstimmungen_close_due(now=abstimmung.frist - datetime.timedelta(seconds=1)) == 0
    )
    assert services.abstimmungen_close_due(now=abstimmung.frist) == 1


def test_approval_beyond_the_fund_is_not_an_overdraft(bei_jury, qm_user, jury, fonds):
    fonds.budget = Decimal("1000.00")
    fonds.save(update_fields=["budget"])
    andere = AntragFactory(fonds=fonds, betrag_beantragt=Decimal("800.00"))
    antrag_walk_to(andere, "approved", qm_user=qm_user)  # reserves 800 of the 1,000
    abstimmung = eroeffnen(bei_jury, qm_user, betrag=Decimal("300.00"))
    for member in jury[:3]:
        services.stimme_cast(abstimmung, user=member.user, wert="yes")

    closed = schliessen_nach_frist(abstimmung)

    antrag = Antrag.objects.get(pk=bei_jury.pk)
    assert closed.ergebnis == Ergebnis.FONDS_REICHT_NICHT
    assert "200,00" in closed.ergebnis_hinweis
    assert (antrag.status, antrag.betrag_reserviert) == (AntragStatus.JURY_VOTE, Decimal("0.00"))
    qm_mail = Benachrichtigung.objects.get(art="abstimmung_geschlossen")
    assert qm_mail.kontext["ergebnis"] == "Bewilligt, aber der Fonds reicht nicht"


def test_reminder_only_to_those_who_have_not_voted_and_only_once(bei_jury, qm_user, jury):
    abstimmung = eroeffnen(bei_jury, qm_user)
    services.stimme_cast(abstimmung, user=jury[0].user, wert="yes")
    services.befangenheit_declare(abstimmung, user=jury[1].user)
    abstimmung.refresh_from_db()

    assert services.abstimmungen_remind(now=abstimmung.frist - datetime.timedelta(hours=49)) == 0
    sent = services.abstimmungen_remind(now=abstimmung.frist - datetime.timedelta(hours=47))
    again = services.abstimmungen_remind(now=abstimmung.frist - datetime.timedelta(hours=46))

    assert (sent, again) == (2, 0)
    reminders = Benachrichtigung.objects.filter(art="abstimmung_erinnerung")
    assert sorted(reminders.values_list("empfaenger", flat=True)) == sorted(
        [jury[2].user.email, jury[3].user.email]
    )


def test_the_sweep_selects_only_due_votes_in_one_query(
    fonds, qm_user, jury, django_assert_num_queries
):
    def offen(titel):
        return eroeffnen(antrag_zur_jury(AntragFactory(fonds=fonds, titel=titel), qm_user), qm_user)

    alle = offen("Alle haben abgestimmt")
    for member in jury:
        services.stimme_cast(alle, user=member.user, wert="yes")
    alle.refresh_from_db()
    fast = offen("Einer fehlt")
    for member in jury[:3]:
        services.stimme_cast(fast, user=member.user, wert="yes")
    fast.refresh_from_db()
    offen("Niemand hat abgestimmt")
    ruhe_vorbei = alle.letzte_aenderung_am + datetime.timedelta(hours=alle.ruhezeit_stunden)

    # nothing due: one query whatever the number of open votes (not three per vote)
    with django_assert_num_queries(1):
        assert services.abstimmungen_close_due(now=ruhe_vorbei - datetime.timedelta(minutes=1)) == 0
    assert services.abstimmungen_due(now=ruhe_vorbei) == [alle.pk]
    assert services.abstimmungen_close_due(now=ruhe_vorbei) == 1
    # after the last deadline every open vote is due
    offene = Abstimmung.objects.filter(status=AbstimmungStatus.OFFEN)
    spaeter = max(offene.values_list("frist", flat=True))
    assert set(services.abstimmungen_due(now=spaeter)) == {a.pk for a in offene}
    assert fast.pk in services.abstimmungen_due(now=fast.frist)

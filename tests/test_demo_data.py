"""The demo-data command: every role can log in, Anträge reached their states through real moves."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from antraege.antrag.selectors import aktionsfonds_saldo
from antraege.factories import DEMO_PASSWORD
from antraege.models import (
    Aktionsfonds,
    Antrag,
    AntragStatus,
    Benachrichtigung,
    Kostenkategorie,
    Quartier,
    Rueckforderung,
    Statuswechsel,
)
from jury.mitglieder.models import Jurymitglied

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("demo_data", stdout=out)
    return out.getvalue()


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Quartier,
            Aktionsfonds,
            Kostenkategorie,
            get_user_model(),
            Jurymitglied,
            Antrag,
            Statuswechsel,
            Benachrichtigung,
        )
    }


def test_demo_data_builds_areas_people_and_antraege():
    output = run()

    assert sorted(Quartier.objects.values_list("code", flat=True)) == ["SHP", "SOL"]
    for quartier in Quartier.objects.all():
        assert quartier.fonds.count() == 1
        assert quartier.kostenkategorien.filter(foerderung="eligible").exists()
        assert quartier.kostenkategorien.filter(foerderung="excluded").exists()
        assert quartier.jurymitglieder.filter(rolle="member").count() == 7
        assert quartier.jurymitglieder.filter(rolle="deputy").count() == 2
        kuerzel = quartier.code.lower()
        assert sorted(u.username for u in quartier.qm_staff.all()) == [
            f"qm-{kuerzel}",
            f"qm-{kuerzel}-2",
        ]
    assert Antrag.objects.count() == 26
    states = Counter(Antrag.objects.values_list("status", flat=True))
    assert len(states) >= 12
    assert states[AntragStatus.JURY_VOTE] == 5
    for username in ["admin", "qm-sol", "qm-sol-2", "qm-shp", "jury-sol-1", "jury-shp-5"]:
        assert username in output
    assert DEMO_PASSWORD in output
    assert "http://testserver/" in output


def printed_codes(output, username):
    """The recovery codes printed in the login table for ``username``."""
    for line in output.splitlines():
        if line.split()[1:2] == [username]:
            return [word for word in line.split() if len(word) == 10 and word.isupper()]
    return []


def test_demo_logins_work_for_every_role_with_what_the_table_prints(client):
    output = run()

    for username, landing in [
        ("admin", "/qm/"),
        ("qm-sol", "/qm/"),
        ("qm-shp", "/qm/"),
        ("jury-sol-3", "/jury/"),
    ]:
        signed_in = client.post("/anmelden/", {"username": username, "password": DEMO_PASSWORD})
        assert signed_in.status_code == 302, username
        codes = printed_codes(output, username)
        if username.startswith("jury"):
            assert codes == []  # offered, not required
        else:
            assert len(codes) == 3, username
            assert client.get(landing)["Location"].startswith("/anmelden/zwei-faktor/")
            client.post("/anmelden/zwei-faktor/", {"code": codes[0]})
        assert client.get("/uebersicht/")["Location"] == landing
        assert client.get(landing).status_code == 200
        client.post("/abmelden/")
    assert get_user_model().objects.get(username="admin").is_superuser
    assert "Authenticator-App" in output


def test_demo_data_refuses_to_run_in_production(settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="PRODUCTION"):
        run()
    assert get_user_model().objects.count() == 0


def test_demo_antraege_have_a_real_timeline():
    run()

    for antrag in Antrag.objects.all():
        steps = list(antrag.statuswechsel.order_by("zeitpunkt", "pk"))
        if antrag.status == AntragStatus.DRAFT:
            assert steps == []
            continue
        assert steps[0].von_status == AntragStatus.DRAFT
        for earlier, later in zip(steps, steps[1:], strict=False):
            assert later.von_status == earlier.nach_status
        assert steps[-1].nach_status == antrag.status
        assert antrag.referenz.startswith(f"AF-{antrag.fonds.jahr}-{antrag.fonds.quartier.code}-")


def test_demo_fund_balance_matches_the_approvals():
    run()

    sol = Aktionsfonds.objects.get(quartier__code="SOL")
    saldo = aktionsfonds_saldo(sol)
    # Pflanzaktion (640 €, approved, agreement not yet confirmed), Kiezzeitung (1,000 €, in
    # progress: agreement confirmed, 50 % advance paid) and the Nachbarschaftsfrühstück (260 €,
    # approved at last week's meeting) hold money.
    assert (saldo.reserviert, saldo.ausgezahlt) == (Decimal("1400.00"), Decimal("500.00"))
    assert saldo.verfuegbar == sol.budget - Decimal("1900.00")
    shp = Aktionsfonds.objects.get(quartier__code="SHP")
    saldo = aktionsfonds_saldo(shp)
    # Hochbeete (880 €) and Straßenfest (1,000 €, 500 € advance paid) hold money; Kiezputz
    # (220 €) and Adventssingen (300 €) were paid in full; the expired Fotoausstellung gave back
    # what was reserved, its 225 € advance is claimed back and counts as paid until repaid.
    assert (saldo.reserviert, saldo.ausgezahlt) == (Decimal("1380.00"), Decimal("1245.00"))
    assert saldo.verfuegbar == shp.budget - Decimal("2400.00") - Decimal("225.00")
    claim = Rueckforderung.objects.get(antrag__titel="Fotoausstellung")
    assert (claim.anlass, claim.betrag, claim.zurueckgezahlt_am) == (
        "expired",
        Decimal("225.00"),
        None,
    )


def test_demo_data_opens_online_votes_for_the_jury():
    from jury.abstimmungen.models import Abstimmung

    run()

    offene = Abstimmung.objects.filter(geschlossen_am__isnull=True)
    assert sorted(offene.values_list("antrag__titel", flat=True)) == [
        "Nachbarschaftschor",
        "Spielplatzfest",
    ]


def test_demo_data_twice_duplicates_nothing():
    run()
    first = counts()

    run()

    assert counts() == first


def test_demo_data_has_a_held_meeting_and_a_planned_one_with_papers_sent():
    from jury.sitzungen.models import Sitzung

    run()

    gehalten, geplant = Sitzung.objects.filter(quartier__code="SOL").order_by("datum")
    assert (gehalten.status, geplant.status) == ("closed", "papers_sent")
    beschluesse = dict(gehalten.punkte.values_list("antrag__titel", "beschluss"))
    assert beschluesse == {
        "Nachbarschaftsfrühstück": "approved",
        "Bücherschrank am Platz": "rejected",
        "Graffiti-Workshop": "deferred",
    }
    assert gehalten.teilnahmen.filter(vertritt__isnull=False).count() == 1
    assert list(geplant.punkte.order_by("position").values_list("antrag__titel", flat=True)) == [
        "Graffiti-Workshop",
        "Kinderflohmarkt",
    ]
    assert Benachrichtigung.objects.filter(art="sitzung_unterlagen").count() == 2 * 9


def test_the_demo_past_leaves_no_email_to_send_and_no_letter_to_render(
    django_capture_on_commit_callbacks, monkeypatch
):
    from antraege.dokumente.selectors import dokumente_missing
    from antraege.mail import outbox
    from antraege.mail import services as mail_services
    from jury.sitzungen.models import Sitzung

    dispatched = []
    monkeypatch.setattr(mail_services, "dispatch", lambda pk=None: dispatched.append(pk) or True)

    with django_capture_on_commit_callbacks(execute=True):
        run()

    # its e-mails are history: recorded as sent, with the subject they would have had
    assert Benachrichtigung.objects.count() > 40
    assert not Benachrichtigung.objects.filter(gesendet_am__isnull=True).exists()
    assert not Benachrichtigung.objects.filter(betreff="").exists()
    bewilligt = Benachrichtigung.objects.filter(art="bewilligt").select_related("antrag").first()
    assert bewilligt.antrag.referenz in bewilligt.betreff
    # its letters and minutes exist: the tasks its commit queued find nothing left to do
    assert dokumente_missing(older_than=timedelta(0)) == []
    assert not Sitzung.objects.filter(status="closed", protokoll="").exists()
    # the send tasks its commit asked for find nothing to send
    assert dispatched
    assert outbox.benachrichtigungen_send(execution=outbox.execution_new()).gesendet == []

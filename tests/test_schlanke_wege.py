"""The two busiest POSTs stay lean: a ballot and the final submit, counted in statements.

Their guarantees (one ballot per member, refusals that change nothing, a submit that happens once)
are tested in test_jury_views.py, test_jury_concurrency.py and test_resident_form.py; here the
cost. Timings under load are measured by bench/load.py, not here.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from antraege.models import AntragStatus, Benachrichtigung
from antraege.roles import Akteur, grant_applicant_access
from jury.abstimmungen import services
from jury.abstimmungen.models import Stimme
from jury.factories import antrag_zur_jury, jury_fuer

pytestmark = pytest.mark.django_db


def statements(captured):
    return [q["sql"] for q in captured.captured_queries]


@pytest.fixture
def abstimmung(antrag, qm_user, quartier):
    jury_fuer(quartier, 3)
    antrag_zur_jury(antrag, qm_user)
    return services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("280.00"))


def test_a_ballot_post_takes_few_statements_and_checks_the_entitlement_once(
    client, staff_login, abstimmung
):
    member = abstimmung.stimmberechtigungen.select_related("mitglied__user").first().mitglied
    staff_login(client, member.user)
    url = reverse("jury:abstimmung", kwargs={"pk": abstimmung.pk})

    with CaptureQueriesContext(connection) as first:
        response = client.post(url, {"wert": "yes", "kommentar": ""})
    with CaptureQueriesContext(connection) as changed:
        client.post(url, {"wert": "no", "kommentar": "doch nicht"})

    assert response.status_code == 302
    assert list(Stimme.objects.values_list("mitglied", "wert", "kommentar")) == [
        (member.pk, "no", "doch nicht")
    ]
    for captured in (first, changed):
        sql = statements(captured)
        print(len(sql), *sql, sep="\n")
        # one of them: the signed-in second factor's device (django-otp); two: whether the person
        # is QM or jury anywhere (the page's languages); three: the page's access check before the
        # ballot (the vote with its area, the person's QM areas, jury membership of the area)
        assert len(sql) <= 13
        assert sum("jury_stimmberechtigung" in s.split("WHERE")[0] for s in sql) == 1


def test_the_final_submit_loads_the_antrag_and_its_cost_lines_once(client, antrag):
    session = client.session
    grant_applicant_access(session, antrag)
    session.save()
    url = reverse("antraege:pruefen", kwargs={"pk": antrag.pk})

    with CaptureQueriesContext(connection) as captured:
        response = client.post(url)

    assert response.status_code == 302
    antrag.refresh_from_db()
    assert antrag.status == AntragStatus.SUBMITTED and antrag.referenz
    assert Benachrichtigung.objects.filter(antrag=antrag, art="antrag_eingegangen").count() == 1
    sql = statements(captured)
    print(len(sql), *sql, sep="\n")
    # besides: the applicant's access check reads the link versions only (antraege/zugang/session.py)
    selects = [
        s
        for s in sql
        if s.startswith("SELECT")
        and not s.startswith(
            'SELECT "antraege_antrag"."id" AS "pk", "antraege_antrag"."link_version"'
        )
    ]
    assert sum('FROM "antraege_antrag"' in s for s in selects) == 1
    assert sum('FROM "antraege_kostenposition"' in s for s in selects) == 1
    # among them: the applicant access check (link versions), the savepoint and release of the
    # move machine's own atomic block (workflow.machine), the address's mail budget (one count)
    assert len(sql) <= 16


def test_a_changed_ballot_keeps_its_first_time_and_a_refused_one_leaves_no_trace(
    client, abstimmung, qm_user
):
    from jury.abstimmungen.models import Abstimmung

    member = abstimmung.stimmberechtigungen.select_related("mitglied__user").first().mitglied
    services.stimme_cast(abstimmung, user=member.user, wert="yes")
    first = Stimme.objects.get()
    services.stimme_cast(abstimmung.pk, user=member.user, wert="abstain", kommentar=" hm ")
    changed = Stimme.objects.get()
    stamp = Abstimmung.objects.get(pk=abstimmung.pk).letzte_aenderung_am

    with pytest.raises(services.JuryRefused, match="Mitarbeitende des QM stimmen nicht ab"):
        services.stimme_cast(abstimmung, user=qm_user, wert="no")
    Abstimmung.objects.filter(pk=abstimmung.pk).update(frist=abstimmung.eroeffnet_am)
    with pytest.raises(services.JuryRefused, match="Die Abstimmung ist geschlossen"):
        services.stimme_cast(abstimmung, user=member.user, wert="no")

    assert (changed.pk, changed.abgegeben_am, changed.wert, changed.kommentar) == (
        first.pk,
        first.abgegeben_am,
        "abstain",
        "hm",
    )
    assert changed.geaendert_am > first.geaendert_am
    assert list(Stimme.objects.values_list("wert", flat=True)) == ["abstain"]
    assert Abstimmung.objects.get(pk=abstimmung.pk).letzte_aenderung_am == stamp

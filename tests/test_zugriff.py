"""Who may open which page of an Antrag: every role × every kind of page → the status it answers.

The rule (``antraege.zugriff``, docs/architecture.md "Access"): a page of a role the
person does not have at all answers before any Antrag is looked up (login page, or 403 "für das
QM"); an Antrag that does not exist, is a draft (for staff), is in another area, or is not the
applicant's own answers 404, so nobody learns that it exists; a person of the area whose role or
the state does not allow the step gets 403 with the reason. Revoked applicant links answer 410
(``test_antragsteller_zugang.py``). A refused request changes nothing.
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from antraege.factories import AntragFactory, UserFactory
from antraege.models import Anhang, Antrag, Statuswechsel
from antraege.roles import Akteur, grant_applicant_access
from jury.abstimmungen import services as jury_services
from jury.factories import JurymitgliedFactory, antrag_zur_jury
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db

OK, LOGIN = "ok", "login"

# kind of page: (its pages, status by role)
APPLICANT = {r: 404 for r in ("anonymous", "other_applicant", "nobody", "jury", "qm", "admin")}
APPLICANT |= {"applicant": OK, "jury_other_area": 404, "qm_other_area": 404}
LOGGED_OUT = {"anonymous": LOGIN, "applicant": LOGIN, "other_applicant": LOGIN}
STAFF_READ = LOGGED_OUT | {
    "nobody": 403,
    "jury": 403,
    "jury_other_area": 403,
    "qm": OK,
    "qm_other_area": 404,
    "admin": OK,
}
STAFF_ACT = STAFF_READ | {"admin": 403}
JURY = LOGGED_OUT | {
    "nobody": 404,
    "jury": OK,
    "jury_other_area": 404,
    "qm": 403,
    "qm_other_area": 404,
    "admin": 403,
}
ROLES = tuple(APPLICANT)


def pages(antrag, anhang, abstimmung):
    """name: (method, url, expected status by role)."""
    a, b, fonds = antrag.pk, abstimmung.antrag_id, antrag.fonds_id
    return {
        # the applicant's pages ("Mein Antrag", form, settlement, money)
        "mein_antrag": ("get", reverse("antraege:mein_antrag", args=[a]), APPLICANT),
        "schritt": ("get", reverse("antraege:schritt", args=[a, 1]), APPLICANT),
        "mein_abrechnung": ("get", reverse("abrechnung:mein_abrechnung", args=[a]), APPLICANT),
        "mein_sachbericht": ("post", reverse("abrechnung:mein_sachbericht", args=[a]), APPLICANT),
        "mein_bankverbindung": (
            "post",
            reverse("abrechnung:mein_bankverbindung", args=[a]),
            APPLICANT,
        ),
        # QM reads
        "qm_detail": ("get", reverse("qm:antrag_detail", args=[a]), STAFF_READ),
        "qm_fonds_bericht": ("get", reverse("qm:fonds_bericht", args=[fonds]), STAFF_READ),
        "qm_fonds_csv": ("get", reverse("abrechnung:fonds_bericht_csv", args=[fonds]), STAFF_READ),
        "jury_qm_abstimmung": (
            "get",
            reverse("jury:qm_abstimmung", args=[abstimmung.pk]),
            STAFF_READ,
        ),
        # QM acts (admins look, they do not act)
        "qm_schritt": ("post", reverse("qm:antrag_schritt", args=[a, "start_review"]), STAFF_ACT),
        "qm_anhang": ("get", reverse("qm:anhang", args=[a, anhang.pk]), STAFF_ACT),
        "qm_handlungsfelder": (
            "post",
            reverse("qm:antrag_handlungsfelder", args=[a]),
            STAFF_ACT,
        ),
        "qm_korrigieren": ("get", reverse("qm:antrag_korrigieren", args=[a]), STAFF_ACT),
        "qm_kostenarten": (
            "get",
            reverse("qm:kostenarten", args=[antrag.fonds.quartier_id]),
            STAFF_ACT,
        ),
        "qm_fonds_buchhaltung": ("get", reverse("qm:fonds_buchhaltung", args=[fonds]), STAFF_ACT),
        "qm_abrechnung": ("get", reverse("abrechnung:qm_abrechnung", args=[a]), STAFF_ACT),
        "qm_abschlag": ("post", reverse("abrechnung:qm_abschlag", args=[a]), STAFF_ACT),
        "qm_bankverbindung": ("post", reverse("abrechnung:qm_bankverbindung", args=[a]), STAFF_ACT),
        "jury_qm_eroeffnen": ("get", reverse("jury:qm_eroeffnen", args=[b]), STAFF_ACT),
        # the jury's ballot
        "stimmzettel": ("get", reverse("jury:abstimmung", args=[abstimmung.pk]), JURY),
        "befangenheit": ("get", reverse("jury:befangenheit", args=[abstimmung.pk]), JURY),
    }


@pytest.fixture
def welt(antrag, qm_user, qm_other_user, admin_user, jury_user, anderes_quartier):
    """An Antrag with its project under way (and an attachment), one at the jury with an open
    online vote, and a user for every role."""
    laufend = antrag_walk_to(antrag, "in_progress", qm_user=qm_user)
    anhang = Anhang(
        antrag=laufend, originalname="angebot.pdf", content_type="application/pdf", groesse=9
    )
    anhang.datei.save("angebot.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    bei_der_jury = antrag_zur_jury(AntragFactory(fonds=antrag.fonds), qm_user)
    abstimmung = jury_services.abstimmung_open(
        bei_der_jury, akteur=Akteur(qm_user), betrag=Decimal("200.00")
    )
    users = {
        "nobody": UserFactory(username="niemand"),
        "jury": jury_user,
        "jury_other_area": JurymitgliedFactory(quartier=anderes_quartier).user,
        "qm": qm_user,
        "qm_other_area": qm_other_user,
        "admin": admin_user,
    }
    return laufend, anhang, abstimmung, users


def sign_in(client, staff_login, role, antrag, users):
    if role == "applicant":
        session = client.session
        grant_applicant_access(session, antrag)
        session.save()
    elif role == "other_applicant":
        session = client.session
        grant_applicant_access(session, AntragFactory(fonds=antrag.fonds))
        session.save()
    elif role in users:
        staff_login(client, users[role])


def answer(response):
    if response.status_code == 302 and response["Location"].startswith(reverse("login")):
        return LOGIN
    if response.status_code in (403, 404, 410):
        return response.status_code
    return OK


def snapshot(*antraege):
    return [
        (
            a.status,
            a.betrag_ausgezahlt,
            a.handlungsfelder.count(),
            Statuswechsel.objects.filter(antrag=a).count(),
            hasattr(a, "bankverbindung"),
            getattr(getattr(a, "sachbericht", None), "text", None),
        )
        for a in Antrag.objects.filter(pk__in=[x.pk for x in antraege]).order_by("pk")
    ]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_by_the_one_rule(client, staff_login, welt, role):
    antrag, anhang, abstimmung, users = welt
    sign_in(client, staff_login, role, antrag, users)
    before = snapshot(antrag, abstimmung.antrag)

    seen, expected, may_post = {}, {}, False
    for name, (method, url, rule) in pages(antrag, anhang, abstimmung).items():
        seen[name] = answer(getattr(client, method)(url))
        expected[name] = rule[role]
        may_post |= method == "post" and rule[role] == OK

    assert seen == expected
    if not may_post:
        assert snapshot(antrag, abstimmung.antrag) == before


@pytest.mark.parametrize(
    "name", ["qm:antrag_detail", "abrechnung:qm_abrechnung", "jury:qm_eroeffnen", "qm:anhang"]
)
def test_draft_answers_404_to_staff_of_its_area(client, staff_login, antrag, qm_user, name):
    staff_login(client, qm_user)
    args = [antrag.pk, 1] if name == "qm:anhang" else [antrag.pk]

    response = client.get(reverse(name, args=args))

    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()
    assert antrag.titel not in response.content.decode()  # not even what it is called


def test_missing_antrag_answers_404_everywhere(client, staff_login, qm_user, antrag):
    staff_login(client, qm_user)
    missing = Antrag.objects.order_by("-pk").first().pk + 1000

    for name in (
        "qm:antrag_detail",
        "abrechnung:qm_abrechnung",
        "jury:qm_eroeffnen",
        "antraege:mein_antrag",
        "abrechnung:mein_abrechnung",
        "jury:abstimmung",
    ):
        response = client.get(reverse(name, args=[missing]))
        assert response.status_code == 404, name
        assert "Seite nicht gefunden" in response.content.decode(), name

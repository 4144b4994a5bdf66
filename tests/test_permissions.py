"""Who may make which move of the formal check, in every state; a refused move changes nothing.

The expectation below is written from ``domain.md``, not read from the flow: applicants submit and
withdraw their own Antrag; QM staff of the area make the formal-check moves; the jury makes none of
them; admins may look at everything but do not act on Anträge (our documented choice: an admin who
should act is added as QM staff of the area).
"""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse

from antraege.models import Anhang, Antrag, AntragStatus, Benachrichtigung, Statuswechsel
from workflow.moves import MoveRefused, antrag_move, available_moves
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db

S = AntragStatus
BEFORE_DECISION = {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED, S.JURY_VOTE}

# move: (states it starts from, the one role that may make it, the state it reaches)
ALLOWED = {
    "submit": ({S.DRAFT, S.CHANGES_REQUESTED}, "applicant", S.SUBMITTED),
    "withdraw": (BEFORE_DECISION, "applicant", S.WITHDRAWN),
    "start_review": ({S.SUBMITTED}, "qm", S.IN_REVIEW),
    "request_changes": ({S.SUBMITTED, S.IN_REVIEW}, "qm", S.CHANGES_REQUESTED),
    "declare_ineligible": ({S.IN_REVIEW}, "qm", S.INELIGIBLE),
    "put_to_jury": ({S.IN_REVIEW}, "qm", S.JURY_VOTE),
    "return_to_review": ({S.JURY_VOTE}, "qm", S.IN_REVIEW),
}
ROLES = (
    "anonymous",
    "applicant",
    "other_applicant",
    "qm",
    "qm_other_area",
    "jury",
    "admin",
    "system",
)


def snapshot(antrag):
    antrag = Antrag.objects.get(pk=antrag.pk)
    return {
        "status": antrag.status,
        "referenz": antrag.referenz,
        "pruefvermerk": antrag.pruefvermerk,
        "entscheidungsgrund": antrag.entscheidungsgrund,
        "geaendert_am": antrag.geaendert_am,
        "timeline": list(
            Statuswechsel.objects.filter(antrag=antrag).values_list("von_status", "nach_status")
        ),
        "outbox": list(
            Benachrichtigung.objects.filter(antrag=antrag).values_list("art", "empfaenger")
        ),
    }


@pytest.mark.parametrize("status", list(S))
def test_move_allowed_exactly_where_the_rules_say(akteure, antrag, qm_user, status):
    antrag = antrag_walk_to(antrag, status, qm_user=qm_user)
    expected = {
        move: {role: role == allowed_role and status in states for role in ROLES}
        for move, (states, allowed_role, _target) in ALLOWED.items()
    }

    outcome, offered = {}, {}
    for move, (_states, _role, target) in ALLOWED.items():
        outcome[move], offered[move] = {}, {}
        # each move from the same state: the allowed one is undone with its savepoint
        with transaction.atomic():
            # the allowed role goes last: its move changes the Antrag, every other attempt must not
            for role in sorted(ROLES, key=lambda role: expected[move][role]):
                offered[move][role] = move in dict(available_moves(antrag, akteure[role]))
                before = snapshot(antrag)
                try:
                    antrag_move(
                        antrag, move, akteur=akteure[role], kommentar="Begründung und Nachricht"
                    )
                except MoveRefused as refused:
                    outcome[move][role] = False
                    assert refused.message
                    assert snapshot(antrag) == before, f"{role}: refused {move} changed the Antrag"
                else:
                    outcome[move][role] = True
                    last = Statuswechsel.objects.filter(antrag=antrag).last()
                    assert (last.von_status, last.nach_status) == (status, target)
                    assert Antrag.objects.get(pk=antrag.pk).status == target
            transaction.set_rollback(True)
        assert Antrag.objects.get(pk=antrag.pk).status == status

    assert outcome == expected
    assert offered == expected


# --- HTTP level: the QM pages ---


@pytest.fixture
def anhang(eingereicht):
    anhang = Anhang(
        antrag=eingereicht, originalname="angebot.pdf", content_type="application/pdf", groesse=9
    )
    anhang.datei.save("angebot.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return anhang


def urls(antrag, anhang=None):
    result = {
        "dashboard": ("get", reverse("qm:dashboard")),
        "detail": ("get", reverse("qm:antrag_detail", args=[antrag.pk])),
        "move": ("post", reverse("qm:antrag_schritt", args=[antrag.pk, "start_review"])),
    }
    if anhang:
        result["anhang"] = ("get", reverse("qm:anhang", args=[antrag.pk, anhang.pk]))
    return result


def request(client, method, url):
    return getattr(client, method)(url)


def test_anonymous_and_applicant_are_sent_to_login(client, eingereicht, anhang):
    before = snapshot(eingereicht)
    session = client.session
    session["mein_antrag_ids"] = [eingereicht.pk]  # holding the applicant's link is not a login
    session.save()

    for name, (method, url) in urls(eingereicht, anhang).items():
        response = request(client, method, url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name

    assert snapshot(eingereicht) == before


def test_jury_member_gets_403_on_qm_pages(client, staff_login, eingereicht, anhang, jury_user):
    before = snapshot(eingereicht)
    staff_login(client, jury_user)

    for name, (method, url) in urls(eingereicht, anhang).items():
        assert request(client, method, url).status_code == 403, name

    assert snapshot(eingereicht) == before


def test_qm_of_another_area_gets_404_and_changes_nothing(
    client, staff_login, eingereicht, anhang, qm_other_user
):
    before = snapshot(eingereicht)
    staff_login(client, qm_other_user)

    assert client.get(reverse("qm:dashboard")).context["antraege"] == []
    for name in ("detail", "move", "anhang"):
        method, url = urls(eingereicht, anhang)[name]
        assert request(client, method, url).status_code == 404, name
    for move in ("request_changes", "declare_ineligible", "put_to_jury"):
        response = client.post(
            reverse("qm:antrag_schritt", args=[eingereicht.pk, move]),
            {f"{move}-kommentar": "Fremde Nachricht"},
        )
        assert response.status_code == 404, move

    assert snapshot(eingereicht) == before


def test_admin_sees_but_cannot_act(client, staff_login, eingereicht, anhang, admin_user):
    before = snapshot(eingereicht)
    staff_login(client, admin_user)

    detail = client.get(reverse("qm:antrag_detail", args=[eingereicht.pk]))
    refused = client.post(reverse("qm:antrag_schritt", args=[eingereicht.pk, "start_review"]))
    download = client.get(reverse("qm:anhang", args=[eingereicht.pk, anhang.pk]))

    assert detail.status_code == 200
    assert detail.context["moves"] == []
    assert refused.status_code == 403
    assert "Sie dürfen diesen Schritt nicht ausführen." in refused.content.decode()
    assert download.status_code == 403  # attachments: QM of the area only
    assert snapshot(eingereicht) == before


def test_forged_move_not_available_in_this_state_is_refused(
    client, staff_login, eingereicht, qm_user
):
    before = snapshot(eingereicht)
    staff_login(client, qm_user)

    response = client.post(
        reverse("qm:antrag_schritt", args=[eingereicht.pk, "put_to_jury"]),
        {"put_to_jury-kommentar": "Übersprungen"},
    )

    assert response.status_code == 409
    assert "Dieser Schritt ist im Status „Eingereicht“ nicht möglich." in response.content.decode()
    assert snapshot(eingereicht) == before


@pytest.mark.parametrize("move", ["approve", "reject", "mark_paid", "submit", "withdraw", "nix"])
def test_moves_of_other_pages_cannot_be_posted_here(
    client, staff_login, eingereicht, qm_user, move
):
    antrag_walk_to(eingereicht, "jury_vote", qm_user=qm_user)
    before = snapshot(eingereicht)
    staff_login(client, qm_user)

    response = client.post(reverse("qm:antrag_schritt", args=[eingereicht.pk, move]))

    assert response.status_code == 404
    assert snapshot(eingereicht) == before


def test_draft_is_not_visible_to_staff(client, staff_login, antrag, qm_user):
    staff_login(client, qm_user)

    assert client.get(reverse("qm:antrag_detail", args=[antrag.pk])).status_code == 404


# --- The predicates of antraege.permissions: role × object × action ---

# action (predicate) → the roles it allows; the object is the one named in ``OBJEKT``
MAY = {
    "may_view_antrag_as_staff": {"qm", "admin"},
    "may_act_on_antrag_as_qm": {"qm"},
    "may_act_on_antrag_as_applicant": {"applicant"},
    "may_act_on_antrag_as_applicant_or_qm": {"applicant", "qm"},
    "may_act_on_antrag_as_qm_or_system": {"qm", "system"},
    "may_view_aktionsfonds": {"qm", "admin"},
    "may_close_aktionsfonds": {"qm"},
    "may_edit_aktionsfonds_buchhaltung": {"qm"},
    "may_translate_kostenkategorien": {"qm"},
    "may_confirm_auszahlungsanordnung": {"qm"},
    "may_release_auszahlungsanordnung": {"qm"},
    "may_handle_sepa_datei": {"qm"},
    "may_view_jury_of_area": {"qm", "admin"},
    "may_manage_jury_of_area": {"qm"},
    "may_run_sitzung": {"qm"},
    "may_send_sitzung_papers": {"qm", "system"},
    "may_read_sitzung_as_jury": {"member", "deputy", "biased_member"},
    "may_read_sitzung": {"qm", "member", "deputy", "biased_member"},
    "may_open_abstimmung": {"qm"},
    "may_close_abstimmung": {"system"},
    "may_view_abstimmung_as_staff": {"qm", "admin"},
    "may_open_ballot_page": {"qm", "admin", "member", "deputy", "biased_member"},
    "may_vote": {"member"},
    "may_vote_as_person": {"member", "deputy", "biased_member", "qm_other_area", "admin"},
}
OBJEKT = {
    "may_view_aktionsfonds": "fonds",
    "may_close_aktionsfonds": "fonds",
    "may_edit_aktionsfonds_buchhaltung": "fonds",
    "may_handle_sepa_datei": "quartier_id",
    "may_translate_kostenkategorien": "quartier_id",
    "may_view_jury_of_area": "quartier_id",
    "may_manage_jury_of_area": "quartier_id",
    "may_run_sitzung": "sitzung",
    "may_send_sitzung_papers": "sitzung",
    "may_read_sitzung_as_jury": "sitzung",
    "may_read_sitzung": "sitzung",
    "may_close_abstimmung": "abstimmung",
    "may_view_abstimmung_as_staff": "abstimmung",
    "may_open_ballot_page": "abstimmung",
    "may_vote": "abstimmung",
    "may_vote_as_person": "abstimmung",
}
MATRIX_ROLES = (
    "applicant",
    "qm",
    "qm_other_area",
    "member",
    "deputy",
    "biased_member",
    "admin",
    "anonymous",
    "system",
)


@pytest.fixture
def welt(antrag, qm_user, qm_other_user, admin_user):
    """An Antrag at the jury with an online vote (one member declared biased) and a meeting whose
    papers were sent, and every role of the matrix."""
    from antraege.roles import Akteur
    from jury.abstimmungen import services as jury_services
    from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer, stellvertretungen_fuer
    from jury.sitzungen import services as sitzungen

    member, biased = jury_fuer(antrag.fonds.quartier, 2)
    (deputy,) = stellvertretungen_fuer(antrag.fonds.quartier, 1)
    antrag = antrag_zur_jury(antrag, qm_user)
    abstimmung = jury_services.abstimmung_open(
        antrag, akteur=Akteur(qm_user), betrag=antrag.betrag_beantragt
    )
    jury_services.befangenheit_declare(abstimmung, user=biased.user, grund="Nachbarin")
    sitzung = sitzung_fuer(antrag.fonds.quartier, qm_user)
    sitzung.punkte.create(antrag=antrag, position=1)
    sitzungen.sitzung_einladungen_send(sitzung, akteur=Akteur(qm_user))
    sitzung.refresh_from_db()
    return {
        "objekte": {
            "antrag": antrag,
            "fonds": antrag.fonds,
            "quartier_id": antrag.fonds.quartier_id,
            "sitzung": sitzung,
            "abstimmung": abstimmung,
        },
        "rollen": {
            "applicant": Akteur(None, antrag_ids=[antrag.pk]),
            "qm": Akteur(qm_user),
            "qm_other_area": Akteur(qm_other_user),
            "member": Akteur(member.user),
            "deputy": Akteur(deputy.user),
            "biased_member": Akteur(biased.user),
            "admin": Akteur(admin_user),
            "anonymous": Akteur(None),
            "system": Akteur.system_akteur(),
        },
    }


def test_every_predicate_answers_as_the_rules_say_for_every_role(welt):
    from antraege.permissions import PREDICATES

    answered = {
        name: {
            role
            for role, akteur in welt["rollen"].items()
            if PREDICATES[name](akteur, welt["objekte"][OBJEKT.get(name, "antrag")])
        }
        for name in MAY
    }

    assert set(MAY) == set(PREDICATES)  # a new predicate needs its row here
    assert set(welt["rollen"]) == set(MATRIX_ROLES)
    assert answered == MAY


def test_a_meeting_before_its_papers_is_the_jurys_to_read_only_afterwards(welt, qm_user):
    from antraege.permissions import may_read_sitzung
    from jury.factories import sitzung_fuer

    geplant = sitzung_fuer(welt["objekte"]["fonds"].quartier, qm_user)

    readers = {role for role, a in welt["rollen"].items() if may_read_sitzung(a, geplant)}
    assert readers == {"qm"}


def test_the_ballot_page_of_another_areas_vote_is_404_before_any_ballot(
    client, staff_login, welt, qm_other_user
):
    from jury.abstimmungen.models import Stimme

    abstimmung = welt["objekte"]["abstimmung"]
    staff_login(client, qm_other_user)

    response = client.post(
        reverse("jury:abstimmung", args=[abstimmung.pk]), {"wert": "yes", "kommentar": "x"}
    )

    assert response.status_code == 404
    assert not Stimme.objects.filter(abstimmung=abstimmung).exists()


def test_templates_ask_the_same_predicates(rf, welt):
    from django.template import Context, Template, TemplateSyntaxError

    template = Template(
        '{% load darf %}{% darf "may_close_aktionsfonds" fonds as d %}{{ d|yesno:"ja,nein" }}'
    )
    answers = {}
    for role, akteur in welt["rollen"].items():
        request = rf.get("/")
        request.akteur = akteur
        answers[role] = template.render(
            Context({"request": request, "fonds": welt["objekte"]["fonds"]})
        )

    assert {role for role, answer in answers.items() if answer == "ja"} == {"qm"}
    with pytest.raises((KeyError, TemplateSyntaxError)):
        Template('{% load darf %}{% darf "may_everything" fonds as d %}').render(
            Context({"request": request, "fonds": welt["objekte"]["fonds"]})
        )


# The role predicates the pages ask before anything is looked up (no object).
IST = {
    "is_staff": {"qm", "qm_other_area", "admin"},
    "is_qm_staff_anywhere": {"qm", "qm_other_area"},
    "is_admin": {"admin"},
}


def test_every_role_predicate_answers_for_every_role(welt):
    from antraege import permissions

    answered = {
        name: {
            role for role, akteur in welt["rollen"].items() if getattr(permissions, name)(akteur)
        }
        for name in IST
    }
    assert answered == IST

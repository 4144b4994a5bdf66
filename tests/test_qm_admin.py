"""The Django admin: areas, funds, categories, users and jury are manageable; states move only
through ``antrag_move``."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from antraege.models import Antrag, AntragStatus, Quartier, Statuswechsel
from jury.mitglieder.models import Jurymitglied

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "antraege/quartier",
        "antraege/aktionsfonds",
        "antraege/kostenkategorie",
        "antraege/antrag",
        "auth/user",
        "jury/jurymitglied",
    ],
)
def test_admin_pages_open(client, staff_login, admin_user, eingereicht, jury_user, model):
    staff_login(client, admin_user)

    changelist = client.get(f"/admin/{model}/")

    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count >= 1


def test_admin_change_pages_of_fund_and_user_show_balance_and_roles(
    client, staff_login, admin_user, eingereicht, qm_user
):
    staff_login(client, admin_user)

    fonds_page = client.get(
        reverse("admin:antraege_aktionsfonds_change", args=[eingereicht.fonds_id])
    )
    user_page = client.get(reverse("admin:auth_user_change", args=[qm_user.pk]))

    assert "verfügbar 10.000,00 €" in fonds_page.content.decode()
    assert user_page.status_code == 200
    inline_models = {formset.opts.model for formset in user_page.context["inline_admin_formsets"]}
    assert inline_models == {Quartier.qm_staff.through, Jurymitglied}


def test_admin_creates_a_jury_member(client, staff_login, admin_user, quartier):
    person = get_user_model().objects.create_user("neu-in-der-jury")
    staff_login(client, admin_user)

    data = {
        "user": person.pk,
        "quartier": quartier.pk,
        "rolle": "deputy",
        "beginn": "01.01.2026",
        "ende": "",
        "gewaehlt_am": "15.11.2025",
    }

    refused = client.post(reverse("admin:jury_jurymitglied_add"), data)
    response = client.post(
        reverse("admin:jury_jurymitglied_add"), {**data, "mindestalter_bestaetigt": "on"}
    )

    assert refused.status_code == 200
    assert "mindestens 16 Jahre" in refused.content.decode()
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Jurymitglied.objects.get(user=person)
    assert (member.quartier, member.rolle, str(member.gewaehlt_am)) == (
        quartier,
        "deputy",
        "2025-11-15",
    )


def test_status_cannot_be_edited_in_the_change_form(client, staff_login, admin_user, eingereicht):
    staff_login(client, admin_user)
    url = reverse("admin:antraege_antrag_change", args=[eingereicht.pk])

    form = client.get(url).context["adminform"].form

    assert "status" not in form.fields
    assert "betrag_reserviert" not in form.fields


def test_admin_action_moves_through_antrag_move_for_qm_staff(
    client, staff_login, admin_user, eingereicht
):
    eingereicht.fonds.quartier.qm_staff.add(admin_user)
    staff_login(client, admin_user)

    client.post(
        reverse("admin:antraege_antrag_changelist"),
        {"action": "move_start_review", "_selected_action": [eingereicht.pk]},
    )

    assert Antrag.objects.get(pk=eingereicht.pk).status == AntragStatus.IN_REVIEW
    step = Statuswechsel.objects.filter(antrag=eingereicht).last()
    assert (step.von_status, step.nach_status, step.akteur, step.rolle) == (
        "submitted",
        "in_review",
        admin_user,
        "qm",
    )


def test_admin_action_refused_for_admin_who_is_not_qm(client, staff_login, admin_user, eingereicht):
    staff_login(client, admin_user)
    steps = Statuswechsel.objects.filter(antrag=eingereicht).count()

    response = client.post(
        reverse("admin:antraege_antrag_changelist"),
        {"action": "move_start_review", "_selected_action": [eingereicht.pk]},
        follow=True,
    )

    assert Antrag.objects.get(pk=eingereicht.pk).status == AntragStatus.SUBMITTED
    assert Statuswechsel.objects.filter(antrag=eingereicht).count() == steps
    assert "Sie dürfen diesen Schritt nicht ausführen." in response.content.decode()


def test_admin_action_in_wrong_state_changes_nothing(client, staff_login, admin_user, eingereicht):
    eingereicht.fonds.quartier.qm_staff.add(admin_user)
    staff_login(client, admin_user)
    steps = Statuswechsel.objects.filter(antrag=eingereicht).count()

    response = client.post(
        reverse("admin:antraege_antrag_changelist"),
        {"action": "move_put_to_jury", "_selected_action": [eingereicht.pk]},
        follow=True,
    )

    antrag = Antrag.objects.get(pk=eingereicht.pk)
    assert (antrag.status, antrag.betrag_reserviert) == (AntragStatus.SUBMITTED, Decimal("0.00"))
    assert Statuswechsel.objects.filter(antrag=eingereicht).count() == steps
    assert "im Status „Eingereicht“ nicht möglich" in response.content.decode()


def test_admin_fields_are_named_in_the_html_without_a_script(client, staff_login, admin_user):
    """List-editable inputs carry their column and row, a split date-time each part inside its
    label: names a browser without JavaScript reads too."""
    from antraege.factories import HandlungsfeldFactory

    feld = HandlungsfeldFactory(slug="bildung", name="Bildung")
    staff_login(client, admin_user)

    liste = client.get("/admin/antraege/handlungsfeld/").content.decode()
    benutzer = client.get(f"/admin/auth/user/{admin_user.pk}/change/").content.decode()

    assert f'aria-label="Reihenfolge – {feld.name}"' in liste
    assert f'aria-label="Für neue Anträge wählbar – {feld.name}"' in liste
    assert re.search(r'<label>Datum: <input[^>]*name="last_login_0"', benutzer)
    assert re.search(r'<label>Zeit: <input[^>]*name="last_login_1"', benutzer)

"""Staff sign-in: lockout after failed passwords, the second factor, the password policy."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aktionsfonds import zwei_faktor
from antraege.factories import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/anmelden/"


def sign_in(client, username, password=DEMO_PASSWORD, *, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def throttle_passes(model=TOTPDevice):
    """django-otp slows down guessing after a wrong code: let that wait pass."""
    model.objects.update(
        throttling_failure_timestamp=datetime.datetime.now(datetime.UTC)
        - datetime.timedelta(minutes=5)
    )


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_thirty_wrong_passwords_lock_the_account_until_the_cool_off_ends(client, qm_user):
    # a spread attack: every attempt from another address, so only the per-user count can stop it
    for n in range(30):
        response = sign_in(client, "qm-sol", "falsch-falsch-falsch", ip=f"198.51.100.{n}")
        assert response.status_code in (200, 429)
    assert response.status_code == 429

    refused = sign_in(client, "qm-sol", ip="203.0.113.7")

    assert refused.status_code == 429
    text = refused.content.decode()
    assert "Anmeldung vorübergehend gesperrt" in text
    assert "Uhr" in text and refused.context["bis_uhrzeit"]
    assert "_auth_user_id" not in client.session

    # the cool-off has passed since the last failure
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=1)
    )
    accepted = sign_in(client, "qm-sol", ip="203.0.113.7")

    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(qm_user.pk)


def test_one_address_trying_many_names_is_locked(client, qm_user, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"niemand-{n}", "falsch-falsch-falsch", ip="192.0.2.66")

    assert sign_in(client, "qm-sol", ip="192.0.2.66").status_code == 429
    assert sign_in(client, "qm-sol", ip="192.0.2.67").status_code == 302


def test_qm_without_second_factor_cannot_reach_qm_pages_until_set_up(client, qm_user):
    assert sign_in(client, "qm-sol").status_code == 302

    blocked = client.get("/qm/")

    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("zwei_faktor_einrichten"))
    assert client.get("/jury/qm/").status_code == 302

    page = client.get(blocked["Location"])
    assert page.status_code == 200
    assert page.context["secret"]
    device = TOTPDevice.objects.get(user=qm_user, confirmed=False)
    wrong = client.post(blocked["Location"], {"code": "000000", "next": "/qm/"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get("/qm/").status_code == 302
    throttle_passes()

    done = client.post(blocked["Location"], {"code": current_code(device), "next": "/qm/"})

    assert done.status_code == 302
    codes_page = client.get(done["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(done["Location"]).status_code == 302  # shown once
    assert client.get("/qm/").status_code == 200


def test_qm_with_second_factor_enters_code_and_a_recovery_code_works_once(client, qm_user):
    TOTPDevice.objects.create(user=qm_user, name="App", confirmed=True)
    codes = zwei_faktor.recovery_codes_renew(qm_user)
    sign_in(client, "qm-sol")

    blocked = client.get("/qm/")
    assert blocked["Location"].startswith(reverse("zwei_faktor_bestaetigen"))
    wrong = client.post(reverse("zwei_faktor_bestaetigen"), {"code": "123456"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    assert client.get("/qm/").status_code == 302
    throttle_passes()
    throttle_passes(StaticDevice)

    ok = client.post(reverse("zwei_faktor_bestaetigen"), {"code": codes[0].lower(), "next": "/qm/"})

    assert ok["Location"] == "/qm/"
    assert client.get("/qm/").status_code == 200
    client.post("/abmelden/")
    sign_in(client, "qm-sol")
    again = client.post(reverse("zwei_faktor_bestaetigen"), {"code": codes[0]})
    assert again.status_code == 200
    assert client.get("/qm/").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_second_factor_is_accepted_in_a_request_outside_any_transaction(client, qm_user):
    """As in production (no test transaction around the request): on PostgreSQL the device lock
    of django-otp needs the transaction of ``zwei_faktor_verify`` itself."""
    device = TOTPDevice.objects.create(user=qm_user, name="App", confirmed=True)
    sign_in(client, "qm-sol")

    ok = client.post(
        reverse("zwei_faktor_bestaetigen"), {"code": current_code(device), "next": "/qm/"}
    )

    assert ok.status_code == 302 and ok["Location"] == "/qm/"
    assert client.get("/qm/").status_code == 200


def test_jury_member_signs_in_without_second_factor_unless_set_up(client, jury_user):
    sign_in(client, jury_user.username)
    assert client.get("/jury/").status_code == 200
    assert client.get(reverse("zwei_faktor_einrichten")).status_code == 200  # offered
    client.post("/abmelden/")

    TOTPDevice.objects.create(user=jury_user, name="App", confirmed=True)
    sign_in(client, jury_user.username)

    assert client.get("/jury/")["Location"].startswith(reverse("zwei_faktor_bestaetigen"))


def test_admin_without_second_factor_cannot_open_the_django_admin(client, admin_user):
    sign_in(client, "admin")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("zwei_faktor_einrichten"))


def test_next_after_the_second_factor_stays_on_this_site(client, qm_user):
    TOTPDevice.objects.create(user=qm_user, name="App", confirmed=True)
    codes = zwei_faktor.recovery_codes_renew(qm_user)
    sign_in(client, "qm-sol")

    response = client.post(
        reverse("zwei_faktor_bestaetigen"), {"code": codes[0], "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    "password", ["kurz-2026", "1qaz2wsx3edc", "123456789012345", "qm-sol@example.org"]
)
def test_password_policy_refuses_short_common_and_similar_passwords(qm_user, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=qm_user)


def test_password_policy_accepts_a_long_uncommon_password(qm_user):
    assert validate_password("Kiezgarten-Laterne-Wolke-17", user=qm_user) is None  # no refusal


def test_qm_lifts_the_lockout_of_a_jury_member_of_their_area_only(
    client, staff_login, qm_user, jury_user, qm_other_user, settings
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, jury_user.username, "falsch-falsch-falsch", ip=f"198.51.100.{n}")
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "qm-shk", "falsch-falsch-falsch", ip=f"198.51.100.{n + 50}")
    assert sign_in(client, jury_user.username, ip="192.0.2.1").status_code == 429

    staff_login(client, qm_user)
    page = client.get(reverse("anmeldesperren"))
    assert [s["username"] for s in page.context["sperren"]] == [jury_user.username]
    client.post(reverse("anmeldesperren"), {"username": "qm-shk"})
    client.post(reverse("anmeldesperren"), {"username": jury_user.username})
    client.post("/abmelden/")

    assert sign_in(client, jury_user.username, ip="192.0.2.1").status_code == 302
    assert sign_in(Client_(), "qm-shk", ip="192.0.2.2").status_code == 429
    from antraege.datenschutz.models import Zugriffsnachweis

    assert list(Zugriffsnachweis.objects.values_list("akteur", "aktion", "gegenstand")) == [
        (qm_user.pk, "entsperrung", jury_user.username)
    ]


def Client_():
    from django.test import Client

    return Client()

"""QM manages its jury on its own pages: appoint a member or deputy, correct an entry, end a term.
The warning below the minimum size stays in view; another area's QM is refused and changes nothing."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from antraege.factories import UserFactory
from antraege.mail import outbox
from antraege.models import Benachrichtigung
from jury.factories import JurymitgliedFactory, jury_fuer
from jury.mitglieder.models import Jurymitglied
from jury.mitglieder.selectors import kontosprache

pytestmark = pytest.mark.django_db

User = get_user_model()


def eingabe(**changes):
    data = {
        "vorname": "Ayşe",
        "nachname": "Demir",
        "email": "ayse.demir@example.org",
        "sprache": "tr",
        "rolle": "deputy",
        "beginn": "2026-03-01",
        "ende": "2028-02-29",
        "gewaehlt_am": "2026-02-15",
        "mindestalter_bestaetigt": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def qm(client, staff_login, qm_user):
    return staff_login(client, qm_user)


def test_qm_appoints_a_deputy_with_language_term_and_the_age_confirmation(qm, quartier):
    response = qm.post(reverse("jury:qm_mitglied_neu", args=[quartier.pk]), eingabe())

    assert response.status_code == 302
    assert response["Location"] == reverse("jury:qm_zusammensetzung", args=[quartier.pk])
    mitglied = Jurymitglied.objects.get(quartier=quartier)
    assert (mitglied.rolle, mitglied.beginn, mitglied.ende, mitglied.gewaehlt_am) == (
        "deputy",
        datetime.date(2026, 3, 1),
        datetime.date(2028, 2, 29),
        datetime.date(2026, 2, 15),
    )
    assert mitglied.mindestalter_bestaetigt is True
    user = mitglied.user
    assert (user.first_name, user.last_name, user.email) == (
        "Ayşe",
        "Demir",
        "ayse.demir@example.org",
    )
    assert not user.has_usable_password() and not user.is_staff
    assert kontosprache(user) == "tr"


def test_without_the_age_confirmation_nothing_is_stored_and_every_entry_is_kept(qm, quartier):
    response = qm.post(
        reverse("jury:qm_mitglied_neu", args=[quartier.pk]),
        eingabe(mindestalter_bestaetigt=None),
    )
    html = response.content.decode()

    assert response.status_code == 400
    assert "mindestens 16 Jahre alt" in html
    for value in ('value="Ayşe"', 'value="Demir"', 'value="ayse.demir@example.org"'):
        assert value in html
    assert 'value="2026-03-01"' in html and 'value="2028-02-29"' in html
    assert 'value="tr" selected' in html
    assert re.search(r'value="deputy"[^>]*\bchecked>', html)
    assert not Jurymitglied.objects.exists()
    assert not User.objects.filter(email="ayse.demir@example.org").exists()


def test_a_term_ending_before_it_starts_is_refused_on_its_field(qm, quartier):
    response = qm.post(
        reverse("jury:qm_mitglied_neu", args=[quartier.pk]), eingabe(ende="2026-01-01")
    )

    assert response.status_code == 400
    assert "nicht vor ihrem Beginn" in response.content.decode()
    assert not Jurymitglied.objects.exists()


def test_a_staff_account_is_never_made_a_jury_member(qm, quartier, qm_user):
    response = qm.post(
        reverse("jury:qm_mitglied_neu", args=[quartier.pk]), eingabe(email=qm_user.email)
    )

    assert response.status_code == 400
    assert "eigenes Konto" in response.content.decode()
    assert not Jurymitglied.objects.exists()


def test_a_reelected_member_keeps_the_account_and_cannot_hold_two_overlapping_seats(qm, quartier):
    alt = JurymitgliedFactory(
        quartier=quartier,
        user=UserFactory(username="ayse", email="ayse.demir@example.org"),
        beginn=datetime.date(2024, 3, 1),
        ende=datetime.date(2026, 2, 28),
        mindestalter_bestaetigt=True,
    )
    url = reverse("jury:qm_mitglied_neu", args=[quartier.pk])

    assert qm.post(url, eingabe(email="Ayse.Demir@example.org")).status_code == 302
    doppelt = qm.post(url, eingabe(beginn="2027-01-01", ende=""))

    assert doppelt.status_code == 409
    assert "schon in der Jury" in doppelt.content.decode()
    assert list(Jurymitglied.objects.values_list("user_id", flat=True).order_by("pk")) == [
        alt.user_id,
        alt.user_id,
    ]


def test_qm_corrects_an_entry_and_ends_a_term_the_warning_stays_in_view(qm, quartier):
    jury = jury_fuer(quartier, 7)
    mitglied = jury[0]
    bearbeiten = reverse("jury:qm_mitglied_bearbeiten", args=[quartier.pk, mitglied.pk])

    seite = qm.get(reverse("jury:qm_zusammensetzung", args=[quartier.pk])).content.decode()
    assert "Die Jury hat nur" not in seite and bearbeiten in seite

    response = qm.post(
        bearbeiten,
        eingabe(
            vorname="Mia",
            nachname="Neu",
            email="mia.neu@example.org",
            sprache="ar",
            rolle="member",
            beginn=f"{mitglied.beginn:%Y-%m-%d}",
            ende="",
            mindestalter_bestaetigt=None,
        ),
    )
    assert response.status_code == 302
    mitglied.refresh_from_db()
    mitglied.user.refresh_from_db()
    assert (mitglied.user.get_full_name(), mitglied.user.email) == (
        "Mia Neu",
        "mia.neu@example.org",
    )
    assert mitglied.user.username == "jury-sol-00"  # a name given by hand stays
    assert kontosprache(mitglied.user) == "ar"

    heute = timezone.localdate()
    beendet = qm.post(
        reverse("jury:qm_mitglied_beenden", args=[quartier.pk, mitglied.pk]),
        {"ende": f"{heute - datetime.timedelta(days=1):%Y-%m-%d}"},
        follow=True,
    )
    html = beendet.content.decode()

    mitglied.refresh_from_db()
    assert mitglied.ende == heute - datetime.timedelta(days=1)
    assert "Die Jury hat nur 6 Mitglieder (mindestens 7)." in html
    assert "Künftige und frühere Amtszeiten" in html


def test_ending_a_term_before_it_began_is_refused_and_changes_nothing(qm, quartier):
    mitglied = JurymitgliedFactory(
        quartier=quartier, beginn=datetime.date(2026, 3, 1), mindestalter_bestaetigt=True
    )

    response = qm.post(
        reverse("jury:qm_mitglied_beenden", args=[quartier.pk, mitglied.pk]),
        {"ende": "2026-02-01"},
    )

    assert response.status_code == 400
    assert 'value="2026-02-01"' in response.content.decode()
    mitglied.refresh_from_db()
    assert mitglied.ende is None


def test_qm_of_another_area_and_jury_members_are_refused_and_change_nothing(
    client, staff_login, quartier, qm_other_user, jury_user
):
    mitglied = Jurymitglied.objects.get(user=jury_user)
    urls = [
        reverse("jury:qm_mitglied_neu", args=[quartier.pk]),
        reverse("jury:qm_mitglied_bearbeiten", args=[quartier.pk, mitglied.pk]),
        reverse("jury:qm_mitglied_beenden", args=[quartier.pk, mitglied.pk]),
    ]
    for user in (qm_other_user, jury_user):
        staff_login(client, user)
        for url in urls:
            assert client.get(url).status_code == 403
            assert client.post(url, eingabe(ende="2026-12-31")).status_code == 403

    assert Jurymitglied.objects.count() == 1
    mitglied.refresh_from_db()
    assert mitglied.ende is None


def test_an_entry_of_another_area_is_not_found_under_ones_own(qm, quartier, anderes_quartier):
    fremd = JurymitgliedFactory(quartier=anderes_quartier, mindestalter_bestaetigt=True)

    url = reverse("jury:qm_mitglied_beenden", args=[quartier.pk, fremd.pk])

    assert qm.get(url).status_code == 404
    assert qm.post(url, {"ende": "2026-12-31"}).status_code == 404
    fremd.refresh_from_db()
    assert fremd.ende is None


def test_qm_cannot_rename_an_account_that_also_sits_on_another_areas_jury(
    qm, quartier, anderes_quartier
):
    mitglied = JurymitgliedFactory(quartier=quartier, mindestalter_bestaetigt=True)
    JurymitgliedFactory(quartier=anderes_quartier, user=mitglied.user, mindestalter_bestaetigt=True)
    name = mitglied.user.get_full_name()

    response = qm.post(
        reverse("jury:qm_mitglied_bearbeiten", args=[quartier.pk, mitglied.pk]),
        eingabe(
            email="jemand@example.org",
            rolle="member",
            beginn=f"{mitglied.beginn:%Y-%m-%d}",
            ende="",
            mindestalter_bestaetigt=None,
        ),
    )

    assert response.status_code == 400
    mitglied.user.refresh_from_db()
    assert mitglied.user.get_full_name() == name and mitglied.user.email != "jemand@example.org"


# --- The invitation: the member sets the password of the account QM made ---


def test_a_new_member_gets_an_invitation_in_their_language_and_sets_a_password(
    qm, client, quartier, mailoutbox
):
    qm.post(reverse("jury:qm_mitglied_neu", args=[quartier.pk]), eingabe())
    row = Benachrichtigung.objects.get(art="jury_einladung")
    assert outbox.benachrichtigungen_send(execution="test").gesendet == [row.pk]

    (nachricht,) = mailoutbox
    assert nachricht.to == ["ayse.demir@example.org"]
    assert nachricht.extra_headers["Content-Language"] == "tr"
    assert nachricht.subject == f"Aksiyon Fonu jürisi {quartier.name} için erişiminiz"
    assert "Sayın Ayşe Demir" in nachricht.body
    link = re.search(r"http://testserver(/jury/konto/passwort/\S+/)", nachricht.body).group(1)

    client.logout()
    formular = client.get(link, follow=True)
    assert formular.status_code == 200 and 'name="new_password1"' in formular.content.decode()
    fertig = client.post(
        formular.redirect_chain[-1][0],
        {"new_password1": "Kiez-Jury-2026!", "new_password2": "Kiez-Jury-2026!"},
        follow=True,
    )

    user = User.objects.get(email="ayse.demir@example.org")
    assert "Passwort festgelegt" in fertig.content.decode()
    assert user.check_password("Kiez-Jury-2026!")
    wieder = client.get(link, follow=True).content.decode()  # once: the link is used up
    assert "gilt nicht mehr" in wieder


def test_a_reappointed_member_with_a_password_gets_no_invitation(qm, quartier):
    UserFactory(username="ayse", email="ayse.demir@example.org")  # has a password

    qm.post(reverse("jury:qm_mitglied_neu", args=[quartier.pk]), eingabe())

    assert Jurymitglied.objects.filter(user__username="ayse").exists()
    assert not Benachrichtigung.objects.filter(art="jury_einladung").exists()


def test_qm_sends_the_invitation_again_only_for_its_own_area(
    qm, client, staff_login, quartier, qm_other_user
):
    qm.post(reverse("jury:qm_mitglied_neu", args=[quartier.pk]), eingabe())
    mitglied = Jurymitglied.objects.get(user__email="ayse.demir@example.org")
    url = reverse("jury:qm_mitglied_einladen", args=[quartier.pk, mitglied.pk])
    qm.post(  # a corrected address: the account made here signs in with the new one
        reverse("jury:qm_mitglied_bearbeiten", args=[quartier.pk, mitglied.pk]),
        eingabe(email="ayse.d@example.org", mindestalter_bestaetigt=None),
    )
    mitglied.user.refresh_from_db()
    assert (mitglied.user.username, mitglied.user.email) == ("ayse.d@example.org",) * 2

    assert qm.post(url).status_code == 302
    staff_login(client, qm_other_user)
    assert client.post(url).status_code == 403

    assert Benachrichtigung.objects.filter(art="jury_einladung").count() == 2

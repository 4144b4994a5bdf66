"""An applicant cannot silence a jury member by typing the member's e-mail address: only an address
the applicant confirmed by opening the link e-mailed to it excludes a member, and QM sees and
confirms the match when the vote opens."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from antraege.datenschutz.models import AdressBestaetigung
from antraege.mail import messages as mail_messages
from antraege.models import Antrag, Benachrichtigung
from jury.abstimmungen import services
from jury.abstimmungen.models import Abstimmung, Stimmberechtigung
from jury.factories import antrag_zur_jury, jury_fuer

pytestmark = pytest.mark.django_db


@pytest.fixture
def jury(quartier):
    return jury_fuer(quartier, 4)


def open_link_from_email(client, antrag, art="antrag_eingegangen"):
    """The applicant clicks the link in the e-mail the system sent to the Antrag's address."""
    row = Benachrichtigung.objects.filter(antrag=antrag, art=art).latest("pk")
    _subject, text, _html = mail_messages.render(row)
    link = re.search(r"http://testserver(/mein-antrag/zugang/\S+/)", text).group(1)
    return client.get(link)


def eroeffnen_page(client, staff_login, qm_user, antrag):
    staff_login(client, qm_user)
    return client.get(reverse("jury:qm_eroeffnen", args=[antrag.pk])).content.decode()


def eroeffnen(client, staff_login, qm_user, antrag, **extra):
    staff_login(client, qm_user)
    frist = timezone.localtime() + datetime.timedelta(days=7)
    data = {"betrag": "300,00", "auflagen": "", "frist": frist.strftime("%Y-%m-%dT%H:%M")}
    response = client.post(reverse("jury:qm_eroeffnen", args=[antrag.pk]), {**data, **extra})
    assert response.status_code == 302, response.content.decode()
    return Abstimmung.objects.get(antrag=antrag)


def entitled(abstimmung):
    return set(
        Stimmberechtigung.objects.filter(abstimmung=abstimmung, befangen=False).values_list(
            "mitglied_id", flat=True
        )
    )


def test_a_typed_jury_address_does_not_exclude_the_member(
    client, staff_login, antrag, qm_user, jury
):
    member = jury[0]
    Antrag.objects.filter(pk=antrag.pk).update(antragsteller_email=member.user.email.upper())
    antrag_zur_jury(antrag, qm_user)

    page = eroeffnen_page(client, staff_login, qm_user, antrag)
    abstimmung = eroeffnen(client, staff_login, qm_user, antrag)

    assert 'name="antragsteller"' not in page
    assert entitled(abstimmung) == {m.pk for m in jury}
    assert Benachrichtigung.objects.filter(
        art="abstimmung_eroeffnet", empfaenger=member.user.email
    ).exists()
    staff_login(client, member.user)
    services.stimme_cast(abstimmung, user=member.user, wert="yes")


def test_confirmed_address_is_shown_to_qm_and_excludes_the_member_once_confirmed(
    client, staff_login, antrag, qm_user, jury
):
    member = jury[1]
    Antrag.objects.filter(pk=antrag.pk).update(antragsteller_email=member.user.email)
    antrag_zur_jury(antrag, qm_user)
    applicant = client.__class__()
    assert open_link_from_email(applicant, antrag).status_code == 302
    assert AdressBestaetigung.objects.filter(antrag=antrag, email=member.user.email).exists()

    page = eroeffnen_page(client, staff_login, qm_user, antrag)
    abstimmung = eroeffnen(client, staff_login, qm_user, antrag, antragsteller=[str(member.pk)])

    assert re.search(
        rf'<input type="checkbox" name="antragsteller" value="{member.pk}"[^>]*checked', page
    )
    assert member.user.get_full_name() in page
    assert entitled(abstimmung) == {m.pk for m in jury} - {member.pk}
    eintrag = Stimmberechtigung.objects.get(abstimmung=abstimmung, mitglied=member)
    assert eintrag.befangenheit_grund == "Antragsteller*in (automatisch ausgeschlossen)"
    assert not Benachrichtigung.objects.filter(
        art="abstimmung_eroeffnet", empfaenger=member.user.email
    ).exists()


def test_qm_may_reject_a_match_and_the_member_stays_entitled(
    client, staff_login, antrag, qm_user, jury
):
    member = jury[2]
    Antrag.objects.filter(pk=antrag.pk).update(antragsteller_email=member.user.email)
    antrag_zur_jury(antrag, qm_user)
    open_link_from_email(client.__class__(), antrag)

    abstimmung = eroeffnen(
        client, staff_login, qm_user, antrag
    )  # the box was unticked: nothing posted

    assert entitled(abstimmung) == {m.pk for m in jury}


def test_a_link_sent_to_an_earlier_address_confirms_nothing(
    client, staff_login, fonds, qm_user, jury
):
    from antraege.factories import AntragFactory

    antrag = AntragFactory(fonds=fonds, antragsteller_email="eigene@example.org")
    antrag_zur_jury(antrag, qm_user)
    Antrag.objects.filter(pk=antrag.pk).update(antragsteller_email=jury[3].user.email)

    response = open_link_from_email(client, antrag)

    assert response.status_code == 302  # the link still opens the Antrag …
    assert not AdressBestaetigung.objects.exists()  # … but confirms no address
    abstimmung = eroeffnen(client, staff_login, qm_user, antrag)
    assert entitled(abstimmung) == {m.pk for m in jury}

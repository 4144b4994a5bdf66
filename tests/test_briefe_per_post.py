"""Residents without e-mail (issue 20): a paper Antrag without an address walks from entry to
payout; every letter waits in QM's postal queue (never handed to SMTP); QM prints them as one PDF
for window envelopes and marks them posted, which the timeline records."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from antraege.dokumente.pdf import pdf_text
from antraege.dokumente.selectors import postbriefe_offen
from antraege.dokumente.services import postbriefe_pdf
from antraege.factories import AntragFactory
from antraege.mail import outbox
from antraege.models import Antrag, Benachrichtigung, Statuswechsel
from antraege.ratelimit import ZUGANGSCODE_VERSUCHE
from antraege.zugang.links import antrag_links_revoke, antrag_zugangscode
from workflow.wege import antrag_walk_to

from .resident_helpers import token_from, ueber_sie

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # PDF points per millimetre
A4_HOEHE = 297 * MM


def start_url(fonds):
    return reverse("antraege:antrag_start", kwargs={"code": fonds.quartier.code})


def per_post(fonds, **felder):
    return AntragFactory(
        fonds=fonds, antragsteller_email="", briefe_per_post=True, papierantrag=True, **felder
    )


def test_qm_enters_a_paper_antrag_without_email_and_its_letters_go_by_post(
    client, fonds, qm_user, staff_login
):
    staff_login(client, qm_user)
    token = token_from(client.get(start_url(fonds)))

    response = client.post(start_url(fonds), ueber_sie(token, antragsteller_email=""))

    assert response.status_code == 302, response.content.decode()[:2000]
    antrag = Antrag.objects.get(submission_token=token)
    assert antrag.papierantrag and antrag.briefe_per_post
    assert antrag.antragsteller_email == ""


def test_a_resident_online_still_needs_an_email_address(fonds):
    client = Client()
    token = token_from(client.get(start_url(fonds)))

    response = client.post(start_url(fonds), ueber_sie(token, antragsteller_email=""))

    assert response.status_code == 200
    assert not Antrag.objects.filter(submission_token=token).exists()


def test_without_email_the_postal_address_is_required(client, fonds, qm_user, staff_login):
    staff_login(client, qm_user)
    token = token_from(client.get(start_url(fonds)))

    response = client.post(
        start_url(fonds), ueber_sie(token, antragsteller_email="", antragsteller_strasse="")
    )

    assert response.status_code == 200
    assert not Antrag.objects.filter(submission_token=token).exists()


def test_a_paper_antrag_without_email_walks_to_payout_with_every_letter_by_post(fonds, qm_user):
    antrag = antrag_walk_to(
        per_post(fonds, antragsteller_name="Hatice Yılmaz"), "paid", qm_user=qm_user
    )

    assert antrag.status == "paid"
    rows = Benachrichtigung.objects.filter(antrag=antrag)
    briefe = list(rows.filter(kanal="post"))
    assert {"antrag_eingegangen", "auszahlung_erfolgt"} <= {row.art for row in briefe}
    assert all(row.empfaenger == "" for row in briefe)
    # every e-mail about this Antrag goes to QM's staff (the receipt handed in), none to the applicant
    assert set(rows.filter(kanal="email").values_list("empfaenger", flat=True)) <= {qm_user.email}
    outbox.benachrichtigungen_send(execution=outbox.execution_new())
    assert all(message.to == [qm_user.email] for message in mail.outbox)
    # the senders never take a letter: it waits in QM's postal queue
    assert outbox.benachrichtigungen_pending_count() == 0
    assert set(postbriefe_offen([fonds.quartier_id])) == set(briefe)


def _name_position(reader, page_index, name):
    """(x, top) in millimetres of the text line that is exactly ``name`` (the address's first
    line; the salutation names the person too)."""
    found = []

    def visitor(text, cm, tm, font_dict, font_size):
        if text.strip() == name and not found:
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((x / MM, (A4_HOEHE - y) / MM))

    reader.pages[page_index].extract_text(visitor_text=visitor)
    return found[0] if found else None


def test_the_batch_pdf_has_one_letter_per_applicant_with_the_address_in_the_window(fonds, qm_user):
    namen = ["Hatice Yılmaz", "Erwin Krause"]
    for name in namen:
        antrag_walk_to(per_post(fonds, antragsteller_name=name), "submitted")
    rows = list(postbriefe_offen([fonds.quartier_id]))
    assert len(rows) == 2

    data = postbriefe_pdf(rows)

    text = pdf_text(data)
    for name in namen:
        assert text.count(name) >= 1
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # one page per letter: nothing attached to a receipt
    for index, name in enumerate(namen):
        page_text = " ".join(reader.pages[index].extract_text().split())
        assert name in page_text
        position = _name_position(reader, index, name)
        assert position is not None
        x, top = position
        # DIN 5008 Form B window (DIN lang envelope): 20 mm from the left, 45–90 mm from the top;
        # the recipient's lines below the 17.7 mm return-address zone
        assert 19 <= x <= 30, x
        assert 62 <= top <= 90, top


def test_qm_prints_and_marks_posted_and_the_timeline_records_it(
    client, fonds, qm_user, qm_other_user, staff_login
):
    antrag = antrag_walk_to(per_post(fonds), "submitted")
    (row,) = postbriefe_offen([fonds.quartier_id])

    # staff of another area sees nothing and can mark nothing
    other = staff_login(Client(), qm_other_user)
    assert antrag.referenz not in other.get(reverse("qm:postbriefe")).content.decode()
    other.post(reverse("qm:postbriefe_versandt"), {"brief": [row.pk]})
    row.refresh_from_db()
    assert row.gesendet_am is None

    staff_login(client, qm_user)
    seite = client.get(reverse("qm:postbriefe")).content.decode()
    assert antrag.referenz in seite
    # each letter says what it is: its subject as printed, not the internal kind
    assert f"Ihr Antrag {antrag.referenz} ist eingegangen" in html.unescape(seite)
    assert ">antrag_eingegangen<" not in seite
    response = client.post(reverse("qm:postbriefe_drucken"), {"brief": [row.pk]})
    assert response["Content-Type"] == "application/pdf"
    assert antrag.antragsteller_name in pdf_text(response.content)

    client.post(reverse("qm:postbriefe_versandt"), {"brief": [row.pk]})

    row.refresh_from_db()
    assert row.gesendet_am is not None
    assert not postbriefe_offen([fonds.quartier_id]).exists()
    eintrag = Statuswechsel.objects.filter(antrag=antrag).order_by("-pk").first()
    assert re.search(r"Brief per Post versandt", eintrag.kommentar)
    assert eintrag.akteur == qm_user


def test_the_letter_prints_the_access_code_instead_of_the_link(fonds):
    antrag = antrag_walk_to(per_post(fonds), "submitted")
    (row,) = postbriefe_offen([fonds.quartier_id])

    text = pdf_text(postbriefe_pdf([row]))

    assert "/mein-antrag/zugang/" not in text
    assert "/mein-antrag/code/" in text
    assert f"Aktenzeichen {antrag.referenz}, Zugangscode {antrag_zugangscode(antrag)}" in text


def code_post(client, referenz, code):
    return client.post(reverse("antraege:zugangscode"), {"referenz": referenz, "code": code})


def test_the_access_code_opens_mein_antrag(fonds):
    antrag = antrag_walk_to(per_post(fonds), "submitted")
    client = Client()

    # typed as from paper: small letters, no dashes
    response = code_post(client, antrag.referenz.lower(), antrag_zugangscode(antrag).lower())

    assert response.status_code == 302
    assert response["Location"] == reverse("antraege:mein_antrag", kwargs={"pk": antrag.pk})
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_expired_or_revoked_code_opens_nothing(fonds):
    antrag = antrag_walk_to(per_post(fonds), "submitted")
    anderer = antrag_walk_to(per_post(fonds), "submitted")
    mein_antrag = reverse("antraege:mein_antrag", kwargs={"pk": antrag.pk})
    alt = timezone.localdate() - timedelta(days=settings.ANTRAG_LINK_MAX_AGE_DAYS + 1)
    versuche = [
        antrag_zugangscode(anderer),  # another Antrag's code
        "AAAA-AAAA-AAA",
        antrag_zugangscode(antrag, heute=alt),
    ]
    for code in versuche:
        client = Client()
        assert code_post(client, antrag.referenz, code).status_code == 400
        assert client.get(mein_antrag).status_code != 200

    code = antrag_zugangscode(antrag)
    antrag_links_revoke(antrag)
    client = Client()
    assert code_post(client, antrag.referenz, code).status_code == 400
    assert client.get(mein_antrag).status_code != 200


def test_the_access_code_page_is_rate_limited(fonds):
    antrag = antrag_walk_to(per_post(fonds), "submitted")
    client = Client()
    for _ in range(ZUGANGSCODE_VERSUCHE):
        assert code_post(client, antrag.referenz, "AAAA-AAAA-AAA").status_code == 400

    response = code_post(client, antrag.referenz, antrag_zugangscode(antrag))

    assert response.status_code == 429
    mein_antrag = reverse("antraege:mein_antrag", kwargs={"pk": antrag.pk})
    assert client.get(mein_antrag).status_code != 200

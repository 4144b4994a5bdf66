"""Decision letters: the text a resident reads, the office that sends it, the e-mail that carries it."""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from pypdf import PdfReader

from antraege.dokumente import services as documents
from antraege.dokumente.pdf import pdf_text
from antraege.factories import AktionsfondsFactory, AntragFactory, KostenkategorieFactory
from antraege.mail import messages as mail_messages
from antraege.mail import outbox
from antraege.mail import services as mail_services
from antraege.models import Benachrichtigung, Dokument
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import approved, png_bytes, reload

pytestmark = pytest.mark.django_db


def letter_text(antrag, art):
    dokument = documents.dokument_produce(antrag.pk, art)
    with dokument.datei.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    return pdf_text(data), data


def test_approval_letter_states_everything_the_programme_requires(antrag, qm_user):
    antrag = approved(antrag, qm_user, betrag="250.00", auflagen="Fotos nur mit Einwilligung.")

    text, data = letter_text(antrag, Dokument.Art.BEWILLIGUNG)

    assert antrag.referenz in text
    assert antrag.antragsteller_name in text
    assert "250,00 €" in text
    assert "beantragt waren 300,00 €" in text
    assert "Fotos nur mit Einwilligung." in text
    assert f"Die Abrechnungsfrist endet am {antrag.abrechnungsfrist:%d.%m.%Y}" in text
    assert f"vom {antrag.beginn:%d.%m.%Y} bis zum {antrag.ende:%d.%m.%Y}" in text
    assert (
        "Sachkosten" in text
        and "Personalkosten" not in text.split("Förderfähige Kosten")[1].split("Nicht gefördert")[0]
    )
    assert "Originalbelege" in text
    assert "Sozialer Zusammenhalt" in text
    assert "qm-sol@example.org" in text
    assert "Seite 1 von" in text
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert "/StructTreeRoot" in root  # tagged PDF (PDF/UA)
    assert bool(root["/MarkInfo"]["/Marked"])


def test_letter_in_another_area_shows_that_office(anderes_quartier, qm_other_user):
    fonds = AktionsfondsFactory(quartier=anderes_quartier)
    KostenkategorieFactory(quartier=anderes_quartier, name="Honorare")
    antrag = AntragFactory(fonds=fonds)
    antrag = approved(antrag, qm_other_user)

    text, _data = letter_text(antrag, Dokument.Art.BEWILLIGUNG)

    assert "Quartiersmanagement Schillerkiez" in text
    assert "qm-shk@example.org" in text
    assert "Soldiner Kiez" not in text and "qm-sol@" not in text
    assert antrag.referenz.startswith("AF-") and "-SHK-" in antrag.referenz


def test_the_workers_letter_with_the_shared_stylesheet_draws_what_its_own_style_draws(
    antrag, qm_user
):
    from antraege.dokumente.pdf import html_to_pdf

    antrag = reload(approved(antrag, qm_user, betrag="250.00"))
    for art in (Dokument.Art.BEWILLIGUNG, Dokument.Art.ABLEHNUNG):
        eigen = PdfReader(io.BytesIO(html_to_pdf(documents.dokument_html(antrag, art))))
        geteilt = PdfReader(io.BytesIO(documents.dokument_pdf(antrag, art)))

        # page for page the same drawing: DIN layout, footer, "Seite 1 von 2" all from the sheet
        assert len(geteilt.pages) == len(eigen.pages)
        for seite, vorlage in zip(geteilt.pages, eigen.pages, strict=True):
            assert seite.get_contents().get_data() == vorlage.get_contents().get_data()
            assert seite.mediabox == vorlage.mediabox
    assert "Seite 1 von 2" in pdf_text(documents.dokument_pdf(antrag, Dokument.Art.BEWILLIGUNG))


def test_letter_carries_the_office_logo_without_fetching_anything(antrag, qm_user):
    quartier = antrag.fonds.quartier
    quartier.logo.save("logo.png", ContentFile(png_bytes()))
    antrag = approved(antrag, qm_user)

    html = documents.dokument_html(reload(antrag), Dokument.Art.BEWILLIGUNG)

    assert 'src="data:image/png;base64,' in html
    assert "/media/" not in html


def test_applicant_text_is_escaped_in_the_letter(fonds, qm_user):
    antrag = AntragFactory(
        fonds=fonds,
        titel='<img src="https://evil.example/x.png"> Fest & Spiel',
        antragsteller_name="Ümit <b>Yılmaz</b>",
    )
    antrag = approved(antrag, qm_user)

    html = documents.dokument_html(antrag, Dokument.Art.BEWILLIGUNG)
    text, _data = letter_text(antrag, Dokument.Art.BEWILLIGUNG)

    assert '<img src="https://evil' not in html
    assert "&lt;b&gt;Yılmaz&lt;/b&gt;" in html
    assert '<img src="https://evil.example/x.png"> Fest & Spiel' in text


def test_rejection_and_ineligibility_letters_state_the_reason(fonds, qm_user):
    abgelehnt = antrag_walk_to(
        AntragFactory(fonds=fonds),
        "rejected",
        qm_user=qm_user,
        reject={"kommentar": "Das Projekt ist nicht öffentlich."},
    )
    unzulaessig = antrag_walk_to(
        AntragFactory(fonds=fonds),
        "ineligible",
        qm_user=qm_user,
        declare_ineligible={"kommentar": "Der Ort liegt nicht im Gebiet."},
    )

    text_ab, _ = letter_text(reload(abgelehnt), Dokument.Art.ABLEHNUNG)
    text_nf, _ = letter_text(reload(unzulaessig), Dokument.Art.NICHT_FOERDERFAEHIG)

    assert "Das Projekt ist nicht öffentlich." in text_ab
    assert reload(abgelehnt).referenz in text_ab
    assert "Der Ort liegt nicht im Gebiet." in text_nf
    assert "nicht förderfähig" in text_nf
    # the ineligible e-mail waits for its letter: nothing is queued by the move itself
    assert not Benachrichtigung.objects.filter(
        antrag=unzulaessig, art="nicht_foerderfaehig"
    ).exists()


def test_decision_email_in_applicant_language_carries_the_german_letter_once(
    fonds, qm_user, django_capture_on_commit_callbacks
):
    antrag = AntragFactory(fonds=fonds, sprache="en")
    antrag = approved(antrag, qm_user)

    documents.dokument_deliver(antrag.pk, Dokument.Art.BEWILLIGUNG)
    documents.dokument_deliver(antrag.pk, Dokument.Art.BEWILLIGUNG)  # a task that runs twice

    row = Benachrichtigung.objects.get(antrag=antrag, art="bewilligt")
    assert row.sprache == "en"
    assert Dokument.objects.filter(antrag=antrag).count() == 1
    assert outbox.send(row.pk, execution="t1") is True  # with the earlier e-mails
    (message,) = [
        m
        for m in mail.outbox
        if m.extra_headers["Message-ID"].startswith(f"<benachrichtigung.{row.pk}.")
    ]
    assert message.to == [antrag.antragsteller_email]
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == (f"{antrag.referenz}-bewilligung.pdf", "application/pdf")
    assert "Bewilligung aus dem Aktionsfonds" in pdf_text(content)


def test_attachments_only_from_the_notifications_own_antrag(fonds, qm_user):
    erster = approved(AntragFactory(fonds=fonds), qm_user)
    zweiter = AntragFactory(fonds=fonds)
    fremd = documents.dokument_produce(erster.pk, Dokument.Art.BEWILLIGUNG)
    row = mail_services.queue_for_applicant(zweiter, "bewilligt", kontext={"dokumente": [fremd.pk]})

    assert mail_messages.attachments_for(row) == []


def test_approve_move_schedules_the_letter_task_on_commit(
    fonds, qm_user, django_capture_on_commit_callbacks, monkeypatch
):
    from antraege import tasks

    calls = []
    monkeypatch.setattr(tasks.task_render_dokument, "delay", lambda **kw: calls.append(kw))
    antrag = AntragFactory(fonds=fonds)
    with django_capture_on_commit_callbacks(execute=True):
        antrag = approved(antrag, qm_user, betrag=Decimal("200.00"))

    assert {"antrag_id": antrag.pk, "art": "bewilligung"} in calls

"""Attachments: accepted by content (PDF/JPEG/PNG), refused with a reason and nothing stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from antraege.factories import AntragFactory
from antraege.models import Anhang
from antraege.roles import grant_applicant_access
from workflow.wege import antrag_walk_to

from .resident_helpers import schritt_url, title_of

pytestmark = pytest.mark.django_db


def _pdf():
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()


def image_bytes(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def draft(client, fonds):
    antrag = AntragFactory(fonds=fonds)
    session = client.session
    grant_applicant_access(session, antrag)
    session.save()
    return antrag


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, antrag, name, content, content_type="application/pdf"):
    return client.post(
        schritt_url(antrag.pk, 4),
        {
            "aktion": "hochladen",
            "art": "quote",
            "datei": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("angebot.pdf", PDF, "application/pdf"),
        ("foto.png", image_bytes("PNG"), "image/png"),
        ("foto.jpg", image_bytes("JPEG"), "image/jpeg"),
        ("FOTO_OHNE_ENDUNG", image_bytes("PNG"), "image/png"),
    ],
)
def test_pdf_and_images_are_stored_with_their_real_type(
    client, draft, settings, name, content, content_type
):
    response = upload(client, draft, name, content, content_type="application/octet-stream")

    assert response.url == schritt_url(draft.pk, 4)
    anhang = Anhang.objects.get(antrag=draft)
    assert (anhang.originalname, anhang.content_type, anhang.groesse) == (
        name,
        content_type,
        len(content),
    )
    assert anhang.datei.read() == content
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("angebot.pdf", b"Das ist nur Text, kein PDF.\n", "kein PDF, JPEG oder PNG"),
        ("bild.png", b"\x89PNG\r\n\x1a\n" + b"kaputt" * 20, "Das Bild ist beschädigt"),
        ("bild.gif", b"GIF89a" + b"\x00" * 40, "kein PDF, JPEG oder PNG"),
        ("leer.pdf", b"", "Die Datei ist leer."),
    ],
)
def test_wrong_content_is_refused_with_reason_and_nothing_stored(
    client, draft, settings, name, content, reason
):
    response = upload(client, draft, name, content)

    assert response.status_code == 200
    assert title_of(response).startswith("Fehler:")
    assert reason in response.content.decode()
    assert not Anhang.objects.exists()
    assert stored_files(settings) == []


def test_oversized_file_is_refused_with_reason_and_nothing_stored(client, draft, settings):
    settings.UPLOAD_MAX_BYTES = 1024

    response = upload(client, draft, "gross.pdf", PDF + b"0" * (2048 - len(PDF)))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Die Datei ist zu groß (2,0 KB). Erlaubt sind höchstens 1,0 KB." in content
    assert not Anhang.objects.exists()
    assert stored_files(settings) == []


def test_uploaded_file_is_listed_and_can_be_removed(
    client, draft, settings, django_capture_on_commit_callbacks
):
    upload(client, draft, "angebot.pdf", PDF)
    anhang = Anhang.objects.get()
    assert "angebot.pdf" in client.get(schritt_url(draft.pk, 4)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/antrag/{draft.pk}/anhang/{anhang.pk}/entfernen/")

    assert response.url == schritt_url(draft.pk, 4)
    assert not Anhang.objects.exists()
    assert stored_files(settings) == []


def test_other_applicant_cannot_upload_or_remove(client, draft, fonds, settings):
    upload(client, draft, "angebot.pdf", PDF)
    anhang = Anhang.objects.get()
    fremd = AntragFactory(fonds=fonds)

    assert upload(client, fremd, "angebot.pdf", PDF).status_code == 404
    other = Client()  # a browser without any access
    assert other.post(f"/antrag/{draft.pk}/anhang/{anhang.pk}/entfernen/").status_code == 404
    assert list(Anhang.objects.values_list("antrag_id", flat=True)) == [draft.pk]
    assert len(stored_files(settings)) == 1


def test_no_upload_once_submitted(client, draft, settings):
    antrag_walk_to(draft, "submitted")

    response = upload(client, draft, "angebot.pdf", PDF)

    assert response.url == f"/mein-antrag/{draft.pk}/"
    assert not Anhang.objects.exists()
    assert stored_files(settings) == []

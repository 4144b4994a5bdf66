"""Uploads as an attacker would send them: every bad kind is refused with a reason and nothing is
stored; a good file is stored under the suffix of its real type and served with that type, whatever
its name says."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from antraege.factories import AntragFactory
from antraege.models import Anhang
from antraege.roles import Akteur, grant_applicant_access
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import png_bytes
from .resident_helpers import schritt_url

pytestmark = pytest.mark.django_db


def pdf(build=None):
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    if build:
        build(writer, page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def js_action(code="app.alert(1)"):
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def _open_action(writer, page):
    writer._root_object[NameObject("/OpenAction")] = js_action()


def _page_aa(writer, page):
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js_action()})


def _launch_link(writer, page):
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(50)] * 2),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("cmd.exe"),
                }
            ),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])


def _document_js(writer, page):
    """Document-level JavaScript in the name tree, referenced indirectly (as real files do)."""
    action = writer._add_object(js_action("app.alert(document.cookie)"))
    tree = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("start"), action])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )


BAD_PDFS = {
    "javascript_in_the_name_tree": pdf(_document_js),
    "javascript_open_action": pdf(_open_action),
    "page_additional_action": pdf(_page_aa),
    "launch_action_in_a_link": pdf(_launch_link),
    "html_after_the_header": pdf() + b"\n<html><body><script>alert(1)</script></body></html>\n",
    "html_polyglot_header": b"%PDF-1.4\n<!DOCTYPE html><html><script>alert(1)</script>",
    "no_pages": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
}


@pytest.fixture
def draft(client, fonds):
    antrag = AntragFactory(fonds=fonds)
    session = client.session
    grant_applicant_access(session, antrag)
    session.save()
    return antrag


def upload(client, antrag, name, content):
    return client.post(
        schritt_url(antrag.pk, 4),
        {
            "aktion": "hochladen",
            "art": "quote",
            "datei": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("kind", sorted(BAD_PDFS))
def test_active_or_polyglot_pdf_is_refused_and_nothing_stored(client, draft, settings, kind):
    response = upload(client, draft, "angebot.pdf", BAD_PDFS[kind])

    assert response.status_code == 200
    text = response.content.decode()
    assert "nehmen wir es nicht an" in text or "PDF ist beschädigt" in text
    assert not Anhang.objects.exists()
    assert stored_files(settings) == []


def test_a_plain_pdf_with_a_web_link_is_accepted(client, draft):
    def _uri_link(writer, page):
        writer.add_uri(0, "https://example.org/angebot", [0, 0, 50, 50])

    response = upload(client, draft, "angebot.pdf", pdf(_uri_link))

    assert response.status_code == 302
    assert Anhang.objects.get().content_type == "application/pdf"


def test_stored_suffix_and_served_type_come_from_the_content_not_the_name(
    client, staff_login, draft, qm_user
):
    response = upload(client, draft, "rechnung.html", png_bytes())
    assert response.status_code == 302
    anhang = Anhang.objects.get()
    assert anhang.datei.name.endswith(".png")
    assert anhang.originalname == "rechnung.html"
    antrag_walk_to(draft, "submitted")

    staff_login(client, qm_user)
    served = client.get(reverse("qm:anhang", args=[draft.pk, anhang.pk]))

    assert served["Content-Type"] == "image/png"
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_receipt_is_stored_and_served_by_its_content_type(client, staff_login, antrag, qm_user):
    from antraege.geld.services import abrechnung

    from .abrechnung_helpers import in_progress

    antrag = in_progress(antrag, qm_user)
    beleg = abrechnung.beleg_add(
        antrag,
        akteur=Akteur(None, antrag_ids=[antrag.pk]),
        datum=timezone.localdate(),
        aussteller="Baumarkt",
        betrag="12.50",
        kostenposition_id=antrag.kostenpositionen.first().pk,
        datei=SimpleUploadedFile("beleg.svg", pdf(), content_type="image/svg+xml"),
    )

    assert beleg.datei.name.endswith(".pdf")
    assert beleg.content_type == "application/pdf"

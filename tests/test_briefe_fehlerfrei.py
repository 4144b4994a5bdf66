"""Every letter kind, rendered with long names, long titles and long addresses, is fit to file:
no page holds only the footer, references and e-mail addresses are never split across lines, the
sender line fits the address window in one line, one signature, no doubled full stop."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from antraege.dokumente import services as documents
from antraege.dokumente.pdf import html_to_pdf
from antraege.dokumente.selectors import postbriefe_offen
from antraege.factories import (
    AktionsfondsFactory,
    AntragFactory,
    KostenkategorieFactory,
    QuartierFactory,
)
from antraege.models import Antrag, Dokument
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db

BUERO = "Quartiersmanagement Schillerpromenade-Nord der Stadtteilentwicklung Neukölln e.V."
ANSCHRIFT = "Kienitzer Straße 123 a, Hinterhaus, 2. Obergeschoss links\n12049 Berlin-Neukölln"
EMAIL = "qm-schillerpromenade-nord@quartiersmanagement-berlin.de"
UNTERZEICHNER = "Dr. Maria-Theresa Musterfrau-Schulze-Oberländer, B.A."
NAME = "Prof. Dr. Hatice Yılmaz-Schwarzenberger-Oberländer, B.A."
ORGANISATION = "Nachbarschaftsinitiative Schillerpromenade-Nord für Kultur und Begegnung e.V."
TITEL = (
    "Großes interkulturelles Nachbarschaftsfest mit Kinderprogramm, Musik aus aller Welt, "
    "Repair-Café und Pflanzentauschbörse auf dem Herrfurthplatz im Schillerkiez"
)
# How many pages each kind may take with the long data (the approval letter holds the cost lines,
# the payout plan and the eligible costs; a payout order and a short letter fit on one or two).
SEITEN_HOECHSTENS = {
    "bewilligung": 3,
    "ablehnung": 2,
    "nicht_foerderfaehig": 2,
    "vereinbarung": 3,
    "abschlag_anordnung": 2,
    "auszahlungsanordnung": 2,
    "abrechnung": 3,
    "rueckforderung": 2,
    "mahnung": 2,
    "postbrief": 2,
}


@pytest.fixture
def langes_quartier(db):
    return QuartierFactory(
        name="Schillerpromenade-Nord",
        code="SHP",
        qm_buero_name=BUERO,
        qm_anschrift=ANSCHRIFT,
        qm_email=EMAIL,
        qm_telefon="+49 30 12345678-90",
        qm_unterzeichner=UNTERZEICHNER,
        buero_kontoinhaber="Stadtteilentwicklung Neukölln e.V.",
        buero_iban="DE02120300000000202051",
        buero_bic="BYLADEM1001",
    )


def _fonds(quartier, **felder):
    from antraege.factories import HandlungsfeldFactory

    HandlungsfeldFactory()
    fonds = AktionsfondsFactory(quartier=quartier, **felder)
    KostenkategorieFactory(quartier=quartier, name="Sachkosten")
    KostenkategorieFactory(quartier=quartier, name="Honorare", foerderung="excluded")
    return fonds


def _lang(fonds, **felder):
    kategorie = KostenkategorieFactory(quartier=fonds.quartier, name="Material und Miete")
    positionen = [
        (kategorie, f"{wort} für das Fest auf dem Herrfurthplatz, geliefert und aufgebaut", 1, p)
        for wort, p in (
            ("Zeltmiete mit Bänken und Tischen", Decimal("120.00")),
            ("Bastelmaterial, Farben und Papier", Decimal("80.00")),
            ("Plakate und Flyer in vier Sprachen", Decimal("60.00")),
            ("Saatgut und Töpfe", Decimal("40.00")),
        )
    ]
    felder.setdefault("antragsteller_name", NAME)
    return AntragFactory(
        fonds=fonds,
        organisation=ORGANISATION,
        antragsteller_strasse="Herrfurthstraße 123 a, Seitenflügel, 3. Obergeschoss",
        antragsteller_plz="12049",
        antragsteller_ort="Berlin-Neukölln",
        titel=TITEL,
        projektort="Herrfurthplatz vor der Genezarethkirche, Schillerpromenade-Nord",
        betrag_beantragt=Decimal("300.00"),
        positionen=positionen,
        **felder,
    )


def _qm(quartier):
    from antraege.factories import UserFactory

    user = UserFactory(username="qm-shp", first_name="Maria", last_name="Musterfrau-Schulze")
    quartier.qm_staff.add(user)
    return user


def _reload(antrag):
    return Antrag.objects.select_related("fonds__quartier").get(pk=antrag.pk)


def _briefe(langes_quartier):
    """(label, PDF bytes, referenz) of every letter kind the product makes."""
    qm = _qm(langes_quartier)
    mit_abschlag = _fonds(langes_quartier)
    kuerzung = {"approve": {"betrag": Decimal("280.00"), "kommentar": "", "auflagen": "Fotos."}}
    briefe = []

    def add(label, antrag, art):
        antrag = _reload(antrag)
        pdf = html_to_pdf(documents.dokument_html(antrag, art))
        briefe.append((label, str(art), pdf, antrag.referenz))

    bezahlt = antrag_walk_to(_lang(mit_abschlag), "paid", qm_user=qm, **kuerzung)
    for art in (
        Dokument.Art.BEWILLIGUNG,
        Dokument.Art.VEREINBARUNG,
        Dokument.Art.ABSCHLAG_ANORDNUNG,
        Dokument.Art.ABRECHNUNG,
        Dokument.Art.AUSZAHLUNGSANORDNUNG,
    ):
        add(f"{art} (Abschlag)", bezahlt, art)
    add(
        "ablehnung",
        antrag_walk_to(_lang(mit_abschlag), "rejected", qm_user=qm),
        Dokument.Art.ABLEHNUNG,
    )
    nicht = antrag_walk_to(_lang(mit_abschlag), "ineligible", qm_user=qm)
    add("nicht_foerderfaehig", nicht, Dokument.Art.NICHT_FOERDERFAEHIG)
    entfaellt = antrag_walk_to(_lang(mit_abschlag), "cancelled", qm_user=qm)
    add("rueckforderung", entfaellt, Dokument.Art.RUECKFORDERUNG)
    from antraege.geld.services.vereinbarung import rueckforderungen_mahnen

    frist = entfaellt.rueckforderung.frist
    rueckforderungen_mahnen(today=frist + datetime.timedelta(days=1))  # the reminder after it
    add("mahnung", entfaellt, Dokument.Art.MAHNUNG)
    post = antrag_walk_to(
        _lang(mit_abschlag, antragsteller_email="", briefe_per_post=True, papierantrag=True),
        "submitted",
    )
    row = postbriefe_offen([langes_quartier.pk]).filter(antrag=post).first()
    briefe.append(
        ("postbrief", "postbrief", html_to_pdf(documents.postbrief_html(row)), post.referenz)
    )
    # the other payout variant: reimbursement only, no advance
    mit_abschlag.abschlag_prozent = Decimal("0")
    mit_abschlag.save(update_fields=["abschlag_prozent"])
    erstattung = antrag_walk_to(_lang(mit_abschlag), "approved", qm_user=qm, **kuerzung)
    add("bewilligung (nur Erstattung)", erstattung, Dokument.Art.BEWILLIGUNG)
    add("vereinbarung (nur Erstattung)", erstattung, Dokument.Art.VEREINBARUNG)
    return briefe


def _seiten(pdf):
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def _fuss_entfernt(text):
    """A page's text without the footer line(s) and the page number."""
    text = " ".join(text.split())
    text = re.sub(r"Seite \d+ von \d+", " ", text)
    for teil in (BUERO, " ".join(ANSCHRIFT.split()), EMAIL, "+49 30 12345678-90", "·", ","):
        text = text.replace(teil, " ")
    return " ".join(text.split())


def test_the_return_address_line_shrinks_then_shortens_to_fit_the_window(langes_quartier):
    assert documents.ruecksendung_for(langes_quartier) == (BUERO, 45)
    langes_quartier.qm_buero_name = "QM Schillerpromenade"
    assert documents.ruecksendung_for(langes_quartier) == (
        "QM Schillerpromenade · 12049 Berlin-Neukölln",
        70,
    )
    langes_quartier.qm_anschrift = "Kienitzer Str. 12\n12049 Berlin"
    assert documents.ruecksendung_for(langes_quartier) == (
        "QM Schillerpromenade · Kienitzer Str. 12, 12049 Berlin",
        70,
    )


def test_every_letter_kind_is_fit_to_file(langes_quartier):
    briefe = _briefe(langes_quartier)
    arten = {art for _label, art, _pdf, _ref in briefe}
    assert arten == {str(a) for a in Dokument.Art} | {"postbrief"}
    assert len({ref for *_x, ref in briefe}) >= 5

    for label, art, pdf, referenz in briefe:
        seiten = _seiten(pdf)
        roh = "\n".join(seiten)
        text = " ".join(roh.split())
        assert 1 <= len(seiten) <= SEITEN_HOECHSTENS[art], (label, len(seiten))
        for index, seite in enumerate(seiten):
            # every page holds more than the footer and its number
            assert len(_fuss_entfernt(seite)) > 40, (label, index, _fuss_entfernt(seite))
        # a reference or an e-mail address is never split across two lines
        for ganz in (referenz, EMAIL):
            assert roh.count(ganz) == re.sub(r"\s+", "", roh).count(ganz), (label, ganz)
            for zeile in roh.splitlines():
                assert not re.search(r"AF-[\w-]*-$", zeile.strip()), (label, zeile)
        assert referenz in text, label
        # no markup leaks into the text (a filter's HTML inside an attribute once printed 'AF-…">')
        assert not re.search(r'[<>]|">', roh), (label, re.findall(r".{0,20}[<>].{0,5}", roh))
        # the sender line of the address window is one line
        absender = documents.ruecksendung_for(langes_quartier)[0]
        assert any(absender in zeile for zeile in seiten[0].splitlines()), (label, seiten[0][:400])
        # no doubled full stop, no doubled signature
        assert not re.search(r"(?<!\.)\.\.(?!\.)", text), (
            label,
            re.findall(r".{30}\.\..{5}", text),
        )
        # one greeting: a letter ends with one; a payout order carries notes, the agreement the
        # signature lines of both sides
        ohne_gruss = ("abschlag_anordnung", "auszahlungsanordnung", "vereinbarung")
        einmal = 0 if art in ohne_gruss else 1
        assert text.count("Mit freundlichen Grüßen") == einmal, label
        assert text.count(UNTERZEICHNER) <= 1, label
        assert f"{BUERO} {BUERO}" not in text, label


def test_a_letter_without_signatory_names_the_office_once(fonds, qm_user):
    quartier = fonds.quartier
    quartier.qm_unterzeichner = ""
    quartier.save(update_fields=["qm_unterzeichner"])
    antrag = antrag_walk_to(AntragFactory(fonds=fonds), "rejected", qm_user=qm_user)

    pdf = html_to_pdf(documents.dokument_html(_reload(antrag), Dokument.Art.ABLEHNUNG))

    text = " ".join("\n".join(_seiten(pdf)).split())
    gruss = text.split("Mit freundlichen Grüßen")[1].split("Dieses Schreiben")[0]
    assert gruss.count(quartier.qm_buero_name) == 1, gruss

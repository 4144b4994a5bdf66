"""The applicant's language rules their pages, whatever the browser says; the data residents read
(cost categories, fields of action, exclusions) is translated; error pages speak the reader's
language in the site's layout."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from antraege.fonds.selectors.kosten import IMMER_AUSGESCHLOSSEN
from antraege.fonds.services.handlungsfelder import PROGRAMM_HANDLUNGSFELDER
from antraege.fonds.services.kosten import DEFAULT_KATEGORIEN
from antraege.management.commands.demo_data import KATEGORIEN as DEMO_KATEGORIEN
from antraege.models import Kostenkategorie
from antraege.zugang.links import antrag_link_token

from .po import read_po
from .resident_helpers import schritt_url

pytestmark = pytest.mark.django_db

RESIDENT_LANGUAGES = ("en", "tr", "ar")


def lang_and_dir(response):
    match = re.search(r'<html lang="([a-z]+)" dir="(rtl|ltr)"', response.content.decode())
    assert match, "no <html lang dir>"
    return match.groups()


def h1(response):
    match = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
    return " ".join(match.group(1).split())


@pytest.fixture
def arabischer_antrag(fonds):
    from antraege.factories import AntragFactory

    return AntragFactory(fonds=fonds, sprache="ar", titel="Hoffest")


# --- The applicant's language, stored with the Antrag ---


def test_link_of_an_arabic_antrag_opened_in_a_german_browser_shows_arabic(
    client, arabischer_antrag
):
    url = reverse("antraege:link", kwargs={"token": antrag_link_token(arabischer_antrag)})

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9", follow=True)

    assert response.status_code == 200
    assert lang_and_dir(response) == ("ar", "rtl")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    # the visible switch offers all four languages, Arabic marked as the current one
    content = response.content.decode()
    for code in ("de", "en", "tr", "ar"):
        assert f'name="language" value="{code}"' in content
    assert re.search(r'value="ar"[^>]*af-language__button--current', content)


def test_language_switch_after_the_link_changes_the_applicants_pages(client, arabischer_antrag):
    client.get(
        reverse("antraege:link", kwargs={"token": antrag_link_token(arabischer_antrag)}),
        HTTP_ACCEPT_LANGUAGE="de",
    )

    client.post(reverse("set_language"), {"language": "tr", "next": "/"})
    response = client.get(
        reverse("antraege:mein_antrag", kwargs={"pk": arabischer_antrag.pk}),
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert lang_and_dir(response) == ("tr", "ltr")


# --- Data residents read, translated (German is the fallback for an area's own names) ---

DATA_TEXTS = sorted(
    {name for name, _state, _text in DEFAULT_KATEGORIEN}
    | {text for _name, _state, text in DEFAULT_KATEGORIEN if text}
    | {name for name, _state, _text in DEMO_KATEGORIEN}
    | {text for _name, _state, text in DEMO_KATEGORIEN if text}
    | set(PROGRAMM_HANDLUNGSFELDER)
    | set(IMMER_AUSGESCHLOSSEN)
)


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_every_category_field_of_action_and_exclusion_is_translated(language):
    path = Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    translated = {
        entry.msgid
        for entry in read_po(path)
        if entry.msgctxt is None and entry.translated and "fuzzy" not in entry.flags
    }

    missing = [text for text in DATA_TEXTS if text not in translated]

    assert missing == []


@pytest.mark.parametrize(
    ("language", "sachkosten", "alkohol"),
    [
        ("en", "Material costs", "Alcohol"),
        ("tr", "Malzeme giderleri", None),
        ("ar", "تكاليف المواد", None),
    ],
)
def test_cost_step_shows_categories_in_the_readers_language(
    client, fonds, language, sachkosten, alkohol
):
    from antraege.factories import AntragFactory
    from antraege.roles import SESSION_KEY

    quartier = fonds.quartier
    Kostenkategorie.objects.get_or_create(
        quartier=quartier, name="Alkohol", defaults={"foerderung": "excluded"}
    )
    antrag = AntragFactory(fonds=fonds)
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    content = client.get(schritt_url(antrag.pk, 3)).content.decode()

    assert "Sachkosten" not in content
    assert "Alkohol" not in content
    assert sachkosten in content
    if alkohol:
        assert alkohol in content


def test_an_areas_own_category_without_a_translation_falls_back_to_its_german_name(fonds):
    kategorie = Kostenkategorie.objects.create(
        quartier=fonds.quartier, name="Kiezkasse extra", name_en="Neighbourhood kitty"
    )
    from django.utils import translation

    with translation.override("ar"):
        assert kategorie.anzeigename == "Kiezkasse extra"
    with translation.override("en"):
        assert kategorie.anzeigename == "Neighbourhood kitty"


@pytest.fixture
def eigene_daten(fonds):
    """What an area writes itself: a category, an excluded category with its reason, and a field of
    action, each with its German text and translations."""
    from antraege.factories import HandlungsfeldFactory

    quartier = fonds.quartier
    leihe = Kostenkategorie.objects.create(
        quartier=quartier,
        name="Ausleihe Kiezkiste",
        name_en="Borrowing the neighbourhood box",
        name_tr="Mahalle kutusunu ödünç alma",
        name_ar="استعارة صندوق الحي",
        beschreibung="Bierbänke und Zelt aus dem Kiezladen",
        beschreibung_en="Beer benches and tent from the neighbourhood shop",
        beschreibung_tr="Mahalle dükkanından bira bankları ve çadır",
        beschreibung_ar="مقاعد وخيمة من متجر الحي",
        reihenfolge=1,
    )
    Kostenkategorie.objects.create(
        quartier=quartier,
        name="Feuerwerk",
        name_en="Fireworks",
        name_tr="Havai fişek",
        name_ar="الألعاب النارية",
        foerderung="excluded",
    )
    feld = HandlungsfeldFactory(
        slug="kiezgaerten",
        name="Kiezgärten",
        name_en="Community gardens",
        name_tr="Mahalle bahçeleri",
        name_ar="حدائق الحي",
        erklaerung="Beete, Bäume, Kompost",
        erklaerung_en="Beds, trees, compost",
        erklaerung_tr="Tarhlar, ağaçlar, kompost",
        erklaerung_ar="أحواض وأشجار وسماد",
        reihenfolge=0,
    )
    return leihe, feld


WORTE = {
    "en": ("Borrowing the neighbourhood box", "Beer benches", "Fireworks", "Community gardens"),
    "tr": ("Mahalle kutusunu ödünç alma", "bira bankları", "Havai fişek", "Mahalle bahçeleri"),
    "ar": ("استعارة صندوق الحي", "مقاعد وخيمة", "الألعاب النارية", "حدائق الحي"),
}
DEUTSCH = ("Ausleihe Kiezkiste", "Bierbänke", "Feuerwerk", "Kiezgärten")


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_an_areas_own_categories_and_fields_show_in_the_readers_language_in_the_form(
    client, fonds, eigene_daten, language
):
    from antraege.factories import AntragFactory
    from antraege.roles import SESSION_KEY

    antrag = AntragFactory(fonds=fonds)
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    felder = client.get(schritt_url(antrag.pk, 2)).content.decode()
    kosten = client.get(schritt_url(antrag.pk, 3)).content.decode()
    start = client.get(reverse("start")).content.decode()

    name, beschreibung, ausschluss, feld = WORTE[language]
    assert feld in felder and "Kiezgärten" not in felder
    assert name in kosten and beschreibung in kosten and ausschluss in kosten
    for deutsch in DEUTSCH[:3]:
        assert deutsch not in kosten
    assert ausschluss in start and "Feuerwerk" not in start


@pytest.mark.parametrize("language", RESIDENT_LANGUAGES)
def test_an_areas_own_categories_and_fields_show_in_mein_antrag_and_the_public_list(
    client, fonds, qm_user, eigene_daten, language
):
    from antraege.factories import AntragFactory
    from antraege.models import Kostenposition
    from antraege.roles import SESSION_KEY

    from .abrechnung_helpers import approved

    leihe, feld = eigene_daten
    antrag = AntragFactory(fonds=fonds, titel="Gartenfest", handlungsfelder=[feld])
    Kostenposition.objects.filter(antrag=antrag).update(kategorie=leihe)
    approved(antrag, qm_user)
    session = client.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    mein_antrag = client.get(reverse("antraege:mein_antrag", args=[antrag.pk])).content.decode()
    liste = client.get(reverse("gefoerderte"), {"jahr": fonds.jahr}).content.decode()

    name, _beschreibung, _ausschluss, feldname = WORTE[language]
    assert name in mein_antrag and "Ausleihe Kiezkiste" not in mein_antrag
    assert feldname in liste and "Kiezgärten" not in liste


def test_admin_keeps_the_translations_of_an_areas_category(client, staff_login, admin_user, fonds):
    staff_login(client, admin_user)
    url = reverse("admin:antraege_kostenkategorie_add")

    response = client.post(
        url,
        {
            "quartier": fonds.quartier.pk,
            "name": "Kiezkiste",
            "name_en": "Neighbourhood box",
            "name_tr": "Mahalle kutusu",
            "name_ar": "صندوق الحي",
            "beschreibung": "",
            "beschreibung_en": "",
            "beschreibung_tr": "",
            "beschreibung_ar": "",
            "foerderung": "eligible",
            "reihenfolge": "5",
        },
    )

    assert response.status_code == 302
    kategorie = Kostenkategorie.objects.get(quartier=fonds.quartier, name="Kiezkiste")
    assert (kategorie.name_en, kategorie.name_tr, kategorie.name_ar) == (
        "Neighbourhood box",
        "Mahalle kutusu",
        "صندوق الحي",
    )


# --- Error pages in the layout and the reader's language, with a way back ---


@pytest.mark.parametrize(
    ("language", "titel"), [("de", "Die Datei ist zu groß"), ("ar", "الملف كبير جدًا")]
)
def test_a_request_over_the_size_cap_gets_the_413_page_in_the_readers_language(
    client, settings, fonds, language, titel
):
    settings.REQUEST_MAX_BYTES = 1000
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("antraege:neuer_link")

    response = client.post(url, data="x" * 2000, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert lang_and_dir(response) == (language, "rtl" if language == "ar" else "ltr")
    assert h1(response) == titel
    assert f'id="naechster-schritt" href="{url}"' in response.content.decode()


@pytest.mark.parametrize(
    ("language", "titel"), [("de", "Die Datei ist zu groß"), ("ar", "الملف كبير جدًا")]
)
def test_the_413_page_nginx_asks_for_leads_back_to_the_form(client, language, titel):
    """nginx refuses a body over its limit before the app and shows this page instead."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    formular = "/antrag/12/schritt/4/"

    response = client.get(reverse("fehler_413"), HTTP_X_ORIGINAL_URI=formular)

    assert response.status_code == 413
    assert lang_and_dir(response) == (language, "rtl" if language == "ar" else "ltr")
    assert h1(response) == titel
    content = response.content.decode()
    assert f'id="naechster-schritt" href="{formular}"' in content
    assert f'href="{reverse("antraege:neuer_link")}"' in content  # a resident page: a new link


@pytest.mark.parametrize("hostile", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_the_413_page_links_back_only_to_this_site(client, hostile):
    response = client.get(reverse("fehler_413"), HTTP_X_ORIGINAL_URI=hostile)

    assert response.status_code == 413
    assert 'id="naechster-schritt" href="/"' in response.content.decode()
    assert "evil.example" not in response.content.decode()


@pytest.mark.urls("tests.urls_fehler")
@pytest.mark.parametrize(
    ("language", "titel"), [("de", "Die Anfrage war fehlerhaft"), ("ar", "تعذّرت قراءة الطلب")]
)
def test_a_bad_request_gets_the_400_page_in_the_readers_language(client, language, titel):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/kaputte-anfrage/")

    assert response.status_code == 400
    assert lang_and_dir(response)[0] == language
    assert h1(response) == titel
    assert 'id="naechster-schritt" href="/"' in response.content.decode()


# --- The jury's own pages in every language a member can choose for e-mails ---


@pytest.fixture
def offene_abstimmung(fonds, qm_user, jury_user):
    from antraege.factories import AntragFactory
    from antraege.roles import Akteur
    from jury.abstimmungen.services import abstimmung_open
    from jury.factories import antrag_zur_jury

    antrag = antrag_zur_jury(AntragFactory(fonds=fonds, titel="Sommerkino"), qm_user)
    return abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=Decimal("250.00"))


@pytest.mark.parametrize(
    ("language", "heading"),
    [("tr", "Sonraki toplantılar"), ("ar", "الاجتماعات القادمة")],
)
def test_a_jury_members_pages_are_in_the_language_they_chose(
    client, staff_login, jury_user, offene_abstimmung, language, heading
):
    staff_login(client, jury_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    home = client.get(reverse("jury:home"), HTTP_ACCEPT_LANGUAGE="de")
    ballot = client.get(reverse("jury:abstimmung", args=[offene_abstimmung.pk]))

    assert lang_and_dir(home) == (language, "rtl" if language == "ar" else "ltr")
    assert heading in home.content.decode()
    assert lang_and_dir(ballot) == (language, "rtl" if language == "ar" else "ltr")
    for german in ("Ihre Stimme", "Nächste Sitzungen", "Offene Online-Abstimmungen"):
        assert german not in ballot.content.decode() + home.content.decode()
    for code in ("de", "en", "tr", "ar"):
        assert f'name="language" value="{code}"' in home.content.decode()


def test_qms_pages_under_jury_stay_german_for_an_arabic_choice(client, staff_login, qm_user):
    staff_login(client, qm_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    response = client.get(reverse("jury:qm_uebersicht"))

    assert lang_and_dir(response) == ("de", "ltr")
    assert 'name="language" value="ar"' not in response.content.decode()


# --- One Arabic register: the polite plural ---

ARABIC_LETTERS = "[\u0621-\u064a\u064b-\u0652\u0670]"
# Words that end in kaf without being "your" (singular): there, that, bank, owns, ...
NOT_SECOND_PERSON = {
    "هناك", "ذلك", "كذلك", "لذلك", "بذلك", "وذلك", "ولذلك", "فذلك", "تلك", "البنك", "بنك",
    "المشترك", "مشترك", "يملك", "التماسك", "شارك", "المالك", "مالك",
}  # fmt: skip


def test_arabic_addresses_the_reader_in_the_polite_plural():
    """ "Your" singular (طلبك, يمكنك, بياناتك) where the catalogue says "your" plural (طلبكم)."""
    path = Path(settings.BASE_DIR) / "locale" / "ar" / "LC_MESSAGES" / "django.po"
    singular = re.compile(f"{ARABIC_LETTERS}+ك(?!{ARABIC_LETTERS})")

    found = {
        entry.msgid: words
        for entry in read_po(path)
        if (
            words := [
                word
                for text in entry.msgstr.values()
                for word in singular.findall(text)
                if word not in NOT_SECOND_PERSON
            ]
        )
    }

    assert found == {}


# --- QM translates the area's cost categories ---


def test_qm_translates_the_areas_categories_and_residents_read_them(
    client, staff_login, qm_user, fonds
):
    from antraege.factories import AntragFactory
    from antraege.roles import SESSION_KEY

    kiste = Kostenkategorie.objects.create(
        quartier=fonds.quartier, name="Kiezkiste", beschreibung="Bänke aus dem Kiezladen"
    )
    staff_login(client, qm_user)
    url = reverse("qm:kostenarten", args=[fonds.quartier_id])
    seite = client.get(url)
    daten = {
        name: seite.context["form"][name].value() or "" for name in seite.context["form"].fields
    }
    daten |= {
        f"k{kiste.pk}_name_ar": "  صندوق   الحي ",
        f"k{kiste.pk}_beschreibung_ar": "مقاعد من متجر الحي",
        f"k{kiste.pk}_name_tr": "Mahalle kutusu",
    }

    response = client.post(url, daten)

    assert response.status_code == 302
    kiste.refresh_from_db()
    assert (kiste.name, kiste.name_ar, kiste.name_tr, kiste.name_en) == (
        "Kiezkiste",
        "صندوق الحي",
        "Mahalle kutusu",
        "",
    )
    antrag = AntragFactory(fonds=fonds)
    resident = type(client)()
    session = resident.session
    session[SESSION_KEY] = [antrag.pk]
    session.save()
    resident.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    kosten = resident.get(schritt_url(antrag.pk, 3)).content.decode()
    assert "صندوق الحي" in kosten and "مقاعد من متجر الحي" in kosten
    assert "Kiezkiste" not in kosten


def test_qm_of_another_area_cannot_translate_and_nothing_changes(
    client, staff_login, qm_other_user, fonds
):
    kiste = Kostenkategorie.objects.create(quartier=fonds.quartier, name="Kiezkiste")
    staff_login(client, qm_other_user)

    response = client.post(
        reverse("qm:kostenarten", args=[fonds.quartier_id]), {f"k{kiste.pk}_name_ar": "x"}
    )

    assert response.status_code == 404
    kiste.refresh_from_db()
    assert kiste.name_ar == ""

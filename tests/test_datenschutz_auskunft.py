"""Art. 15 export and the audit log: QM exports all of an applicant's Anträge and nobody else's data,
only after confirming the identity check; views, downloads and exports land in the audit log, which
admins can read and nobody can edit; drafts stay invisible to QM."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from antraege.datenschutz.models import Zugriffsnachweis
from antraege.factories import AktionsfondsFactory, AntragFactory, KostenkategorieFactory
from antraege.models import Anhang, Antrag, Dokument
from antraege.roles import Akteur
from jury.factories import antrag_zur_jury
from workflow.wege import antrag_walk_to

from .abrechnung_helpers import pdf_bytes, png_bytes

pytestmark = pytest.mark.django_db

EMAIL = "ayse.yilmaz@example.org"


def with_files(antrag):
    anhang = Anhang(antrag=antrag, originalname="angebot.png", content_type="image/png", groesse=9)
    anhang.datei.save("x.png", ContentFile(png_bytes()), save=True)
    dokument = Dokument(antrag=antrag, art=Dokument.Art.BEWILLIGUNG)
    dokument.datei.save("x.pdf", ContentFile(pdf_bytes()), save=True)
    return antrag


@pytest.fixture
def person(fonds, anderes_quartier, qm_user):
    """Ayşe's three Anträge in Soldiner Kiez (one a draft), one in another area; a neighbour's."""
    eigene = [
        with_files(
            antrag_zur_jury(
                AntragFactory(
                    fonds=fonds, antragsteller_name="Ayşe Yılmaz", antragsteller_email=EMAIL
                ),
                qm_user,
                pruefvermerk="Vollständig.",
            )
        ),
        antrag_walk_to(
            AntragFactory(
                fonds=fonds, antragsteller_name="Ayşe Yılmaz", antragsteller_email=EMAIL.upper()
            ),
            "submitted",
        ),
        AntragFactory(fonds=fonds, antragsteller_name="Ayşe Yılmaz", antragsteller_email=EMAIL),
    ]
    KostenkategorieFactory(quartier=anderes_quartier)
    fremdes_gebiet = antrag_walk_to(
        AntragFactory(
            fonds=AktionsfondsFactory(quartier=anderes_quartier),
            antragsteller_name="Ayşe Yılmaz",
            antragsteller_email=EMAIL,
            titel="Fest im Schillerkiez",
        ),
        "submitted",
    )
    nachbar = with_files(
        antrag_walk_to(
            AntragFactory(
                fonds=fonds,
                antragsteller_name="Bernd Nachbar",
                antragsteller_email="bernd@example.org",
                antragsteller_telefon="0170 999999",
                titel="Bernds Flohmarkt",
            ),
            "submitted",
        )
    )
    return {"eigene": eigene, "fremdes_gebiet": fremdes_gebiet, "nachbar": nachbar}


def export(client, email=EMAIL, **extra):
    data = {"email": email, "nachweis": "Personalausweis im Büro", "identitaet_geprueft": "on"}
    return client.post(reverse("qm:auskunft"), {**data, **extra})


def test_export_zip_holds_all_antraege_of_the_applicant_and_nobody_elses_data(
    client, staff_login, qm_user, person
):
    staff_login(client, qm_user)

    response = export(client, email=" Ayse.Yilmaz@Example.org ".replace("Ayse", "ayse"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    daten = json.loads(archive.read("auskunft.json"))
    assert sorted(a["id"] for a in daten["antraege"]) == sorted(a.pk for a in person["eigene"])
    erster = next(a for a in daten["antraege"] if a["id"] == person["eigene"][0].pk)
    assert erster["pruefvermerk"] == "Vollständig."
    assert [s["nach_status"] for s in erster["zeitverlauf"]] == [
        "submitted",
        "in_review",
        "jury_vote",
    ]
    files = {name: archive.read(name) for name in archive.namelist() if name != "auskunft.json"}
    assert sorted(files) == sorted(
        [erster["anhaenge"][0]["datei"], erster["dokumente"][0]["datei"]]
    )
    assert files[erster["anhaenge"][0]["datei"]] == png_bytes()
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode(
        "utf-8", "replace"
    )
    for fremd in ("Bernd", "bernd@example.org", "0170 999999", "Schillerkiez", qm_user.username):
        assert fremd not in everything


def test_export_is_logged_with_the_identity_check(client, staff_login, qm_user, person):
    staff_login(client, qm_user)

    export(client)

    [zugriff] = Zugriffsnachweis.objects.filter(aktion=Zugriffsnachweis.Aktion.AUSKUNFT)
    assert (zugriff.akteur, zugriff.akteur_name) == (qm_user, qm_user.username)
    assert zugriff.gegenstand == f"{EMAIL}: 3 Anträge; Identität: Personalausweis im Büro"


def test_export_without_confirmed_identity_check_gives_no_file_and_no_log(
    client, staff_login, qm_user, person
):
    staff_login(client, qm_user)

    response = export(client, identitaet_geprueft="")

    assert response.status_code == 400
    assert "Bitte bestätigen Sie die Prüfung der Identität." in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not Zugriffsnachweis.objects.exists()


def test_only_qm_staff_may_export(client, staff_login, jury_user, admin_user, person):
    for user in (jury_user, admin_user):
        staff_login(client, user)
        assert export(client).status_code == 403
    client.logout()
    assert export(client).status_code == 302
    assert not Zugriffsnachweis.objects.exists()


def test_qm_of_another_area_exports_only_what_is_stored_there(
    client, staff_login, qm_other_user, person
):
    staff_login(client, qm_other_user)

    archive = zipfile.ZipFile(io.BytesIO(export(client).content))

    daten = json.loads(archive.read("auskunft.json"))
    assert [a["id"] for a in daten["antraege"]] == [person["fremdes_gebiet"].pk]


def test_viewing_contact_data_and_downloading_files_is_logged(client, staff_login, qm_user, person):
    antrag = person["nachbar"]
    anhang = antrag.anhaenge.get()
    staff_login(client, qm_user)

    client.get(reverse("qm:antrag_detail", args=[antrag.pk]))
    client.get(reverse("qm:anhang", args=[antrag.pk, anhang.pk]))

    assert list(
        Zugriffsnachweis.objects.order_by("pk").values_list(
            "akteur_name", "aktion", "antrag", "gegenstand"
        )
    ) == [
        (qm_user.username, "ansicht", antrag.pk, ""),
        (qm_user.username, "download", antrag.pk, "angebot.png"),
    ]


def test_a_refused_view_leaves_no_log_row(client, staff_login, qm_other_user, person):
    staff_login(client, qm_other_user)

    response = client.get(reverse("qm:antrag_detail", args=[person["nachbar"].pk]))

    assert response.status_code == 404
    assert not Zugriffsnachweis.objects.exists()


def test_audit_log_is_readable_by_admins_and_read_only(client, staff_login, admin_user, qm_user):
    zugriff = Zugriffsnachweis.objects.create(
        akteur=qm_user, akteur_name="qm-sol", aktion="ansicht"
    )
    staff_login(client, admin_user)

    liste = client.get(reverse("admin:antraege_zugriffsnachweis_changelist"))
    assert liste.status_code == 200
    assert "qm-sol" in liste.content.decode()
    assert client.get(reverse("admin:antraege_zugriffsnachweis_add")).status_code == 403
    client.post(
        reverse("admin:antraege_zugriffsnachweis_delete", args=[zugriff.pk]), {"post": "yes"}
    )
    assert Zugriffsnachweis.objects.filter(pk=zugriff.pk).exists()


def test_drafts_are_invisible_to_qm(client, staff_login, qm_user, admin_user, person):
    entwurf = person["eigene"][2]
    assert entwurf.status == "draft"
    staff_login(client, qm_user)

    assert client.get(reverse("qm:antrag_detail", args=[entwurf.pk])).status_code == 404
    assert client.get(reverse("abrechnung:qm_abrechnung", args=[entwurf.pk])).status_code == 404
    dashboard = client.get(reverse("qm:dashboard"), {"jahr": entwurf.fonds.jahr}).content.decode()
    assert f'href="{reverse("qm:antrag_detail", args=[entwurf.pk])}"' not in dashboard
    staff_login(client, admin_user)
    admin_list = client.get(reverse("admin:antraege_antrag_changelist")).content.decode()
    assert f"/admin/antraege/antrag/{entwurf.pk}/change/" not in admin_list
    assert client.get(reverse("admin:antraege_antrag_change", args=[entwurf.pk])).status_code == 302
    assert Antrag.objects.filter(pk=entwurf.pk).exists()


def test_the_domain_function_refuses_without_identity_check_or_role(qm_user, jury_user, person):
    from antraege.datenschutz.auskunft import AuskunftRefused, auskunft_create

    with pytest.raises(AuskunftRefused) as ohne_pruefung:
        auskunft_create(
            email=EMAIL, akteur=Akteur(qm_user), identitaet_geprueft=True, nachweis="  "
        )
    with pytest.raises(AuskunftRefused) as jury:
        auskunft_create(
            email=EMAIL, akteur=Akteur(jury_user), identitaet_geprueft=True, nachweis="Ausweis"
        )

    assert (ohne_pruefung.value.code, jury.value.code) == ("invalid", "forbidden")
    assert not Zugriffsnachweis.objects.exists()

"""The admin reads applicants' data and changes none of it (issue 21): every admin change form and
inline of every model that holds an applicant's data shows no editable field, and a POST that tries
to change, add or delete leaves the rows as they were. Contact data, amounts, cost lines, reasons,
bank details and states change only through the product's moves and QM's pages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.forms.models import model_to_dict
from django.urls import reverse

from antraege.models import Anhang, Antrag, Bankverbindung
from antraege.roles import Akteur
from jury.abstimmungen import services as jury_services
from jury.factories import antrag_zur_jury, jury_fuer
from workflow.wege import antrag_walk_to

pytestmark = pytest.mark.django_db


def _haelt_antragsdaten(model):
    """The Antrag itself or a model with a foreign key to it (found anew for every new model)."""
    return model is Antrag or any(
        getattr(field, "related_model", None) is Antrag
        for field in model._meta.get_fields()
        if field.concrete
    )


def _admins_mit_antragsdaten():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if _haelt_antragsdaten(model)
        or any(_haelt_antragsdaten(inline.model) for inline in model_admin.inlines)
    ]


def _stand(model):
    return [model_to_dict(row) for row in model.objects.order_by("pk")]


@pytest.fixture
def daten(fonds, qm_user, quartier):
    """Rows of every model the admin shows that hold an applicant's data."""
    from antraege.factories import AntragFactory

    bezahlt = antrag_walk_to(AntragFactory(fonds=fonds), "expired", qm_user=qm_user)
    anhang = Anhang(
        antrag=bezahlt, originalname="angebot.pdf", content_type="application/pdf", groesse=9
    )
    anhang.datei.save("angebot.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    jury_fuer(quartier, 3)
    zur_jury = AntragFactory(fonds=fonds)
    antrag_zur_jury(zur_jury, qm_user)
    jury_services.abstimmung_open(
        zur_jury, akteur=Akteur(qm_user), betrag=Decimal("250.00"), auflagen=""
    )
    return bezahlt


def test_every_model_with_applicant_data_is_read_only_in_the_admin(
    client, staff_login, admin_user, daten
):
    staff_login(client, admin_user)
    gesehen = set()
    for model, model_admin in _admins_mit_antragsdaten():
        info = (model._meta.app_label, model._meta.model_name)
        row = model_admin.get_queryset(_request(admin_user)).order_by("pk").first()
        assert row is not None, f"no {model.__name__} row to look at"
        url = reverse("admin:{}_{}_change".format(*info), args=[row.pk])

        page = client.get(url)

        assert page.status_code == 200, model
        assert dict(page.context["adminform"].form.fields) == {}, model
        for inline in page.context["inline_admin_formsets"]:
            gesehen.add(inline.opts.model)
            assert not inline.has_add_permission, (model, inline.opts.model)
            assert not inline.has_change_permission, (model, inline.opts.model)
        # nothing on the page (form or inline rows) can be typed into, chosen or ticked
        assert _eingabefelder(page.content.decode()) == [], model
        gesehen.add(model)

        vorher = {m: _stand(m) for m in gesehen}
        post = {
            **{
                k: v
                for k, v in model_to_dict(row).items()
                if isinstance(v, (str, int, Decimal, datetime.date))
            },
            "antragsteller_email": "angreifer@example.org",
            "antragsteller_name": "Mallory",
            "betrag_beantragt": "1499.00",
            "betrag_bewilligt": "1499.00",
            "betrag": "1499.00",
            "status": "paid",
        }
        changed = client.post(url, post)
        deleted = client.post(
            reverse("admin:{}_{}_delete".format(*info), args=[row.pk]), {"post": "yes"}
        )
        added = client.post(reverse("admin:{}_{}_add".format(*info)), post)

        assert (changed.status_code, deleted.status_code, added.status_code) == (403, 403, 403)
        assert {m: _stand(m) for m in gesehen} == vorher, model
    # the walk covers the Antrag, its cost lines and timeline, attachments, e-mails, agreement,
    # repayment claims and the jury's vote
    names = {m.__name__ for m in gesehen}
    assert {
        "Antrag",
        "Kostenposition",
        "Statuswechsel",
        "Anhang",
        "Benachrichtigung",
        "Vereinbarung",
        "Rueckforderung",
        "Abstimmung",
    } <= names


def test_bank_details_are_not_in_the_admin():
    # only QM staff of the area see an IBAN in full, on their own page
    assert Bankverbindung not in admin.site._registry
    for model_admin in admin.site._registry.values():
        assert Bankverbindung not in {inline.model for inline in model_admin.inlines}


def _eingabefelder(html):
    """Names of the form controls a person could change (hidden fields and buttons aside)."""
    names = []
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
        if re.search(r'type="(hidden|submit|button)"', tag):
            continue
        name = re.search(r'name="([^"]*)"', tag)
        if name:  # the sidebar's filter box has none: it sends nothing
            names.append(name.group(1))
    return names


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request

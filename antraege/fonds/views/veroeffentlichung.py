"""The public list of funded actions: an accessible page and the same rows as CSV and JSON."""

import csv

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ...geld.auswertung import gefoerderte_je_fonds_gespeichert, gefoerderte_summe_je_fonds
from ...paginierung import PARAMETER, seite_for
from ...web.listenzeilen import oeffentliche_zeilen, oeffentliche_zeilen_html
from ..forms import GefoerderteFilterForm
from ..selectors.fondsbild import handlungsfelder_alle
from ..selectors.veroeffentlichung import (
    OPEN_DATA_SPALTEN,
    FondsweiseZeilen,
    aktion_as_dict,
    gefoerderte_aktionen,
    gefoerderte_aktionen_aus,
    oeffentliche_jahre_und_quartiere,
)


def _filter(request, *, handlungsfelder=None):
    """The filter as given (defaults: all areas, the current year) and the rows it selects.
    ``handlungsfelder``: all fields of action, when the page read them already."""
    heute = timezone.localdate()
    jahre, quartiere = oeffentliche_jahre_und_quartiere()
    jahre = jahre or [heute.year]
    data = request.GET.copy()
    if not data.get("jahr"):
        data["jahr"] = str(heute.year if heute.year in jahre else jahre[0])
    form = GefoerderteFilterForm(
        data, quartiere=quartiere, jahre=jahre, handlungsfelder=handlungsfelder
    )
    if form.is_valid():
        kriterien = {
            "quartier": form.cleaned_data["quartier"],
            "jahr": form.cleaned_data["jahr"],
            "handlungsfeld": form.cleaned_data["handlungsfeld"],
        }
    else:
        kriterien = {"quartier": None, "jahr": int(jahre[0]), "handlungsfeld": None}
    return form, kriterien


def _dateiname(kriterien, endung):
    teile = ["gefoerderte-projekte"]
    if kriterien["quartier"] is not None:
        teile.append(kriterien["quartier"].code.lower())
    teile.append(str(kriterien["jahr"]))
    if kriterien["handlungsfeld"] is not None:
        teile.append(kriterien["handlungsfeld"].slug)
    return "-".join(teile) + "." + endung


@require_GET
def gefoerderte_liste(request):
    """The list in pages of 50 (all areas of a year run into the thousands); number and sum of the
    whole selection from the funds' stored figures (a row per fund, not per Antrag), which also
    say in which fund the page starts."""
    # the fields of action read once: the filter's choices and the rows' fields
    felder = handlungsfelder_alle()
    form, kriterien = _filter(request, handlungsfelder=felder)
    je_fonds = gefoerderte_je_fonds_gespeichert(**kriterien)
    anzahl, summe = gefoerderte_summe_je_fonds(je_fonds)
    # the page read fund by fund (their stored numbers say where it starts), not sorted from all
    zeilen = FondsweiseZeilen(je_fonds, handlungsfeld=kriterien["handlungsfeld"])
    seite = seite_for(request, zeilen, gesamt=anzahl)
    aktionen = gefoerderte_aktionen_aus(seite.eintraege, felder=felder)
    # the open data files hold the whole selection: the filter without the page
    params = request.GET.copy()
    params.pop(PARAMETER, None)
    query = params.urlencode()
    return render(
        request,
        "oeffentlich/gefoerderte.html",
        {
            "form": form,
            "form_has_errors": bool(form.errors),
            "aktionen": aktionen,
            "tabellenzeilen": oeffentliche_zeilen_html(
                oeffentliche_zeilen(aktionen), mit_quartier=kriterien["quartier"] is None
            ),
            "seite": seite,
            "anzahl": anzahl,
            "kriterien": kriterien,
            "summe": summe,
            "query": query,
        },
    )


@require_GET
def gefoerderte_csv(request):
    _form, kriterien = _filter(request)
    aktionen = gefoerderte_aktionen(**kriterien)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_dateiname(kriterien, "csv")}"'
    writer = csv.writer(response)
    writer.writerow(OPEN_DATA_SPALTEN)
    for aktion in aktionen:
        row = aktion_as_dict(aktion)
        row["handlungsfelder"] = " ".join(row["handlungsfelder"])
        writer.writerow([_csv_cell(row[spalte]) for spalte in OPEN_DATA_SPALTEN])
    return response


@require_GET
def gefoerderte_json(request):
    _form, kriterien = _filter(request)
    aktionen = gefoerderte_aktionen(**kriterien)
    data = {
        "quartier": kriterien["quartier"].code if kriterien["quartier"] else None,
        "jahr": kriterien["jahr"],
        "handlungsfeld": kriterien["handlungsfeld"].slug if kriterien["handlungsfeld"] else None,
        "stand": timezone.localdate().isoformat(),
        "projekte": [aktion_as_dict(a) for a in aktionen],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{_dateiname(kriterien, "json")}"'
    return response


def _csv_cell(value):
    """Applicant text in a spreadsheet: never a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

"""Floors: what a page or a POST costs with nothing of the product around it.

- ``liste``: the same 50 Anträge as the dashboard's first page (same query, same table markup),
  signed in, without filters, counts, balance or pagination.
- ``oeffentlich``: the public list's 50 rows of a year, or of a year and area (``quartier``: its
  code; same query as the bare floors of ``bench/scale.py``) in the site's layout (``base.html``:
  head, navigation, footer), without filter form, count, sum, fields of action or paging: what the
  layout itself costs.
- ``bericht``: the fund report's first 50 projects (same query as the bare floor of
  ``bench/scale.py``), the same seven columns and the link of each to its Antrag, in the site's
  layout, signed in as QM: without the fund's figures, chart, fields of action or paging.
- ``oeffentlich_bar``, ``bericht_bar``: the same rows in a bare table (no layout) as a request:
  what a page of them costs beyond the query, with the site's middleware.
- ``post``: a CSRF-protected POST that writes one row (``bench_floor``) and redirects.
"""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.template import Context, Engine, RequestContext

from antraege.models import Antrag, AntragStatus
from bench.scale import BARE, BARE_BERICHT

TABELLE = Engine.get_default().from_string(
    """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Anträge</title></head><body>
<table class="kern-table"><tbody>{% for antrag in antraege %}<tr class="kern-table__row">
<th scope="row"><a href="/qm/antraege/{{ antrag.pk }}/">{{ antrag.referenz }}</a></th>
<td>{{ antrag.titel }}</td><td>{{ antrag.antragsteller_name }}</td>
<td>{{ antrag.betrag_beantragt|floatformat:"2g" }} €</td><td>{{ antrag.get_status_display }}</td>
<td>{{ antrag.eingereicht_am|date:"d.m.Y" }}</td></tr>{% endfor %}</tbody></table></body></html>"""
)


@login_required
def liste(request):
    antraege = (
        Antrag.objects.exclude(status=AntragStatus.DRAFT)
        .select_related("fonds__quartier")
        .order_by("-eingereicht_am", "-pk")[:50]
    )
    return HttpResponse(TABELLE.render(Context({"antraege": antraege})))


IM_LAYOUT = Engine.get_default().from_string(
    """{% extends "base.html" %}{% block title %}Projekte{% endblock %}{% block content %}
<table class="kern-table">{% for r in rows %}<tr class="kern-table__row"><th scope="row">{{ r.2 }}</th>
<td>{{ r.3 }}</td><td>{{ r.9 }}</td><td>{{ r.6|floatformat:"2g" }} €</td><td>{{ r.7 }}</td></tr>
{% endfor %}</table>{% endblock %}"""
)


def oeffentlich(request):
    from antraege.fonds.selectors.veroeffentlichung import gefoerderte_zeilen
    from antraege.models import Quartier

    jahr = int(request.GET["jahr"])
    # of one area when asked (``quartier``: its code), as the public list filtered by area
    code = request.GET.get("quartier")
    quartier = Quartier.objects.get(code=code) if code else None
    rows = list(gefoerderte_zeilen(quartier=quartier, jahr=jahr, handlungsfeld=None)[:50])
    return HttpResponse(IM_LAYOUT.render(RequestContext(request, {"rows": rows})))


IM_LAYOUT_BERICHT = Engine.get_default().from_string(
    """{% extends "base.html" %}{% block title %}Bericht{% endblock %}{% block content %}
<table class="kern-table">{% for a in rows %}<tr class="kern-table__row"><th scope="row">
<a href="/qm/antraege/{{ a.pk }}/">{{ a.referenz }}</a></th><td>{{ a.titel }}</td>
<td>{{ a.betrag_bewilligt|floatformat:"2g" }} €</td><td>{{ a.ausgezahlt_brutto|floatformat:"2g" }} €</td>
<td>{{ a.zurueckgefordert|floatformat:"2g" }} €</td><td>{{ a.zurueckgezahlt|floatformat:"2g" }} €</td>
<td>{{ a.get_status_display }}</td></tr>
{% endfor %}</table>{% endblock %}"""
)


@login_required
def bericht(request, pk):
    from antraege.geld.selectors.abrechnung import bericht_seiten
    from antraege.models import Aktionsfonds

    fonds = Aktionsfonds.objects.get(pk=pk)
    rows = list(bericht_seiten(fonds)[:50])
    return HttpResponse(IM_LAYOUT_BERICHT.render(RequestContext(request, {"rows": rows})))


# the same rows as bench/scale.py's bare floors (``BARE``, ``BARE_BERICHT``: no layout), here as
# a request through the site's middleware (session, sign-in with its second factor, CSP): a bare
# page, where scale.py's bare floors are the query and the table alone, called in-process
BAR = Engine.get_default().from_string(BARE)
BAR_BERICHT = Engine.get_default().from_string(BARE_BERICHT)


def oeffentlich_bar(request):
    from antraege.fonds.selectors.veroeffentlichung import gefoerderte_zeilen
    from antraege.models import Quartier

    code = request.GET.get("quartier")
    quartier = Quartier.objects.get(code=code) if code else None
    jahr = int(request.GET["jahr"])
    rows = list(gefoerderte_zeilen(quartier=quartier, jahr=jahr, handlungsfeld=None)[:50])
    return HttpResponse(BAR.render(Context({"rows": rows})))


@login_required
def bericht_bar(request, pk):
    from antraege.geld.selectors.abrechnung import bericht_seiten
    from antraege.models import Aktionsfonds

    rows = list(bericht_seiten(Aktionsfonds.objects.get(pk=pk))[:50])
    return HttpResponse(BAR_BERICHT.render(Context({"rows": rows})))


def post(request):
    if request.method == "POST":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_floor (wert, erstellt_am) VALUES (%s, now())",
                [request.POST.get("wert", "")[:20]],
            )
        return HttpResponseRedirect(request.path)
    return HttpResponse(
        f'<form method="post"><input name="csrfmiddlewaretoken" value="{get_token(request)}"></form>'
    )


def floor_table_create():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_floor "
            "(id serial PRIMARY KEY, wert varchar(20), erstellt_am timestamptz)"
        )

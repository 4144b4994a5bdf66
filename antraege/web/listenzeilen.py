"""The rows of the two long lists of 50 — the fund report's projects and the public list of funded
actions —: their values, their templates and their fast twins, as ``dashboard_zeilen`` does for the
dashboard (HTML written from data, escaped value by value, kept in this one module).

``templates/qm/_bericht_zeilen.html`` and ``templates/oeffentlich/_gefoerderte_zeilen.html`` are
what the rows look like; the pages write the same markup with ``str.format``
(``bericht_zeilen_html``, ``oeffentliche_zeilen_html``): through the template engine the 50 rows
cost about as much as the rest of the page (bench/scale.py holds these pages to 2 × the same 50
rows in the site's layout). ``tests/test_listenzeilen.py`` checks that both give the same HTML, byte
for byte; change them together. The cells carry no class of their own: ``.af-zeilen`` in
``static/css/aktionsfonds.css`` gives them kern's table look (a class per cell was half the bytes).
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..models import AntragStatus
from ..money import euro_formatierer

BERICHT_TEMPLATE = "qm/_bericht_zeilen.html"
OEFFENTLICH_TEMPLATE = "oeffentlich/_gefoerderte_zeilen.html"
# The detail URL is reversed once, for this (impossible) id, which each row replaces with its own.
URL_ANKER = 987_654_321


def _text(wert):
    """A value as the template writes it: escaped as Django's autoescape does."""
    return escape(str(wert))


def _euro_schreiber():
    """A function writing an amount as the staff and public tables write money (the active
    language's format; nothing for none)."""
    euro = euro_formatierer()
    return lambda betrag: "" if betrag is None else euro(betrag)


def bericht_zeilen(antraege):
    """The fund report's project rows (``bericht_projekte``), ready to show."""
    labels = dict(AntragStatus.choices)
    euro = _euro_schreiber()
    return [
        {
            "pk": antrag.pk,
            "referenz": antrag.referenz,
            "titel": antrag.titel,
            "bewilligt": euro(antrag.betrag_bewilligt),
            "ausgezahlt": euro(antrag.ausgezahlt_brutto),
            "zurueckgefordert": euro(antrag.zurueckgefordert),
            "zurueckgezahlt": euro(antrag.zurueckgezahlt),
            "status": str(labels[antrag.status]),
        }
        for antrag in antraege
    ]


BERICHT_ZEILE = (
    '<tr><th scope="row"><a class="kern-link" href="{url}">{referenz}</a></th><td>{titel}</td>'
    "<td>{bewilligt} €</td><td>{ausgezahlt} €</td><td>{zurueckgefordert} €</td>"
    "<td>{zurueckgezahlt} €</td><td>{status}</td></tr>\n"
)


def bericht_zeilen_html(zeilen):
    """The template's output for ``zeilen`` (from ``bericht_zeilen``), without the engine."""
    url = _text(reverse("qm:antrag_detail", args=[URL_ANKER]))
    anker = str(URL_ANKER)
    html = "".join(
        BERICHT_ZEILE.format(
            url=url.replace(anker, str(zeile["pk"])),
            **{name: _text(wert) for name, wert in zeile.items() if name != "pk"},
        )
        for zeile in zeilen
    )
    return mark_safe(html)  # every value above is escaped


def oeffentliche_zeilen(aktionen):
    """The public list's rows (``GefoerderteAktion``), ready to show: nobody named is a private
    person, the fields of action in one cell ("–" for none)."""
    privat = _("Privatperson")
    euro = _euro_schreiber()
    felder = {}  # the cell of each combination of fields, named once per page

    def felder_zelle(handlungsfelder):
        schluessel = tuple(f.pk for f in handlungsfelder)
        if schluessel not in felder:
            felder[schluessel] = ", ".join(str(f.anzeigename) for f in handlungsfelder) or "–"
        return felder[schluessel]

    return [
        {
            "titel": aktion.titel,
            "traeger": aktion.traeger or privat,
            "quartier": aktion.quartier,
            "felder": felder_zelle(aktion.handlungsfelder),
            "betrag": euro(aktion.betrag),
            "status": aktion.status_label,
        }
        for aktion in aktionen
    ]


OEFFENTLICH_ZEILE = (
    '<tr><th scope="row">{titel}</th><td>{traeger}</td>{quartier}<td>{felder}</td>'
    "<td>{betrag} €</td><td>{status}</td></tr>\n"
)


def oeffentliche_zeilen_html(zeilen, *, mit_quartier):
    """The template's output for ``zeilen`` (from ``oeffentliche_zeilen``; ``mit_quartier``: the
    list of all areas has a column for the area), without the engine."""
    html = "".join(
        OEFFENTLICH_ZEILE.format(
            titel=_text(zeile["titel"]),
            traeger=_text(zeile["traeger"]),
            quartier=f"<td>{_text(zeile['quartier'])}</td>" if mit_quartier else "",
            felder=_text(zeile["felder"]),
            betrag=_text(zeile["betrag"]),
            status=_text(zeile["status"]),
        )
        for zeile in zeilen
    )
    return mark_safe(html)  # every value above is escaped

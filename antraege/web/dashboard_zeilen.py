"""The QM dashboard's list rows: their values, their template and its fast twin — the one place
in the pages' code that writes HTML from data (escaped value by value), so kept out of ``views``.

``templates/qm/_dashboard_zeilen.html`` is what the rows look like. The dashboard shows 50 rows on
every visit, and rendering them through the template costs about as much as the rest of the page
(bench/load.py holds the page to 1.5 × a bare list of the same rows), so the page writes the same
markup with ``str.format`` (``dashboard_zeilen_html``). ``tests/test_qm_views.py`` checks that both
give the same HTML, byte for byte; change them together.
"""

from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..models import AntragStatus
from ..money import euro_formatierer

# The columns the dashboard's list query reads (``.values(*LISTENFELDER)``).
LISTENFELDER = (
    "pk",
    "referenz",
    "titel",
    "antragsteller_name",
    "organisation",
    "betrag_beantragt",
    "status",
    "eingereicht_am",
)
TEMPLATE = "qm/_dashboard_zeilen.html"


def dashboard_zeilen(eintraege):
    """The rows' values, ready to show: the amount written the way staff tables write money, the
    status label, the submission day (a date, in the local time zone)."""
    labels = dict(AntragStatus.choices)
    euro = euro_formatierer()
    return [
        {
            "pk": eintrag["pk"],
            "referenz": eintrag["referenz"],
            "titel": eintrag["titel"],
            "antragsteller_name": eintrag["antragsteller_name"],
            "organisation": eintrag["organisation"],
            "betrag": euro(eintrag["betrag_beantragt"]),
            "status": labels[eintrag["status"]],
            "eingereicht": timezone.localtime(eintrag["eingereicht_am"]).date()
            if eintrag["eingereicht_am"]
            else None,
        }
        for eintrag in eintraege
    ]


ZEILE = (
    '<tr class="kern-table__row">\n'
    '  <th scope="row" class="kern-table__cell"><a class="kern-link" href="{url}">{referenz}</a></th>\n'
    '  <td class="kern-table__cell">{titel}</td>\n'
    '  <td class="kern-table__cell">{name}{organisation}</td>\n'
    '  <td class="kern-table__cell kern-table__cell--numeric">{betrag} €</td>\n'
    '  <td class="kern-table__cell"><span class="kern-badge kern-badge--info">'
    '<span class="kern-label kern-label--small">{status}</span></span></td>\n'
    '  <td class="kern-table__cell">{eingereicht}</td>\n'
    "</tr>\n"
)
ORGANISATION = '<br><span class="kern-body--small">{}</span>'
# The detail URL is reversed once, for this (impossible) id, which each row then replaces with its
# own: 50 ``reverse`` calls cost a third of the rows' time.
URL_ANKER = 987_654_321


def _text(wert):
    """A value as the template writes it: escaped as Django's autoescape does."""
    return escape(str(wert))


def dashboard_zeilen_html(zeilen):
    """The template's output for ``zeilen`` (from ``dashboard_zeilen``), without the template
    engine. Every value is escaped (``html.escape``, what Django's ``escape`` calls)."""
    url = _text(reverse("qm:antrag_detail", args=[URL_ANKER]))
    anker = str(URL_ANKER)
    html = "".join(
        ZEILE.format(
            url=url.replace(anker, str(zeile["pk"])),
            referenz=_text(zeile["referenz"]),
            titel=_text(zeile["titel"]),
            name=_text(zeile["antragsteller_name"]),
            organisation=ORGANISATION.format(_text(zeile["organisation"]))
            if zeile["organisation"]
            else "",
            betrag=_text(zeile["betrag"]),
            status=_text(zeile["status"]),
            eingereicht=f"{zeile['eingereicht']:%d.%m.%Y}" if zeile["eingereicht"] else "",
        )
        for zeile in zeilen
    )
    return mark_safe(html)  # every value above is escaped

"""The fund's picture and figures on the QM pages — the chart of its money, its figures, approvals
per month, fields of action —: their templates and their fast twins, as ``listenzeilen`` does for
the rows of the long lists (HTML written from data, escaped value by value, kept in this module).

``templates/qm/_fondsbild.html``, ``_saldo.html``, ``_monatsbild.html`` and
``_handlungsfelder_zeilen.html`` are what they look like; the pages write the same markup with
``str.format`` (the template filters and tags of ``antraege.templatetags.fondsbilder``): through
the template engine these parts cost ~2 ms, a fifth of the fund report page (bench/scale.py holds
it to 2 × a bare 50-row page). ``tests/test_fondsbilder.py`` checks that both give the same HTML,
byte for byte, in every language; change them together. Numbers inside the SVG are not localized
(``{% localize off %}``), amounts and counts shown as text are.
"""

from html import escape

from django.utils import dateformat, formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..money import euro_formatierer

FONDSBILD_TEMPLATE = "qm/_fondsbild.html"
SALDO_TEMPLATE = "qm/_saldo.html"
MONATSBILD_TEMPLATE = "qm/_monatsbild.html"
HANDLUNGSFELDER_TEMPLATE = "qm/_handlungsfelder_zeilen.html"


def _text(wert):
    """A value as the template writes it: localized where a number (as ``{{ }}`` does), escaped
    as Django's autoescape does."""
    return escape(str(formats.localize(wert)), quote=True)


def fondsbild_html(bild):
    """``qm/_fondsbild.html`` for ``bild`` (``fondsbild.Fondsbild``), without the engine."""
    euro = euro_formatierer()  # ``floatformat:"2g"`` of an amount in cent
    fonds, breite = bild.fonds, bild.breite
    titel = _("Geld im Aktionsfonds %(quartier)s %(jahr)s") % {
        "quartier": _text(fonds.quartier.name),
        "jahr": _text(fonds.jahr),
    }
    beschreibung = "; ".join(f"{_text(b.label)}: {euro(b.betrag)} €" for b in bild.balken)
    namen = "".join(f'<text y="{b.text_y}">{_text(b.label)}</text>' for b in bild.balken)
    betraege = "".join(
        f'<text x="{breite}" y="{b.text_y}">{euro(b.betrag)} €</text>' for b in bild.balken
    )
    spuren = "".join(f'<rect y="{b.balken_y}" width="{breite}" height="16"/>' for b in bild.balken)
    balken = "".join(
        f'<rect class="af-fondsbild__balken {_text(b.css)}" y="{b.balken_y}" '
        f'width="{b.breite}" height="16"/>'
        for b in bild.balken
        if b.breite
    )
    if bild.abgeschlossen:
        datum = dateformat.format(timezone.localtime(fonds.abgeschlossen_am), "d.m.Y")
        unterschrift = _("Jahresabschluss am %(datum)s: nicht gebundenes Geld ist verfallen.") % {
            "datum": _text(datum)
        }
    else:
        unterschrift = _(
            "Verfügbar = Budget − bewilligt, noch nicht abgerechnet − ausgezahlt (nach "
            "Rückzahlungen)."
        )
    kennung = f"fondsbild-{fonds.pk}"
    return mark_safe(  # every value above is escaped, the translations are ours
        f'\n<figure class="af-fondsbild">\n  <svg class="af-fondsbild__svg" viewBox="0 0 {breite} '
        f'{bild.hoehe}" role="img" aria-labelledby="{kennung}-titel {kennung}-text" '
        f'focusable="false">\n    <title id="{kennung}-titel">{titel}</title>\n'
        f'    <desc id="{kennung}-text">{beschreibung}</desc>\n    \n'
        f'    <g class="af-fondsbild__text">{namen}</g>\n'
        '    <g class="af-fondsbild__text af-fondsbild__text--wert" text-anchor="end">'
        f"{betraege}</g>\n"
        f'    <g class="af-fondsbild__spur">{spuren}</g>\n    {balken}\n  </svg>\n'
        f'  <figcaption class="kern-body kern-body--small">{unterschrift}</figcaption>\n'
        "</figure>\n"
    )


def saldo_html(saldo):
    """``qm/_saldo.html`` for ``saldo`` (a ``Saldo`` or a ``Fondsbild``), without the engine."""
    euro = euro_formatierer()  # ``floatformat:"2g"`` of an amount in cent
    zahlen = "".join(
        f'<div data-zahl="{_text(zahl.key)}"><dt>{_text(zahl.label)}</dt><dd>'
        + (
            f"<strong>{euro(zahl.betrag)} €</strong>"
            if zahl.key == "verfuegbar"
            else f"{euro(zahl.betrag)} €"
        )
        + "</dd></div>"
        for zahl in saldo.zahlen
    )
    return mark_safe(  # every value above is escaped
        f'\n<dl class="kern-description-list af-zahlenliste">\n  {zahlen}\n</dl>\n'
    )


def monatsbild_html(monate, fonds):
    """``qm/_monatsbild.html`` for ``monate`` (``fondsbild.Monatsbild``) of ``fonds``, without
    the engine."""
    euro = euro_formatierer()  # ``floatformat:"2g"`` of an amount in cent
    anzahl = monate.anzahl
    titel = ngettext(
        "Bewilligungen je Monat: %(anzahl)s Bewilligung, Zahlen in der Tabelle",
        "Bewilligungen je Monat: %(anzahl)s Bewilligungen, Zahlen in der Tabelle",
        anzahl,
    ) % {"anzahl": _text(anzahl)}
    mit = [monat for monat in monate.monate if monat.anzahl]
    saeulen = "".join(
        f'<rect x="{m.x}" y="{m.y}" width="{m.spalte}" height="{m.hoehe}"/>' for m in mit
    )
    zahlen = "".join(f'<text x="{m.mitte}" y="{m.zahl_y}">{m.anzahl}</text>' for m in mit)
    kuerzel = "".join(
        f'<text x="{m.mitte}" y="{m.kurz_y}">{_text(m.kurz)}</text>' for m in monate.monate
    )
    zeilen = "".join(
        f'<tr><th scope="row">{_text(m.name)}</th><td>{_text(m.anzahl)}</td>'
        f"<td>{euro(m.betrag)} €</td></tr>"
        for m in monate.monate
    )
    pk, breite, linie = fonds.pk, monate.breite, monate.grundlinie
    return mark_safe(  # every value above is escaped, the translations are ours
        f'\n<figure class="af-fondsbild">\n  <svg class="af-fondsbild__svg" viewBox="0 0 {breite} '
        f'{monate.hoehe}" role="img" aria-labelledby="monate-{pk}-titel" '
        f'aria-describedby="monate-{pk}-tabelle" focusable="false">\n'
        f'    <title id="monate-{pk}-titel">{titel}</title>\n'
        f'    <line class="af-fondsbild__achse" x1="0" x2="{breite}" y1="{linie}" y2="{linie}">'
        "</line>\n    \n"
        f'    <g class="af-fondsbild__balken af-fondsbild__balken--reserviert">{saeulen}</g>\n'
        f'    <g class="af-fondsbild__text" text-anchor="middle">{zahlen}</g>\n'
        '    <g class="af-fondsbild__text af-fondsbild__text--klein" text-anchor="middle">'
        f"{kuerzel}</g>\n  </svg>\n</figure>\n"
        f'<div class="af-table-wrap" tabindex="0" role="region" '
        f'aria-labelledby="monate-{pk}-caption" id="monate-{pk}-tabelle">\n'
        '  <table class="kern-table kern-table--small af-zeilen af-zeilen--zahlen">\n'
        f'    <caption class="af-visually-hidden" id="monate-{pk}-caption">'
        f"{_('Bewilligungen je Monat')}</caption>\n"
        '    <thead class="kern-table__head"><tr class="kern-table__row">\n'
        f'      <th scope="col">{_("Monat")}</th>\n'
        f'      <th scope="col">{_("Bewilligungen")}</th>\n'
        f'      <th scope="col">{_("Betrag")}</th>\n'
        "    </tr></thead>\n"
        '    <tbody class="kern-table__body">\n'
        f"      {zeilen}\n"
        "    </tbody>\n  </table>\n</div>\n"
    )


def handlungsfelder_zeilen_html(felder):
    """``qm/_handlungsfelder_zeilen.html`` for ``felder`` (``fondsbild.FeldZeile``), without
    the engine."""
    euro = euro_formatierer()  # ``floatformat:"2g"`` of an amount in cent
    return mark_safe(  # every value above is escaped
        "".join(
            f'<tr><th scope="row">{_text(zeile.handlungsfeld.anzeigename)}</th>'
            f"<td>{_text(zeile.anzahl)}</td><td>{euro(zeile.bewilligt)} €</td>"
            f"<td>{euro(zeile.ausgezahlt)} €</td></tr>"
            for zeile in felder
        )
    )

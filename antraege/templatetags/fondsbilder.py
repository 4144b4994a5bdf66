"""The fund's picture and figures, written without the template engine (``antraege.web.fondsbilder``:
the templates ``qm/_fondsbild.html``, ``_saldo.html``, ``_monatsbild.html`` and
``_handlungsfelder_zeilen.html`` are what they look like, byte for byte)."""

from django import template

from antraege.web import fondsbilder

register = template.Library()


@register.filter
def fondsbild(bild):
    """``{{ bild|fondsbild }}``: ``qm/_fondsbild.html`` with ``bild``."""
    return fondsbilder.fondsbild_html(bild)


@register.filter
def saldo_zahlen(saldo):
    """``{{ saldo|saldo_zahlen }}``: ``qm/_saldo.html`` with ``saldo``."""
    return fondsbilder.saldo_html(saldo)


@register.simple_tag
def monatsbild(monate, fonds):
    """``{% monatsbild monate fonds %}``: ``qm/_monatsbild.html`` with ``monate`` and ``fonds``."""
    return fondsbilder.monatsbild_html(monate, fonds)


@register.filter
def handlungsfelder_zeilen(felder):
    """``{{ felder|handlungsfelder_zeilen }}``: ``qm/_handlungsfelder_zeilen.html``."""
    return fondsbilder.handlungsfelder_zeilen_html(felder)

"""Money: the one place that formats and parses euro amounts. Always ``Decimal``, never float."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from .refusals import BetragRefused

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Larger amounts are typing errors: the fund of a whole area is about 10,000 €.
EURO_MAX = Decimal("100000000")


def euro_format(amount, *, grouping=True, localized=False):
    """``1234.5`` → ``"1.234,50"`` (German, as in letters and messages; without the € sign).

    ``grouping=False`` gives ``"1234,50"`` (spreadsheets); ``localized=True`` follows the active
    language instead (``"1,234.50"`` in English, for the admin).
    """
    if localized:
        return euro_formatierer(grouping=grouping)(amount)
    text = f"{amount:,.2f}" if grouping else f"{amount:.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def euro_formatierer(*, grouping=True):
    """``euro_format(…, localized=True)`` as a function, with the active language's separators
    read once: a page writes 50–200 amounts, and reading them per amount was most of its time.
    Use it in the language it was made in.

    It writes what ``number_format(amount, 2, force_grouping=grouping)`` (and so
    ``floatformat:"2g"``) writes: a Decimal of at most two places by ``format``, anything else by
    ``number_format`` itself (it cuts further places, it does not round). ``tests/test_money.py``
    holds the two together."""
    gruppen = get_format("NUMBER_GROUPING")
    gruppiert = bool((grouping or settings.USE_THOUSAND_SEPARATOR) and gruppen)
    dezimal = get_format("DECIMAL_SEPARATOR")
    tausender = get_format("THOUSAND_SEPARATOR")
    schnell = not gruppiert or gruppen == 3

    def euro(amount):
        if not (
            schnell
            and isinstance(amount, Decimal)
            and amount.is_finite()
            and amount.as_tuple().exponent >= -2
        ):
            return number_format(amount, 2, force_grouping=grouping)
        amount = amount or ZERO  # no "-0.00"
        if not gruppiert:
            return f"{amount:.2f}".replace(".", dezimal)
        return f"{amount:,.2f}".replace(",", "\0").replace(".", dezimal).replace("\0", tausender)

    return euro


def euro_round(amount):
    """An amount (Decimal, int or str of digits) to the cent."""
    return Decimal(amount).quantize(CENT)


def euro_text_clean(value):
    """Typed euro text as a plain number: ``"1.234,50 €"`` → ``"1234.50"`` (non-text unchanged)."""
    if isinstance(value, str):
        value = value.strip().replace(" ", "").replace("€", "")
        if "," in value:
            value = value.replace(".", "").replace(",", ".")
    return value


def euro_parse(value, *, field="betrag", refusal=BetragRefused):
    """A positive amount from user input (``"12,50"``, ``"1.234,50 €"``, ``Decimal``), to the cent.

    Raises ``refusal`` (a ``Refused`` subclass, code ``invalid``, with ``field``) for anything else.
    """
    value = euro_text_clean(value)
    try:
        betrag = euro_round(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise refusal(
            _("Bitte geben Sie einen Betrag in Euro an, z. B. 12,50."), code="invalid", field=field
        ) from error
    if not betrag.is_finite() or betrag <= 0:
        raise refusal(_("Der Betrag muss größer als 0 sein."), code="invalid", field=field)
    if betrag >= EURO_MAX:
        raise refusal(_("Der Betrag ist zu groß."), code="invalid", field=field)
    return betrag

"""Money: the one place that formats and parses euro amounts. Always ``Decimal``, never float."""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
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
        return number_format(amount, 2, force_grouping=grouping)
    text = f"{amount:,.2f}" if grouping else f"{amount:.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


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

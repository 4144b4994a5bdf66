"""QM enters what the bookkeeping needs: the fund's budget line (Haushaltsstelle, cost centre)
and the office's own bank account (debtor of the SEPA transfers, account for repayments).
Reads are ``selectors.buchhaltung``."""

from django.db import transaction
from django.utils.translation import gettext as _

from ... import permissions
from ...models import Aktionsfonds, Quartier
from ...refusals import Refused


class BuchhaltungRefused(Refused):
    """The bookkeeping details were refused; nothing changed."""


def buero_iban_normalised(value):
    """The office's IBAN without spaces, upper case, its checksum checked; "" stays ""."""
    from schwifty import IBAN
    from schwifty.exceptions import InvalidChecksumDigits, SchwiftyException

    text = "".join((value or "").split()).upper()
    if not text:
        return ""
    try:
        return IBAN(text).compact
    except InvalidChecksumDigits as error:
        raise BuchhaltungRefused(
            _(
                "Die Prüfziffer der IBAN stimmt nicht. Bitte vergleichen Sie sie Zeichen für Zeichen."
            ),
            code="invalid",
            field="buero_iban",
        ) from error
    except SchwiftyException as error:
        raise BuchhaltungRefused(
            _("Das ist keine gültige IBAN. Bitte prüfen Sie die Eingabe."),
            code="invalid",
            field="buero_iban",
        ) from error


def buero_bic_normalised(value):
    """The BIC without spaces, upper case (8 or 11 characters); empty is allowed."""
    from schwifty import BIC
    from schwifty.exceptions import SchwiftyException

    text = "".join((value or "").split()).upper()
    if not text:
        return ""
    try:
        return str(BIC(text, allow_invalid=False).compact)
    except SchwiftyException as error:
        raise BuchhaltungRefused(
            _("Das ist keine gültige BIC (8 oder 11 Zeichen, z. B. BELADEBEXXX)."),
            code="invalid",
            field="buero_bic",
        ) from error


def buchhaltung_save(fonds, *, akteur, haushaltsstelle, kostenstelle, kontoinhaber, iban, bic=""):
    """QM of the area stores the fund's budget line and the office's account (IBAN checked;
    holder and IBAN together or neither). Returns the fund."""
    permissions.require(
        permissions.may_edit_aktionsfonds_buchhaltung, akteur, fonds, refused=BuchhaltungRefused
    )
    kontoinhaber = " ".join((kontoinhaber or "").split())
    iban = buero_iban_normalised(iban)
    bic = buero_bic_normalised(bic)
    if iban and not kontoinhaber:
        raise BuchhaltungRefused(
            _("Bitte geben Sie an, wem das Konto gehört."),
            code="invalid",
            field="buero_kontoinhaber",
        )
    if kontoinhaber and not iban:
        raise BuchhaltungRefused(
            _("Bitte geben Sie die IBAN des Kontos an."), code="invalid", field="buero_iban"
        )
    with transaction.atomic():
        Aktionsfonds.objects.filter(pk=fonds.pk).update(
            haushaltsstelle=" ".join((haushaltsstelle or "").split())[:60],
            kostenstelle=" ".join((kostenstelle or "").split())[:60],
        )
        Quartier.objects.filter(pk=fonds.quartier_id).update(
            buero_kontoinhaber=kontoinhaber[:70], buero_iban=iban, buero_bic=bic
        )
    return Aktionsfonds.objects.select_related("quartier").get(pk=fonds.pk)

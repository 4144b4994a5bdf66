"""Reads of what the bookkeeping needs from an area and its fund: the office's own bank account
(debtor of the SEPA transfers, the account a repayment is paid into) and the fund's budget line.
The rules for entering them are ``services.buchhaltung``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BueroKonto:
    """The QM office's bank account, as the payout orders, the SEPA file and the letters name it."""

    kontoinhaber: str
    iban: str  # compact, upper case, checksum valid
    bic: str  # may be empty (SEPA transfers within the zone need none)

    @property
    def iban_formatted(self):
        """Groups of four, as on a bank card (``DE89 3704 0044 0532 0130 00``)."""
        return " ".join(self.iban[i : i + 4] for i in range(0, len(self.iban), 4))


def buero_konto_for_aktionsfonds(fonds):
    """The bank account of the office of ``fonds``'s area, or None while QM has not entered it.
    Reads the loaded ``fonds.quartier`` (no query when it is selected with the fund)."""
    quartier = fonds.quartier
    if not (quartier.buero_iban and quartier.buero_kontoinhaber):
        return None
    return BueroKonto(
        kontoinhaber=quartier.buero_kontoinhaber, iban=quartier.buero_iban, bic=quartier.buero_bic
    )


@dataclass(frozen=True)
class Haushalt:
    """Where the bookkeeping books a payout of the fund: budget line, cost centre, budget year."""

    haushaltsstelle: str
    kostenstelle: str
    haushaltsjahr: int


def haushalt_for_aktionsfonds(fonds):
    return Haushalt(
        haushaltsstelle=fonds.haushaltsstelle,
        kostenstelle=fonds.kostenstelle,
        haushaltsjahr=fonds.jahr,
    )

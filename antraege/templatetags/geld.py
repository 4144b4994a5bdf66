"""Template helpers for money shown next to the cost plan."""

from django import template

register = template.Library()


@register.filter
def iban_maskiert(iban):
    """An IBAN with only country code and last four characters shown (``iban_masked``)."""
    from antraege.geld.selectors.vereinbarung import iban_masked

    return iban_masked(iban)


@register.simple_tag
def pauschale_geplant(antrag):
    """The lump sum the cost plan can expect (see ``antraege.geld.selectors.vereinbarung.pauschale_geplant``)."""
    from antraege.geld.selectors.vereinbarung import pauschale_geplant as geplant

    return geplant(antrag)

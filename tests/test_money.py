"""Money as text: ``euro_format(localized=True)`` writes what Django's ``number_format`` (and so
``floatformat:"2g"``) writes, in every language, by its own faster way for amounts in cent."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import number_format
from hypothesis import given
from hypothesis import strategies as st

from antraege.money import euro_format

LANGUAGES = ["de", "en", "tr", "ar"]
BETRAEGE = [
    "0", "0.00", "-0.00", "0.01", "-0.01", "0.5", "1", "12.3", "999.99", "1000", "1234.56",
    "-1234.56", "10000.00", "1234567.89", "100000000", "1E+3", "1.50E+2",
    # not in cent: Django's own way (it cuts after two places, it does not round)
    "0.001", "-0.004", "1.239", "1234.5678",
]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("grouping", [True, False])
@pytest.mark.parametrize("betrag", BETRAEGE)
def test_an_amount_is_written_as_django_writes_it(language, grouping, betrag):
    with translation.override(language):
        django = number_format(Decimal(betrag), 2, force_grouping=grouping)
        assert euro_format(Decimal(betrag), localized=True, grouping=grouping) == django


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amount_in_cent_is_what_floatformat_writes(language):
    template = Template('{{ betrag|floatformat:"2g" }}')
    with translation.override(language):
        for betrag in ("1234567.89", "-5", "0.10"):
            floatformat = template.render(Context({"betrag": Decimal(betrag)}))
            assert euro_format(Decimal(betrag), localized=True) == floatformat


@given(
    cent=st.integers(min_value=-(10**12), max_value=10**12),
    language=st.sampled_from(LANGUAGES),
    grouping=st.booleans(),
)
def test_any_amount_in_cent_is_written_as_django_writes_it(cent, language, grouping):
    betrag = Decimal(cent).scaleb(-2)
    with translation.override(language):
        django = number_format(betrag, 2, force_grouping=grouping)
        assert euro_format(betrag, localized=True, grouping=grouping) == django


def test_other_numbers_are_left_to_django():
    with translation.override("de"):
        assert euro_format(1234, localized=True) == "1.234,00"
        assert euro_format(12.5, localized=True) == "12,50"

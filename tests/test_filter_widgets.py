"""The filter widgets built in Python give the markup Django's widget templates give (the same
elements, attributes and text; attribute order and white space may differ, as for a browser)."""

import pytest
from django import forms
from django.test.html import parse_html

from antraege.web.forms import FilterSelect, FilterTextInput

CHOICES = [("", "Alle Status"), ("submitted", "Eingereicht"), ("x", '<b>"Böse" & Co</b>')]
ATTRS = {"id": "id_status", "class": "kern-form-input__select", "aria-describedby": "a b"}


@pytest.mark.parametrize("value", ["", "submitted", "x", None, "not-a-choice"])
def test_filter_select_gives_djangos_markup(value):
    ours = FilterSelect(attrs={**ATTRS, "aria-invalid": "true"}, choices=CHOICES)
    django = forms.Select(attrs={**ATTRS, "aria-invalid": "true"}, choices=CHOICES)

    assert parse_html(ours.render("status", value)) == parse_html(django.render("status", value))


def test_filter_select_selects_only_the_first_option_of_a_value_and_reads_lazy_labels():
    from django.utils.translation import gettext_lazy

    choices = [(None, gettext_lazy("Alle Jahre")), (2027, "2027"), ("2027", "noch einmal")]
    ours = FilterSelect(attrs=ATTRS, choices=choices)
    django = forms.Select(attrs=ATTRS, choices=choices)

    for value in (2027, None, ""):
        assert parse_html(ours.render("jahr", value)) == parse_html(django.render("jahr", value))
    assert ours.render("jahr", 2027).count(" selected") == 1


@pytest.mark.parametrize("value", ["", "Garten", '"><script>alert(1)</script>', None, 2027])
def test_filter_text_input_gives_djangos_markup(value):
    attrs = {"id": "id_suche", "class": "kern-form-input__input", "maxlength": "100"}

    ours = FilterTextInput(attrs=attrs).render("suche", value)

    assert parse_html(ours) == parse_html(forms.TextInput(attrs=attrs).render("suche", value))

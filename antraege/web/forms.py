"""Form plumbing shared by every app: KERN classes and accessible error wiring on each widget."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe


class KernFormMixin:
    """Adds KERN UX classes, ``aria-describedby`` (hint, error) and ``aria-invalid`` to widgets."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            # A multi-choice is a set of check boxes (several may be ticked): drawn as radio
            # buttons, people take it for "only one". CheckboxSelectMultiple subclasses RadioSelect.
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "kern-form-check__checkbox"
            elif isinstance(widget, forms.RadioSelect):
                css = "kern-form-check__radio"
            elif isinstance(widget, forms.Select):
                css = "kern-form-input__select"
            else:
                css = "kern-form-input__input"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if field.help_text:
                self._describe(widget, f"{self.auto_id_for(name)}-hinweis")

    def auto_id_for(self, name):
        return self[name].auto_id

    @staticmethod
    def _describe(widget, element_id):
        ids = widget.attrs.get("aria-describedby", "").split()
        if element_id not in ids:
            ids.append(element_id)
        widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                css = widget.attrs.get("class", "")
                if "--error" not in css and css:
                    widget.attrs["class"] = f"{css} {css.split()[-1]}--error"
                self._describe(widget, f"{self.auto_id_for(name)}-fehler")


class DateInput(forms.DateInput):
    """``<input type="date">`` for every date field: its value must be ISO (2026-12-01) in every
    language (the browser shows it the local way). A localised value ("01.12.2026") would leave
    the field empty, and the date would be lost on the next save."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's signature)
        super().__init__(attrs, format="%Y-%m-%d")


class FilterTextInput(forms.TextInput):
    """A text input built in Python (the same markup as Django's ``input.html``): a list page's
    search field is drawn on every view of the list, and a widget template costs more than the
    field."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_attr = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            name,
            value_attr,
            flatatt(widget["attrs"]),
        )


class FilterSelect(forms.Select):
    """A select built in Python instead of by a template per option (the same markup as Django's
    ``select.html``): a list page's status filter has sixteen options, the public list's areas
    one per area with a fund, drawn on every view of the list. Its options are written straight
    from the choices (Django's ``optgroups`` builds a dict and an attribute string per option, the
    most of the filter's time). No option groups."""

    def render(self, name, value, attrs=None, renderer=None):
        gewaehlt = set(self.format_value(value))
        optionen, schon = [], False
        for wert, label in self.choices:
            wert = "" if wert is None else wert
            # as ``optgroups``: the first option of the value is selected, no second one
            selected = not schon and str(wert) in gewaehlt
            schon = schon or selected
            an = " selected" if selected else ""
            optionen.append(
                f'<option value="{conditional_escape(wert)}"{an}>{conditional_escape(label)}</option>'
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(optionen)),  # every part escaped above
        )


class FilterChoiceIterator(forms.models.ModelChoiceIterator):
    """A filter's choices from one plain read of its queryset (a handful of rows): Django's own
    iterates a server-side cursor (DECLARE, FETCH, CLOSE on PostgreSQL), on every view of the list.
    None when the page read them already (the field's ``zeilen``)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset if self.field.zeilen is None else self.field.zeilen:
            yield self.choice(obj)


class FilterModelChoiceField(forms.ModelChoiceField):
    """A list page's filter by a model (area, field of action): ``FilterSelect``, one plain read.
    ``zeilen``: the queryset's objects when the page read them already (for its own use): then
    they are the choices and answer which one was chosen, and the field reads nothing."""

    iterator = FilterChoiceIterator
    widget = FilterSelect
    zeilen = None

    def to_python(self, value):
        if self.zeilen is None or value in self.empty_values:
            return super().to_python(value)
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        for obj in self.zeilen:
            if str(getattr(obj, key)) == str(value):
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


class KernForm(KernFormMixin, forms.Form):
    pass


class KernFilterForm(KernForm):
    """Filters of a list page: every field may stay empty, so none is labelled "freiwillig"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.filter_feld = True


class KernModelForm(KernFormMixin, forms.ModelForm):
    pass

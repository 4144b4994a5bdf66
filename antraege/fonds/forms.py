"""Forms of the fund's public and reporting side: QM's check of the fields of action, the public
list's filter."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..models import Handlungsfeld
from ..web.forms import KernForm


class HandlungsfeldMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.anzeigename


class HandlungsfelderForm(KernForm):
    """QM confirms or corrects the applicant's choice of fields of action."""

    handlungsfelder = HandlungsfeldMultipleChoiceField(
        label=_("Handlungsfelder"),
        queryset=Handlungsfeld.objects.none(),
        error_messages={"required": _("Bitte wählen Sie mindestens einen Bereich.")},
    )

    def __init__(self, *args, antrag, **kwargs):
        gewaehlt = [h.pk for h in antrag.handlungsfelder.all()]
        kwargs.setdefault("initial", {"handlungsfelder": gewaehlt})
        super().__init__(*args, prefix="handlungsfelder", **kwargs)
        self.fields["handlungsfelder"].queryset = Handlungsfeld.objects.filter(
            Q(aktiv=True) | Q(pk__in=gewaehlt)
        )


class GefoerderteFilterForm(KernForm):
    """The public list's filter: area, year, field of action (GET, all optional)."""

    quartier = forms.ModelChoiceField(
        label=_("Quartier"),
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label=_("Alle Quartiere"),
    )
    jahr = forms.TypedChoiceField(label=_("Jahr"), coerce=int, required=False)
    handlungsfeld = forms.ModelChoiceField(
        label=_("Handlungsfeld"),
        queryset=Handlungsfeld.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Alle Handlungsfelder"),
    )

    def __init__(self, *args, quartiere, jahre, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.fields["quartier"].queryset = quartiere
        self.fields["jahr"].choices = [(j, str(j)) for j in jahre]
        self.fields["handlungsfeld"].label_from_instance = lambda obj: obj.anzeigename

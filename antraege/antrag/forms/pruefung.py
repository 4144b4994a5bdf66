"""Forms of QM's pages for the formal check: the dashboard filter and the entry that goes with a
move. They parse input only; the moves are made by ``workflow.moves.antrag_move``."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models import AntragStatus
from ...web.forms import FilterSelect, FilterTextInput, KernFilterForm, KernForm


class DashboardFilterForm(KernFilterForm):
    jahr = forms.TypedChoiceField(
        label=gettext_lazy("Jahr"), coerce=int, required=False, widget=FilterSelect
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, widget=FilterSelect)
    suche = forms.CharField(
        label=gettext_lazy("Suche"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Aktenzeichen, Titel oder Name der Antragstellenden"),
        widget=FilterTextInput,
    )

    def __init__(self, *args, jahre, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jahr"].choices = [("", _("Alle Jahre"))] + [(j, str(j)) for j in jahre]
        self.fields["status"].choices = [("", _("Alle Status"))] + [
            (value, label) for value, label in AntragStatus.choices if value != AntragStatus.DRAFT
        ]


class MoveForm(KernForm):
    """The entry that goes with a move: a message, a reason or a review note."""

    kommentar = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    # move: (label, required, help text, internal note)
    FIELDS = {
        "request_changes": (
            gettext_lazy("Nachricht an die Antragstellenden"),
            True,
            gettext_lazy(
                "Was soll ergänzt oder geändert werden? Die Nachricht wird per E-Mail verschickt."
            ),
            False,
        ),
        "declare_ineligible": (
            gettext_lazy("Begründung"),
            True,
            gettext_lazy("Die Begründung steht im Bescheid an die Antragstellenden."),
            False,
        ),
        "put_to_jury": (
            gettext_lazy("Prüfvermerk für die Jury"),
            False,
            gettext_lazy("Nur für die Jury und das QM sichtbar."),
            True,
        ),
        "return_to_review": (
            gettext_lazy("Interne Notiz"),
            False,
            gettext_lazy("Nur für das QM sichtbar."),
            True,
        ),
    }

    def __init__(self, *args, move, **kwargs):
        super().__init__(*args, prefix=move, **kwargs)
        self.move = move
        if move in self.FIELDS:
            label, required, help_text, self.intern = self.FIELDS[move]
            field = self.fields["kommentar"]
            field.label, field.required, field.help_text = label, required, help_text
            self._describe(field.widget, f"{self.auto_id_for('kommentar')}-hinweis")
        else:
            del self.fields["kommentar"]
            self.intern = False

"""Forms of the resident's application, one per step. They parse and check formats; the rules of
a complete Antrag are in ``antraege.antrag.services.antrag.antrag_submission_errors``.

Each step form has a ``partial`` mode (for "Speichern und später weitermachen" and "weitere
Zeile"): required fields may stay empty, formats are still checked.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ...fonds.selectors import fristen
from ...models import Anhang, Antrag, Handlungsfeld, Kostenkategorie, Kostenposition, Quartier
from ...web.forms import DateInput, KernForm, KernFormMixin
from ..services.antrag import STEP_FIELDS, antrag_step_errors, berlin_today

SCHRITTE = (
    (1, _("Über Sie")),
    (2, _("Ihr Projekt")),
    (3, _("Kosten")),
    (4, _("Anhänge")),
    (5, _("Erklärungen")),
)
ANZAHL_SCHRITTE = len(SCHRITTE)

plz_validator = RegexValidator(r"^\d{5}$", _("Eine Postleitzahl hat fünf Ziffern."))

DECLARATION_LABELS = {
    "erklaerung_nicht_kommerziell": _(
        "Das Projekt ist nicht kommerziell: Niemand verdient daran Geld."
    ),
    "erklaerung_nicht_begonnen": _(
        "Das Projekt hat noch nicht begonnen, und ich habe noch nichts dafür bezahlt."
    ),
    "erklaerung_belege": _(
        "Ich bewahre alle Originalbelege (Quittungen, Rechnungen) auf und reiche sie mit der Abrechnung ein."
    ),
}

# Where each field of an Antrag is entered: the step, for links from the error summary.
FIELD_STEPS = {
    "kostenpositionen": 3,
    **{name: step for step, names in STEP_FIELDS.items() for name in names},
}


def field_label(name):
    if name in DECLARATION_LABELS:
        return _("Erklärung")
    if name == "kostenpositionen":
        return _("Kostenplan")
    return Antrag._meta.get_field(name).verbose_name


def field_anchor(name):
    return "kostenplan" if name == "kostenpositionen" else f"id_{name}"


class GebietForm(KernForm):
    """The resident picks the area their project takes place in."""

    quartier = forms.ModelChoiceField(
        label=_("In welchem Quartier findet Ihr Projekt statt?"),
        queryset=Quartier.objects.none(),
        to_field_name="code",
        empty_label=_("Bitte wählen"),
        error_messages={"required": _("Bitte wählen Sie Ihr Quartier.")},
    )

    def __init__(self, *args, quartiere, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quartier"].queryset = quartiere


class StepFormMixin:
    """``partial=True`` keeps formats but lets required fields stay empty (save for later).

    Comes after ``KernFormMixin`` in the bases, so the error wiring sees the filtered errors and
    the labels do not call a required field "freiwillig".
    """

    always_required = ()
    schritt = None  # the step whose rules ``antrag_step_errors`` checks on "weiter"
    rule_inputs = ()  # fields the rules compute with: an error there skips them

    def __init__(self, *args, partial=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.partial = partial
        self.use_required_attribute = False  # browsers must not block "später weitermachen"

    def _post_clean(self):
        """On "weiter": the rules of a complete Antrag that this step's entries can break
        (``antrag_step_errors``), each on its field, so the step refuses what submission would."""
        super()._post_clean()
        if self.partial or self.schritt is None:
            return
        if any(name in self._errors for name in self.rule_inputs):
            return  # an amount that is no number: its own message says so
        errors = antrag_step_errors(self.instance, self.schritt, **self.step_context())
        for name, messages in errors.items():
            if name in self._errors:
                continue  # one message a field: the format's (e.g. the lead time) came first
            for message in messages:
                self.add_error(name if name in self.fields else None, message)

    def step_context(self):
        return {}

    def full_clean(self):
        super().full_clean()
        if not (self.partial and self.is_bound):
            return
        for name in list(self._errors):
            if name not in self.fields or name in self.always_required:
                continue
            remaining = [e for e in self._errors[name].as_data() if e.code != "required"]
            if remaining:
                self._errors[name] = self.error_class(remaining)
            else:
                del self._errors[name]
                self.cleaned_data[name] = self.fields[name].to_python("")

    def felder(self):
        """The cleaned entries to store; empty entries of NOT NULL fields are left as they are."""
        result = {}
        for name, value in self.cleaned_data.items():
            model_field = Antrag._meta.get_field(name)
            if value is None and not model_field.null:
                continue
            result[name] = value
        return result


class StepForm(KernFormMixin, StepFormMixin, forms.ModelForm):
    pass


class UeberSieForm(StepForm):
    always_required = ("antragsteller_email",)  # the personal link goes there

    class Meta:
        model = Antrag
        fields = STEP_FIELDS[1]
        labels = {
            "antragsteller_telefon": _("Telefon"),
            "organisation": _("Initiative oder Verein"),
        }
        help_texts = {
            "antragsteller_email": _("Dorthin schicken wir Ihren persönlichen Link zum Antrag."),
            "antragsteller_plz": _("Fünf Ziffern, z. B. 13359"),
            "sprache": _("In dieser Sprache schreiben wir Ihnen E-Mails."),
            "organisation": _("Nur wenn Sie für eine Gruppe oder einen Verein beantragen."),
            "oeffentlicher_name": _(
                "Das QM veröffentlicht jedes Jahr eine Liste der geförderten Projekte mit Titel und "
                "Betrag. Dort steht der Name Ihrer Initiative oder Ihres Vereins. Beantragen Sie "
                "allein, steht dort nur der Name, den Sie hier eintragen (zum Beispiel Ihr "
                "Vorname), und nur, wenn Sie unten zustimmen. Adresse, E-Mail und Telefon werden "
                "nie veröffentlicht."
            ),
        }
        widgets = {
            "antragsteller_plz": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code"}
            ),
            "antragsteller_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "antragsteller_strasse": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "antragsteller_ort": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "antragsteller_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "antragsteller_telefon": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def __init__(self, *args, papier=None, **kwargs):
        """``papier``: QM enters a paper application (default: the Antrag is one). Then the
        e-mail address may stay empty; the letters go by post."""
        super().__init__(*args, **kwargs)
        self.fields["antragsteller_plz"].validators.append(plz_validator)
        self.fields["sprache"].choices = settings.LANGUAGES
        self.papier = self.instance.papierantrag if papier is None else papier
        self.fields["antragsteller_email"].required = not self.papier
        if self.papier:
            self.always_required = ()
            self.fields["antragsteller_email"].help_text = _(
                "Freiwillig. Ohne E-Mail-Adresse gehen alle Briefe per Post an die Adresse."
            )

    def clean(self):
        cleaned = super().clean()
        if self.papier and not cleaned.get("antragsteller_email"):
            cleaned["briefe_per_post"] = True  # nobody to write to but the address
        if (
            cleaned.get("vorname_veroeffentlichen")
            and not (cleaned.get("oeffentlicher_name") or "").strip()
        ):
            self.add_error(
                "oeffentlicher_name",
                _(
                    "Bitte tragen Sie den Namen ein, der in der öffentlichen Liste stehen soll, "
                    "oder nehmen Sie den Haken bei der Zustimmung heraus."
                ),
            )
        return cleaned


class HandlungsfeldChoiceField(forms.ModelMultipleChoiceField):
    """The programme's fields of action, each in plain words ("Nachbarschaft – Feste, Treffen")."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return _("%(name)s – %(erklaerung)s") % {
            "name": obj.anzeigename,
            "erklaerung": obj.anzeige_erklaerung,
        }


class ProjektForm(StepForm):
    schritt = 2

    class Meta:
        model = Antrag
        fields = STEP_FIELDS[2]
        field_classes = {"handlungsfelder": HandlungsfeldChoiceField}
        help_texts = {
            "handlungsfelder": _(
                "Wählen Sie alles, was passt – mindestens einen Bereich. Das Quartiersmanagement "
                "prüft die Auswahl."
            ),
            "kurzbeschreibung": _("Was wollen Sie machen? Zwei bis drei Sätze reichen."),
            "projektort": _("Das Projekt muss im Quartier stattfinden."),
            "beginn": _("Das Projekt darf erst nach der Bewilligung beginnen. Format: TT.MM.JJJJ"),
            "ende": _("Format: TT.MM.JJJJ"),
            "oeffentlichkeitsarbeit": _("Wie erfahren die Nachbarn davon? Zum Beispiel Plakate."),
        }
        widgets = {
            "kurzbeschreibung": forms.Textarea(attrs={"rows": 4}),
            "ziele": forms.Textarea(attrs={"rows": 4}),
            "oeffentlichkeitsarbeit": forms.Textarea(attrs={"rows": 3}),
            "teilnehmende_erwartet": forms.NumberInput(attrs={"min": 0}),
            "beginn": DateInput(),
            "ende": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("beginn", "ende"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
            self.fields[name].error_messages["invalid"] = _(
                "Bitte geben Sie ein Datum ein, z. B. 14.06.2026."
            )
        felder = self.fields["handlungsfelder"]
        gewaehlt = self.instance.handlungsfelder.all() if self.instance.pk else []
        felder.queryset = Handlungsfeld.objects.filter(
            Q(aktiv=True) | Q(pk__in=[h.pk for h in gewaehlt])
        )
        felder.required = True
        felder.error_messages["required"] = _("Bitte wählen Sie mindestens einen Bereich.")

    def clean_beginn(self):
        """The lead time, checked when the applicant types the date (and again on submission)."""
        beginn = self.cleaned_data.get("beginn")
        antrag = self.instance
        if beginn and antrag.pk and not antrag.eingereicht_am:
            heute = berlin_today()
            quartier = antrag.fonds.quartier
            if heute < beginn < fristen.fruehester_beginn(quartier, heute):
                raise forms.ValidationError(fristen.vorlaufzeit_message(quartier, heute))
        return beginn


class KostenForm(StepForm):
    """Step 3's amounts. ``positionen``: the cost lines as typed (``KostenpositionFormSet
    .positionen()``), checked with the amounts on "weiter"; ``None`` while the lines have errors."""

    schritt = 3
    rule_inputs = ("betrag_beantragt", "weitere_mittel")

    class Meta:
        model = Antrag
        fields = STEP_FIELDS[3]
        help_texts = {
            "betrag_beantragt": _("Gesamtkosten minus andere Finanzierung."),
            "weitere_mittel": _("Geld aus anderen Quellen, z. B. Spenden. Sonst 0."),
            "eigenleistung_stunden": _(
                "Wie viele Stunden helfen Sie und andere ohne Bezahlung? Das wird nicht bezahlt, aber gewürdigt."
            ),
        }
        widgets = {
            "betrag_beantragt": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "weitere_mittel": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "eigenleistung_stunden": forms.NumberInput(attrs={"min": 0}),
        }

    def __init__(self, *args, positionen=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.positionen = positionen
        for name in ("betrag_beantragt", "weitere_mittel"):
            # The validator, not only the attribute: a negative amount is refused on its field
            # (the database's constraint alone gave a summary without a line).
            self.fields[name].min_value = Decimal("0")
            self.fields[name].validators.append(MinValueValidator(Decimal("0")))
            self.fields[name].localize = False

    def step_context(self):
        if self.positionen is None:
            return {"positionen": None}
        return {
            "positionen": [
                Kostenposition(antrag=self.instance, **position) for position in self.positionen
            ]
        }


class KategorieChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.foerderfaehig:
            return obj.anzeigename
        return _("%(name)s – nicht förderfähig") % {"name": obj.anzeigename}


ZEILE_UNVOLLSTAENDIG = _("Bitte füllen Sie auch dieses Feld der Zeile aus.")


class KostenpositionForm(KernForm):
    """One cost line. A completely empty line is ignored; a started line must be complete."""

    kategorie = KategorieChoiceField(
        label=_("Kostenart"),
        queryset=Kostenkategorie.objects.none(),
        error_messages={"required": ZEILE_UNVOLLSTAENDIG},
    )
    beschreibung = forms.CharField(
        label=_("Beschreibung"),
        max_length=200,
        error_messages={"required": ZEILE_UNVOLLSTAENDIG},
    )
    menge = forms.DecimalField(
        label=_("Menge"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01"}),
        error_messages={"required": ZEILE_UNVOLLSTAENDIG},
    )
    einzelpreis = forms.DecimalField(
        label=_("Einzelpreis (€)"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
        error_messages={"required": ZEILE_UNVOLLSTAENDIG},
    )

    def __init__(self, *args, kategorien, **kwargs):
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.fields["kategorie"].queryset = kategorien
        self.fields["kategorie"].empty_label = pgettext_lazy("cost category", "Bitte wählen")
        self.is_blank = True

    def full_clean(self):
        self.is_blank = self.is_bound and not any(
            str(self.data.get(self.add_prefix(name), "")).strip() for name in self.fields
        )
        if self.is_blank:
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()


class BaseKostenpositionFormSet(forms.BaseFormSet):
    def positionen(self):
        return [
            {name: form.cleaned_data[name] for name in form.fields}
            for form in self.forms
            if not form.is_blank
        ]


def kostenplan_formset(*, extra=0):
    """The cost plan formset with ``extra`` empty rows (no JavaScript: "weitere Zeile" reloads)."""
    return forms.formset_factory(
        KostenpositionForm,
        formset=BaseKostenpositionFormSet,
        extra=extra,
        max_num=50,
        absolute_max=50,
        validate_max=True,
    )


KostenpositionFormSet = kostenplan_formset()


class AnhangForm(KernForm):
    art = forms.ChoiceField(label=_("Art der Datei"), choices=Anhang.Art.choices)
    datei = forms.FileField(
        label=_("Datei"),
        help_text=_("PDF, JPEG oder PNG."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"}
        ),
        error_messages={
            "required": _("Bitte wählen Sie eine Datei aus."),
            "empty": _("Die Datei ist leer."),
        },
    )


class ErklaerungenForm(StepForm):
    class Meta:
        model = Antrag
        fields = tuple(DECLARATION_LABELS)
        labels = DECLARATION_LABELS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
            field.error_messages["required"] = _("Bitte bestätigen Sie diese Erklärung.")


class NeuerLinkForm(KernForm):
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=_("Die Adresse, die Sie im Antrag angegeben haben."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ZugangscodeForm(KernForm):
    referenz = forms.CharField(
        label=_("Aktenzeichen"),
        max_length=40,
        help_text=_("Steht oben rechts in unserem Brief, z. B. AF-2027-SOL-001."),
    )
    code = forms.CharField(
        label=_("Zugangscode"),
        max_length=20,
        help_text=_("Steht in unserem Brief, z. B. ABCD-EFGH-JKL."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


STEP_FORMS = {1: UeberSieForm, 2: ProjektForm, 3: KostenForm, 5: ErklaerungenForm}

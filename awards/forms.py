from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awards.models import FIRST_YEAR, LAST_YEAR, Award
from awards.services import MAX_LINES, parse_group_lines
from kexie import guard
from organizations.models import County


class GroupEntryForm(guard.GuardedFormMixin, forms.Form):
    guarded_fields = ["citation", "lines"]

    award = forms.ModelChoiceField(
        label=_("Award"), queryset=Award.objects.order_by("name", "conferring_body")
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Leave empty when the source does not say."),
    )
    county = forms.ChoiceField(
        label=_("County or region"),
        choices=[("", "---------"), *County.choices],
        required=False,
        help_text=_("Applies to every line; leave empty when they differ."),
    )
    citation = forms.CharField(
        label=_("Citation"),
        max_length=300,
        required=False,
        help_text=_("Applies to every line."),
    )
    lines = forms.CharField(
        label=_("Recipients, one per line"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 60}),
        help_text=_(
            "For people: the name, then optionally the employer after a comma (half- or "
            "full-width), 、, a tab or spaces, e.g. “丛欣，恩施德源硒材料工程科技有限公司”. "
            "Write “马焱雷等9人” when the source names only the first of a group. For units: "
            "the unit's name; names of organizations in the directory are linked to them."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lines"].help_text = "{} {}".format(
            self.fields["lines"].help_text,
            gettext("At most %(max)d lines at once.") % {"max": MAX_LINES},
        )

    def clean(self):
        cleaned = super().clean()
        award = cleaned.get("award")
        if award and "lines" in cleaned and "year" in cleaned:
            self.parsed_lines = parse_group_lines(
                cleaned["lines"], award=award, year=cleaned["year"]
            )
            if not self.parsed_lines:
                self.add_error("lines", _("Enter at least one recipient."))
        else:
            self.parsed_lines = []
        return cleaned

    @property
    def has_line_errors(self):
        return any(line.errors for line in self.parsed_lines)

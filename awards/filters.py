"""
The public honours filter.

Each filter validates on its own: a junk value (``?year=abc``, an unknown level)
fails that one field, which is then left out, so the page shows the other
filters' result and says which value it ignored. Nothing reaches the database
unvalidated.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models import Award, Honour, Level, RecipientKind
from organizations.models import County

UNKNOWN_YEAR = "unknown"
SEARCH_MAX_LENGTH = 50


def year_choices():
    years = (
        Honour.objects.filter(year__isnull=False)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return [(str(year), str(year)) for year in years] + [(UNKNOWN_YEAR, _("Year unknown"))]


def body_choices():
    bodies = (
        Award.objects.exclude(conferring_body="")
        .filter(honours__isnull=False)
        .order_by("conferring_body")
        .values_list("conferring_body", flat=True)
        .distinct()
    )
    return [(body, body) for body in bodies]


class HonourFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name"),
        method="search",
        max_length=SEARCH_MAX_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Person, unit or award")}),
    )
    year = django_filters.ChoiceFilter(
        label=_("Year"), choices=[], method="filter_year", empty_label=_("All years")
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), field_name="award__level", choices=Level.choices, empty_label=_("All")
    )
    body = django_filters.ChoiceFilter(
        label=_("Conferring body"),
        field_name="award__conferring_body",
        choices=[],
        empty_label=_("All"),
    )
    county = django_filters.ChoiceFilter(
        label=_("County or region"), choices=County.choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Recipient"),
        field_name="award__recipient_kind",
        choices=RecipientKind.choices,
        empty_label=_("People and units"),
    )

    class Meta:
        model = Honour
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read the choices once: a callable would be queried again by validation
        # and again by rendering.
        self.filters["year"].extra["choices"] = year_choices()
        self.filters["body"].extra["choices"] = body_choices()

    def filter_year(self, queryset, name, value):
        if value == UNKNOWN_YEAR:
            return queryset.filter(year__isnull=True)
        return queryset.filter(year=int(value))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(person_name__icontains=value)
            | Q(unit_name__icontains=value)
            | Q(organization__name__icontains=value)
            | Q(organization__short_name__icontains=value)
            | Q(award__name__icontains=value)
        )

    @property
    def ignored(self):
        """The submitted values that were not valid and so were not applied."""
        if not self.is_bound or self.form.is_valid():
            return []
        return [
            (self.form.fields[name].label, self.data.get(name, ""))
            for name in self.form.errors
            if name in self.form.fields
        ]

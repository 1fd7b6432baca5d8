import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.models import County, Organization


class OrganizationFilter(django_filters.FilterSet):
    """The public directory's filters. Invalid values are dropped, never an error page."""

    q = django_filters.CharFilter(
        label=_("Name contains"),
        method="filter_name",
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organization.Kind.choices, empty_label=_("All kinds")
    )
    county = django_filters.ChoiceFilter(
        label=_("County or region"), choices=County.choices, empty_label=_("All counties")
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "county"]

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))

    @property
    def valid_data(self):
        """The filters actually applied, for the page heading and an empty-result hint."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {key: value for key, value in self.form.cleaned_data.items() if value}

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView

from kexie.views import PaginatedListMixin
from organizations import pages
from organizations.filters import OrganizationFilter
from organizations.models import Member, Organization

DIRECTORY_PAGE_SIZE = 40


def group_bounds(group_sizes, per_page):
    """(start, end) of each page, ending pages only between groups.

    Groups are added whole while they fit; a group larger than a page is the only
    place a page may end inside a group.
    """
    bounds, start, end = [], 0, 0
    for size in group_sizes:
        if end > start and end - start + size > per_page:
            bounds.append((start, end))
            start = end
        end += size
        while end - start > per_page:
            bounds.append((start, start + per_page))
            start += per_page
    if end > start:
        bounds.append((start, end))
    return bounds


class GroupKeepingPaginator(Paginator):
    """Django's paginator with pages cut between groups (see ``group_bounds``).

    Counting the groups replaces the usual count query, so a page still costs two queries.
    """

    def __init__(self, object_list, per_page, *, group_sizes, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.bounds = group_bounds(group_sizes, per_page)

    @cached_property
    def count(self):
        return self.bounds[-1][1] if self.bounds else 0

    @cached_property
    def num_pages(self):
        return max(len(self.bounds), 1)

    def page(self, number):
        number = self.validate_number(number)
        start, end = self.bounds[number - 1] if self.bounds else (0, 0)
        return self._get_page(self.object_list[start:end], number, self)


class OrganizationListView(PaginatedListMixin, ListView):
    """The public directory: every kind of organization, grouped by kind on each page."""

    template_name = "organizations/organization_list.html"
    context_object_name = "organizations"
    paginate_by = DIRECTORY_PAGE_SIZE

    def get_queryset(self):
        queryset = Organization.objects.for_directory().only(
            "name", "short_name", "slug", "kind", "county", "parent__name", "parent__slug"
        )
        self.filterset = OrganizationFilter(self.request.GET or None, queryset=queryset)
        return self.filterset.qs

    def get_paginator(self, queryset, per_page, **kwargs):
        # One query: how many organizations of each kind, in the directory's kind order.
        sizes = (
            queryset.order_by()
            .values("kind_rank")
            .annotate(size=Count("pk"))
            .order_by("kind_rank")
            .values_list("size", flat=True)
        )
        return GroupKeepingPaginator(queryset, per_page, group_sizes=list(sizes), **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter=self.filterset, is_filtered=bool(self.filterset.valid_data), **kwargs
        )


class OrganizationDetailView(DetailView):
    """One organization: public facts only. Members appear as a count, never by name."""

    template_name = "organizations/organization_detail.html"
    context_object_name = "organization"

    def get_queryset(self):
        return Organization.objects.active().select_related("parent")

    def get_context_data(self, **kwargs):
        organization = self.object
        children = organization.children.active().only("name", "slug", "kind", "parent_id")
        return super().get_context_data(
            children=children,
            member_count=Member.objects.active().filter(organization=organization).count(),
            # Honours, news and other apps that build on the directory add their part (pages.py).
            **pages.context_for(organization),
            **kwargs,
        )

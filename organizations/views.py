from django.views.generic import DetailView, ListView

from kexie.views import PaginatedListMixin
from organizations import pages
from organizations.filters import OrganizationFilter
from organizations.models import Member, Organization

DIRECTORY_PAGE_SIZE = 30


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

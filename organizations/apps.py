from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organizations and members")

    def ready(self):
        from kexie import pagecache
        from organizations.models import Member, Organization

        # Members only as counts on the organization page, but those are public too.
        pagecache.register(Organization, Member)

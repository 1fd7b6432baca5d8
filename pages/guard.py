"""Site texts the banned-term guard watches (see kexie.guard): all of them are public."""

from kexie import guard
from pages.models import FriendLink, Page, SiteSettings

PAGE_FIELDS = ["title", "body"]
LINK_FIELDS = ["name"]
SETTINGS_FIELDS = [
    "site_name", "short_name", "host", "organizer", "address", "phone", "email",
    "icp_number", "public_security_number", "site_code",
]  # fmt: skip


def _texts(fields):
    def texts(obj):
        return {str(obj._meta.get_field(name).verbose_name): getattr(obj, name) for name in fields}

    return texts


guard.register(Page, public=lambda: Page.objects.published(), texts=_texts(PAGE_FIELDS))
guard.register(FriendLink, public=lambda: FriendLink.objects.shown(), texts=_texts(LINK_FIELDS))
guard.register(
    SiteSettings, public=lambda: SiteSettings.objects.all(), texts=_texts(SETTINGS_FIELDS)
)

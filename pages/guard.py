"""Site texts the banned-term guard watches (see kexie.guard): all of them are public."""

from kexie import guard
from pages.models import FriendLink, Page, SiteSettings

PAGE_FIELDS = ["title", "body"]
LINK_FIELDS = ["name"]
SETTINGS_FIELDS = [
    "site_name", "short_name", "host", "organizer", "address", "phone", "email",
    "icp_number", "public_security_number", "site_code",
]  # fmt: skip

guard.register(Page, PAGE_FIELDS, public=lambda: Page.objects.published())
guard.register(FriendLink, LINK_FIELDS, public=lambda: FriendLink.objects.shown())
guard.register(SiteSettings, SETTINGS_FIELDS)

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from kexie import audit
from kexie.models import AuditEntry


class Command(BaseCommand):
    help = _(
        "Remove a user's authenticator app and recovery codes (a lost phone); "
        "their next sign-in sets up a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user “%(name)s”.") % {"name": username})
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        audit.record(
            action=AuditEntry.Action.ACCOUNT,
            user=user,
            target=f"user #{user.pk} {user}",
            details={"event": "2fa_reset"},
        )
        self.stdout.write(
            _("Two-factor sign-in of “%(name)s” was reset (%(count)d records removed).")
            % {"name": username, "count": removed}
        )

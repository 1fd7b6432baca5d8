from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from kexie.accounts.first_admin import create_superuser_once, read_or_make_password

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local" / "admin-password"


class Command(BaseCommand):
    help = (
        "Make sure a local superuser exists (for make run). Its password is generated once, "
        "kept in .local/admin-password (ignored by git) and printed. An existing account is "
        "never given a new password or re-enabled."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        password = read_or_make_password(PASSWORD_FILE)
        user, created = create_superuser_once(username=username, password=password)
        if created or user.check_password(password):
            note = "" if user.is_active else "  (this account is disabled; it stays disabled)"
            self.stdout.write(
                self.style.SUCCESS(f"Admin: {url}  user: {username}  password: {password}{note}")
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Admin: {url}  user: {username}  (its password was changed since "
                    f"{PASSWORD_FILE} was written; it was left unchanged)"
                )
            )

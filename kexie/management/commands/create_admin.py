import secrets
from pathlib import Path

from django.core.management.base import BaseCommand

from kexie.accounts.first_admin import create_superuser_once, read_or_make_password


class Command(BaseCommand):
    help = (
        "Create the first administrator (a superuser) once, with a generated password that "
        "is printed and, with --password-file, kept in that file (mode 600). An account "
        "that already exists is left exactly as it is: no new password, not re-enabled."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Keep the password here; a password already in the file is used as given.",
        )

    def handle(self, *args, username, email, password_file, **options):
        if password_file is not None:
            password = read_or_make_password(password_file)
        else:
            password = secrets.token_urlsafe(12)
        user, created = create_superuser_once(username=username, email=email, password=password)
        if not created:
            # Idempotent for deploy scripts, but say plainly that nothing was changed.
            self.stdout.write(
                self.style.WARNING(
                    f"User {username!r} already exists; it was left unchanged "
                    "(password, active and superuser status as they were)."
                )
            )
            return
        where = f" (kept in {password_file})" if password_file is not None else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Created administrator {username!r}  password: {password}{where}\n"
                "Change it after signing in; this command never changes it again."
            )
        )

"""
The first administrator, created once and then left alone.

Both ``create_admin`` (production) and ``ensure_admin`` (``make run``) go
through here: an existing account is never given a new password, never
re-enabled and never promoted, whatever state someone left it in on purpose.
"""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction


def read_or_make_password(password_file: Path) -> str:
    """The password kept in ``password_file``; a new random one is written there first if needed."""
    if password_file.exists():
        kept = password_file.read_text(encoding="utf-8").strip()
        if kept:
            return kept
    password = secrets.token_urlsafe(12)
    password_file.parent.mkdir(parents=True, exist_ok=True)
    # Created readable by its owner only, before the secret is written into it.
    password_file.touch(mode=0o600, exist_ok=True)
    password_file.chmod(0o600)
    password_file.write_text(password + "\n", encoding="utf-8")
    return password


@transaction.atomic
def create_superuser_once(*, username: str, password: str, email: str = ""):
    """Return ``(user, created)``; an existing account comes back untouched."""
    User = get_user_model()
    existing = User.objects.select_for_update().filter(username=username).first()
    if existing is not None:
        return existing, False
    return User.objects.create_superuser(username=username, email=email, password=password), True

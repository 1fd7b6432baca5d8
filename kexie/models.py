from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StampedModel(models.Model):
    """When and by whom an object was created and last changed (see StampedAdminMixin)."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="%(class)ss_created",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        related_name="%(class)ss_updated",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True


class SearchIndexedModel(models.Model):
    """Keeps the site-search index in the same transaction as the content (kexie.search)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        from kexie import search

        with transaction.atomic():
            super().save(*args, **kwargs)
            search.index(self)

    def delete(self, *args, **kwargs):
        from kexie import search

        with transaction.atomic():
            search.remove(self)
            return super().delete(*args, **kwargs)


class AuditEntry(models.Model):
    """One security-relevant event: a login, a lockout, an export, a change of rights.

    Written only through ``kexie.audit.record``; read-only in the admin. Kept at
    least six months (the national security-level scheme asks for that).
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        LOCKOUT = "lockout", _("Account locked")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        CONTENT = "content", _("Content review step")
        ACCOUNT = "account", _("Account or permission change")
        DENIED = "denied", _("Refused request")
        PAGE_WITHHELD = "page_withheld", _("Public page withheld (banned term)")

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="audit_entries",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    username = models.CharField(
        _("user name"), max_length=150, blank=True, help_text=_("As typed, for failed sign-ins.")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    target = models.CharField(_("object"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        # In Asia/Shanghai, as every time staff read.
        when = timezone.localtime(self.created_at)
        return f"{when:%Y-%m-%d %H:%M:%S} {self.get_action_display()} {self.username}"


class BannedTerm(models.Model):
    """A word that must not appear in public content (敏感词 / 违规词); see kexie.guard."""

    class Category(models.TextChoices):
        GAMBLING = "gambling", _("Gambling")
        SPAM = "spam", _("Spam or advertising")
        POLITICAL = "political", _("Political error")
        CUSTOM = "custom", _("Other")

    class Action(models.TextChoices):
        BLOCK = "block", _("Block: refuse to publish")
        WARN = "warn", _("Warn: show a warning, allow publishing")

    term = models.CharField(
        _("term"),
        max_length=100,
        unique=True,
        help_text=_(
            "Matched regardless of letter case, full- or half-width forms, spaces, "
            "punctuation and HTML tags inserted between its characters."
        ),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.CUSTOM
    )
    action = models.CharField(
        _("action"), max_length=10, choices=Action.choices, default=Action.BLOCK
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive terms are kept but not checked.")
    )
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_("Why the term is listed, for colleagues."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("banned term")
        verbose_name_plural = _("banned terms")
        ordering = ["category", "term"]

    def __str__(self):
        return self.term

    def clean(self):
        from kexie.guard import normalize

        if not normalize(self.term):
            raise ValidationError(
                {"term": _("The term must contain at least one letter, digit or character.")}
            )


class SearchEntry(models.Model):
    """One searchable object (article, organization, honour) in the site-search index.

    Written only by ``kexie.search``. Holds the object's text normalized for matching;
    whether the object is public is decided at query time by its own model, so a row
    here never makes anything visible. On PostgreSQL, migration 0002 adds a GIN index
    over the text's characters and character pairs (see ``kexie.search``).
    """

    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object id"))
    title = models.CharField(_("title"), max_length=500, help_text=_("Normalized for matching."))
    text = models.TextField(_("text"), help_text=_("Title and body, normalized for matching."))
    published_at = models.DateTimeField(_("publish time"), null=True, blank=True)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class FigureBlock(models.Model):
    """Whether a block of 数说科协 (kexie.figures) is public, and where it stands.

    The blocks themselves are registered in code; a row here only holds the staff's
    choice. A block without a row is public, in its registered order.
    """

    key = models.CharField(_("block"), max_length=50, unique=True, editable=False)
    is_public = models.BooleanField(_("public"), default=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller numbers come first.")
    )

    class Meta:
        verbose_name = _("statistics block")
        verbose_name_plural = _("statistics blocks (数说科协)")
        ordering = ["position", "key"]

    def __str__(self):
        from kexie import figures

        block = figures.get(self.key)
        return str(block.title) if block else self.key


class StaffProfile(models.Model):
    """What an account needs beyond Django's user: the organization a staff member
    works for (a county association, a society …), where that applies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="staff_profile",
        on_delete=models.CASCADE,
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        related_name="staff_profiles",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The organization this person works for, if it is not the association."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

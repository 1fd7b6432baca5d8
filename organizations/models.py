import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kexie.models import SearchIndexedModel
from kexie.richtext import RichTextField
from kexie.slugs import unique_slug
from kexie.uploads import UploadTo, validate_image

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$",
    _("Enter an 11-digit mainland mobile number, e.g. 13900001234."),
    code="invalid_mobile",
)


def not_in_future(value):
    if value and value > timezone.localdate():
        raise ValidationError(_("This date is in the future."), code="future_date")


class County(models.TextChoices):
    PREFECTURE = "prefecture", _("Prefecture level")
    ENSHI = "enshi", _("Enshi City")
    LICHUAN = "lichuan", _("Lichuan City")
    JIANSHI = "jianshi", _("Jianshi County")
    BADONG = "badong", _("Badong County")
    XUANEN = "xuanen", _("Xuanen County")
    XIANFENG = "xianfeng", _("Xianfeng County")
    LAIFENG = "laifeng", _("Laifeng County")
    HEFENG = "hefeng", _("Hefeng County")


class Level(models.TextChoices):
    """Administrative level, of an education base or of an award (awards.models uses it)."""

    # Declared from highest to lowest: awards' LEVEL_RANK and every list follow this order.
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County level")


# What names an organization on a public page (an article's 来源, a link to its page).
NAME_FIELDS = ("name", "short_name", "slug")


class OrganizationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def names_by_id(self):
        """Every organization by id, loaded with what names it on public pages."""
        return {organization.pk: organization for organization in self.only(*NAME_FIELDS)}

    def for_directory(self):
        # Kinds in their declared order (the association itself first), not alphabetically.
        return (
            self.active()
            .select_related("parent")
            .annotate(kind_rank=kind_rank())
            .order_by("kind_rank", "order", "name")
        )


def kind_rank():
    kinds = Organization.Kind.values
    return Case(
        *[When(kind=kind, then=Value(rank)) for rank, kind in enumerate(kinds)],
        default=Value(len(kinds)),
        output_field=models.IntegerField(),
    )


class Organization(SearchIndexedModel):
    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("Prefecture association")
        COUNTY = "county", _("County or city association")
        TOWNSHIP = "township", _("Township association")
        SOCIETY = "society", _("Learned society")
        UNIVERSITY = "university", _("University association")
        INSTITUTE = "institute", _("Research institute association")
        ENTERPRISE = "enterprise", _("Enterprise association")
        PARK = "park", _("Industrial park association")
        GROUP_MEMBER = "group_member", _("Group member")
        WORKSTATION = "workstation", _("Expert workstation")
        EDUCATION_BASE = "education_base", _("Popular-science education base")

    class Discipline(models.TextChoices):
        SCIENCE = "science", _("Science")
        ENGINEERING = "engineering", _("Engineering")
        AGRICULTURE = "agriculture", _("Agriculture")
        MEDICINE = "medicine", _("Medicine")
        CROSS = "cross", _("Interdisciplinary")

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    slug = models.SlugField(
        _("URL name"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Used in the address. Left empty, it is made from the name in pinyin."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        related_name="children",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("The county association of a township, or a society's supervising body."),
    )
    county = models.CharField(
        _("county or region"), max_length=20, choices=County.choices, blank=True, db_index=True
    )
    founded_on = models.DateField(_("founded"), null=True, blank=True, validators=[not_in_future])
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    public_phone = models.CharField(
        _("public phone"),
        max_length=30,
        blank=True,
        help_text=_("An office number meant for the public; it is shown on the site."),
    )
    website = models.URLField(_("website"), blank=True)
    description = RichTextField(_("description"), blank=True)
    logo = models.ImageField(
        _("logo"), upload_to=UploadTo("logos"), validators=[validate_image], blank=True
    )
    party_guide = models.CharField(
        _("party-building guide"),
        max_length=50,
        blank=True,
        help_text=_("For learned societies: the appointed party-building guide (党建指导员)."),
    )
    discipline = models.CharField(
        _("discipline group"), max_length=20, choices=Discipline.choices, blank=True
    )
    level = models.CharField(
        _("level"),
        max_length=20,
        choices=Level.choices,
        blank=True,
        help_text=_("For popular-science education bases."),
    )
    host = models.CharField(
        _("host unit"),
        max_length=100,
        blank=True,
        help_text=_("For expert workstations: the hosting enterprise or unit."),
    )
    lead_expert = models.CharField(
        _("lead expert"), max_length=100, blank=True, help_text=_("For expert workstations.")
    )
    order = models.PositiveIntegerField(_("display order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "order", "name"]
        indexes = [
            models.Index(fields=["kind", "order", "name"], name="organization_directory_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="organization_not_own_parent"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.short_name or self.name, max_length=80)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("organizations:organization-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organization cannot be its own parent.")})


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Member.Status.ACTIVE)


class Member(models.Model):
    """An individual member. Everything here but the name is personal data: admin only."""

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        LAPSED = "lapsed", _("Lapsed")
        LEFT = "left", _("Left")

    name = models.CharField(_("full name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(
        _("birth date"), null=True, blank=True, validators=[not_in_future]
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        related_name="members",
        on_delete=models.PROTECT,
    )
    membership_number = models.CharField(_("membership number"), max_length=30)
    joined_on = models.DateField(_("joined"), null=True, blank=True, validators=[not_in_future])
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    mobile = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[mobile_validator]
    )
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        # By the foreign key's column, not the organization's own ordering: the
        # unique index then serves the admin's default sort without a join.
        ordering = ["organization_id", "membership_number"]
        permissions = [
            ("export_member", _("Can export members' personal data")),
            ("import_member", _("Can import members")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "membership_number"],
                name="member_number_unique_in_organization",
                violation_error_message=_(
                    "This organization already has a member with this membership number."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="member_org_status_idx"),
            models.Index(fields=["joined_on"], name="member_joined_idx"),
        ]

    def __str__(self):
        return f"{self.name}（{self.membership_number}）"


class ImportPreviewQuerySet(models.QuerySet):
    def expired(self):
        return self.filter(created_at__lt=timezone.now() - ImportPreview.LIFETIME)

    def usable_by(self, user):
        return self.filter(user=user, created_at__gte=timezone.now() - ImportPreview.LIFETIME)


class ImportPreview(models.Model):
    """A member spreadsheet between its preview and the confirmation.

    Kept in the database, not on an app server's disk: with several app servers
    the confirmation may reach another one, and the file holds members' personal
    data that must be readable by the application only.
    """

    LIFETIME = datetime.timedelta(days=1)

    token = models.CharField(_("token"), max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        related_name="import_previews",
        # A pending upload is not content: it goes with the account.
        on_delete=models.CASCADE,
    )
    filename = models.CharField(_("file name"), max_length=200)
    data = models.BinaryField(_("file"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    objects = ImportPreviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("import preview")
        verbose_name_plural = _("import previews")

    def __str__(self):
        return self.filename

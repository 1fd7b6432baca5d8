import hashlib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kexie.models import SearchIndexedModel, StampedModel
from kexie.slugs import pinyin_slug
from kexie.uploads import UploadTo, validate_image
from organizations.models import County, Level

FIRST_YEAR = 1949
LAST_YEAR = 2100


class RecipientKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    UNIT = "unit", _("Unit")


LEVEL_RANK = {level: rank for rank, level in enumerate(Level.values)}


def level_rank(field="award__level"):
    """An orderable rank for a level lookup: national first, county last."""
    return Case(
        *(When(**{field: level}, then=Value(rank)) for level, rank in LEVEL_RANK.items()),
        default=Value(len(LEVEL_RANK)),
        output_field=IntegerField(),
    )


def fold_name(text):
    """Fold the ways one name gets typed (full-width forms, stray spaces, case) into one."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text).casefold()


def recipient_key_for(
    *, person_name="", member_id=None, employer="", organization_id=None, unit_name=""
):
    """
    The stable key that gathers one recipient's honours on one page.

    - A person linked to a member record: ``m-<member id>``. The id never changes,
      so renaming the member or correcting a typo in one honour keeps the page.
    - A person not linked: pinyin of the name (readable URLs) plus a hash of the
      normalized name *and* employer. Chinese names repeat a lot (two 刘芳 in one
      prefecture is ordinary), so the name alone would merge strangers; the
      employer tells them apart. The hash keeps homophones (刘芳/刘方) apart too.
    - A unit linked to the directory: ``o-<organization id>``, so every honour of
      an organization, whatever name it bore at the time, is on one page. The id
      rather than the slug, because slugs can be edited and the key is stored.
    - A unit not in the directory: pinyin plus a hash of the normalized name.

    Keys are ASCII and stored (indexed), so a recipient page is one query. When a
    member or organization record is deleted (SET_NULL), the stored key keeps
    the honours together; when an editor links a record later, the key moves to
    the record's, which is what the editor meant.
    """
    if member_id:
        return f"m-{member_id}"
    if organization_id:
        return f"o-{organization_id}"
    if person_name:
        name, extra, prefix = fold_name(person_name), fold_name(employer), "p"
    else:
        name, extra, prefix = fold_name(unit_name), "", "u"
    digest = hashlib.sha1(f"{name}\x1f{extra}".encode(), usedforsecurity=False).hexdigest()[:10]
    readable = pinyin_slug(name, max_length=40).replace("-", "")
    return f"{prefix}-{readable}-{digest}" if readable else f"{prefix}-{digest}"


class Award(models.Model):
    name = models.CharField(
        _("name"), max_length=120, help_text=_("The title as conferred, e.g. 全国十佳乡土科技人才.")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, db_index=True)
    conferring_body = models.CharField(
        _("conferring body"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("Who confers it, e.g. 中国科协, 湖北省科协. Leave empty when not known."),
    )
    recipient_kind = models.CharField(
        _("recipient kind"),
        max_length=20,
        choices=RecipientKind.choices,
        default=RecipientKind.INDIVIDUAL,
        help_text=_("Whether it is given to people or to units (organizations, places, projects)."),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["name", "conferring_body"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "conferring_body"],
                name="award_name_body_unique",
                violation_error_message=_("This body already confers an award of this name."),
            ),
        ]

    def __str__(self):
        if self.conferring_body:
            return f"{self.name}（{self.conferring_body}）"
        return self.name

    def clean(self):
        if self.pk:
            stored = Award.objects.filter(pk=self.pk).values_list("recipient_kind", flat=True)
            if stored and stored[0] != self.recipient_kind and self.honours.exists():
                raise ValidationError(
                    {
                        "recipient_kind": _(
                            "Honours have been recorded for this award; its recipient kind "
                            "can no longer change."
                        )
                    }
                )


class HonourQuerySet(models.QuerySet):
    def ordered(self):
        """Newest year first (unknown years last), then by level, award and entry order."""
        return self.annotate(level_rank=level_rank()).order_by(
            F("year").desc(nulls_last=True), "level_rank", "award__name", "award_id", "id"
        )

    def for_list(self):
        return self.select_related("award", "organization").ordered()

    def for_recipient(self, key):
        return self.filter(recipient_key=key).for_list()

    def for_organization(self, organization):
        return self.filter(organization=organization).for_list()

    def per_year_and_level(self):
        """Rows of (year, level, recipients), recipients counting every group's full size."""
        return (
            self.order_by()
            .values_list("year", "award__level")
            .annotate(recipients=models.Sum("group_size"))
        )


class Honour(StampedModel, SearchIndexedModel):
    award = models.ForeignKey(
        Award, verbose_name=_("award"), related_name="honours", on_delete=models.PROTECT
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text=_("Leave empty when the source does not say."),
    )
    person_name = models.CharField(
        _("person's name"),
        max_length=50,
        blank=True,
        help_text=_("For honours given to a person. Filled from the member record when linked."),
    )
    member = models.ForeignKey(
        "organizations.Member",
        verbose_name=_("member record"),
        related_name="honours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Optional. Only the name is shown publicly, never the member's details."),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        related_name="honours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("For honours given to an organization in the directory."),
    )
    unit_name = models.CharField(
        _("unit name"),
        max_length=100,
        blank=True,
        help_text=_(
            "For honours given to a unit. With an organization chosen, leave empty to use its "
            "name, or name the part honoured (e.g. 宣恩县科协科普大篷车)."
        ),
    )
    employer = models.CharField(
        _("employer as cited"),
        max_length=100,
        blank=True,
        help_text=_(
            "The person's unit as the honour's citation names it; shown publicly. It is not "
            "taken from the member record."
        ),
    )
    county = models.CharField(
        _("county or region"),
        max_length=20,
        choices=County.choices,
        blank=True,
        db_index=True,
        help_text=_("Left empty for an organization, its county is used."),
    )
    citation = models.CharField(
        _("citation"),
        max_length=300,
        blank=True,
        help_text=_("A short line on what it was given for."),
    )
    group_size = models.PositiveSmallIntegerField(
        _("group size"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "For a group where the source names only the first person (“马焱雷等9人”): "
            "the group's size, so counts stay true. Otherwise 1."
        ),
    )
    photo = models.ImageField(
        _("photo"),
        upload_to=UploadTo("honours"),
        validators=[validate_image],
        blank=True,
        help_text=_("Optional. JPEG, PNG, GIF or WebP."),
    )
    articles = models.ManyToManyField(
        "news.Article",
        verbose_name=_("related articles"),
        related_name="honours",
        blank=True,
        help_text=_("News articles about this honour; only published ones are shown."),
    )
    recipient_key = models.CharField(
        _("recipient key"), max_length=80, blank=True, editable=False, db_index=True
    )

    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "award", "id"]
        permissions = [("export_honour", _("Can export honours"))]
        indexes = [
            models.Index(fields=["-year", "award", "id"], name="honour_list_idx"),
            models.Index(fields=["organization", "-year"], name="honour_organization_idx"),
        ]
        constraints = [
            # A person, or a unit, never both and never neither. A unit always keeps
            # its name, so SET_NULL on a deleted organization leaves a valid row.
            models.CheckConstraint(
                condition=(~Q(person_name="") & Q(organization__isnull=True) & Q(unit_name=""))
                | (Q(person_name="") & Q(member__isnull=True) & ~Q(unit_name="")),
                name="honour_one_recipient",
                violation_error_message=_("Give either a person or a unit as the recipient."),
            ),
            models.CheckConstraint(
                condition=Q(group_size__gte=1), name="honour_group_size_positive"
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="honour_year_plausible",
            ),
            # Nulls are distinct: the same award in unknown years may repeat
            # (“先后3次被评为…”); in a known year it may not.
            models.UniqueConstraint(
                fields=["award", "year", "recipient_key"], name="honour_once_a_year"
            ),
        ]

    def __str__(self):
        year = f"{self.year} " if self.year else ""
        return f"{year}{self.award.name}：{self.recipient_name}"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("awards:recipient-detail", kwargs={"key": self.recipient_key})

    def clean(self):
        self.fill_derived_fields()
        errors = {}
        kind = self.award.recipient_kind if self.award_id else None
        if kind == RecipientKind.INDIVIDUAL:
            if not self.person_name:
                errors["person_name"] = _("This award is given to people: name the person.")
            if self.organization_id or self.unit_name:
                errors["organization"] = _(
                    "This award is given to people; leave the organization and unit name empty."
                )
        elif kind == RecipientKind.UNIT:
            if not self.unit_name:
                errors["unit_name"] = _(
                    "This award is given to units: choose an organization or name the unit."
                )
            if self.person_name or self.member_id:
                errors["person_name"] = _(
                    "This award is given to units; leave the person and member empty."
                )
        if errors:
            raise ValidationError(errors)
        if self.award_id and self.year is not None:
            duplicate = Honour.objects.filter(
                award_id=self.award_id, year=self.year, recipient_key=self.recipient_key
            ).exclude(pk=self.pk)
            if duplicate.exists():
                raise ValidationError(
                    _("This recipient already has this award for %(year)s."),
                    code="duplicate",
                    params={"year": self.year},
                )

    def fill_derived_fields(self):
        self.person_name = self.person_name.strip()
        self.unit_name = self.unit_name.strip()
        if self.member_id and not self.person_name:
            self.person_name = self.member.name
        if self.organization_id:
            if not self.unit_name:
                self.unit_name = self.organization.name
            if not self.county:
                self.county = self.organization.county
        self.recipient_key = recipient_key_for(
            person_name=self.person_name,
            member_id=self.member_id,
            employer=self.employer,
            organization_id=self.organization_id,
            unit_name=self.unit_name,
        )

    @property
    def is_individual(self):
        return bool(self.person_name)

    @property
    def recipient_name(self):
        return self.person_name or self.unit_name

    def organization_url(self):
        """The directory page of the organization honoured, or "" when there is none."""
        if not self.organization_id or not self.organization.is_active:
            return ""
        return self.organization.get_absolute_url()

import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import F, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from kexie.accounts import roles
from kexie.downloads import ProtectedFileField
from kexie.models import SearchIndexedModel, StaffProfile, StampedModel
from kexie.richtext import RichTextField, html_to_text
from kexie.slugs import unique_slug
from kexie.uploads import UploadTo, make_thumbnail, validate_attachment, validate_image
from news import integrity
from organizations.models import Organization

SUMMARY_LENGTH = 120
THUMBNAIL_SIZE = (480, 320)
# Site self-check defaults by the kind of category its name tells (Category.update_threshold).
NOTICE_WORDS = ("通知", "公告", "公示", "政策", "文件")
NEWS_WORDS = ("动态", "要闻", "新闻", "工作", "资讯", "活动")
NOTICE_UPDATE_DAYS = 180
NEWS_UPDATE_DAYS = 14


class CategoryQuerySet(models.QuerySet):
    def default_for(self, organization):
        """The category an article sent in by ``organization`` is placed in, or None.

        A township association's news counts with its county's (基层动态).
        """
        if organization is None:
            return None
        kind = organization.kind
        if kind == Organization.Kind.TOWNSHIP:
            kind = Organization.Kind.COUNTY
        return self.filter(receives_submissions_from=kind).order_by("order", "id").first()

    def by_id(self):
        """Every category by id, each with its parent set: one query, no join."""
        categories = {category.pk: category for category in self}
        for category in categories.values():
            if category.parent_id in categories:
                category.parent = categories[category.parent_id]
        return categories


class Category(models.Model):
    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(
        _("URL name"),
        max_length=50,
        unique=True,
        blank=True,
        help_text=_(
            "Lowercase letters, digits and hyphens: the end of the address, as in "
            "/news/category/notices/. Left empty, it is made from the name in pinyin."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        related_name="children",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(
        _("display order"), default=0, help_text=_("Smaller numbers come first.")
    )
    show_on_home = models.BooleanField(
        _("show on home page"),
        default=False,
        help_text=_("List this category's latest articles on the home page."),
    )
    receives_submissions_from = models.CharField(
        _("default for submissions from"),
        max_length=20,
        choices=Organization.Kind.choices,
        blank=True,
        help_text=_(
            "信息报送: an article sent in by this kind of organization is placed in this "
            "category until a reviewer chooses another (for example 基层动态 for county "
            "associations, 学会动态 for societies)."
        ),
    )
    update_within_days = models.PositiveSmallIntegerField(
        _("update within (days)"),
        null=True,
        blank=True,
        help_text=_(
            "The site self-check reports the category when nothing new was published for this "
            "many days. Left empty: 180 for notices and announcements, 14 for news; 0 never "
            "reports it."
        ),
    )

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:category", kwargs={"slug": self.slug})

    def update_threshold(self):
        """Days without news after which the category counts as not kept up, or None.

        The inspection rules for government-style sites: news and work updates
        (动态、要闻) within two weeks, notices and announcements (通知公告) within
        six months. Other categories (an about page, say) are not checked.
        """
        if self.update_within_days is not None:
            return self.update_within_days or None
        if any(word in self.name for word in NOTICE_WORDS):
            return NOTICE_UPDATE_DAYS
        if any(word in self.name for word in NEWS_WORDS):
            return NEWS_UPDATE_DAYS
        return None

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("Categories can be nested only two levels deep.")})


def submission_scope(user):
    """The organization a 通讯员 works for: the only one whose articles they may touch.

    None for everyone else (editors, reviewers, admins see every article). A 通讯员
    without an organization on their account gets 0, which matches no article.
    Cached on the user object: the admin asks many times per request.
    """
    cached = getattr(user, "_kexie_submission_scope", "unset")
    if cached != "unset":
        return cached
    scope = None
    if getattr(user, "is_authenticated", False) and not user.is_superuser:
        if user.groups.filter(name=roles.CONTRIBUTOR).exists():
            profile = StaffProfile.objects.filter(user=user).only("organization_id").first()
            scope = (profile and profile.organization_id) or 0
    user._kexie_submission_scope = scope
    return scope


# ArticleQuerySet.neighbours: the nearest published article before and after one.
NEIGHBOURS_SQL = """
SELECT id, title, publish_at FROM news_article WHERE id = (
    SELECT id FROM news_article
    WHERE status = %s AND publish_at <= %s AND category_id = %s AND (publish_at, id) < (%s, %s)
    ORDER BY publish_at DESC, id DESC LIMIT 1
) OR id = (
    SELECT id FROM news_article
    WHERE status = %s AND publish_at <= %s AND category_id = %s AND (publish_at, id) > (%s, %s)
    ORDER BY publish_at ASC, id ASC LIMIT 1
)
"""


class ArticleQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The articles ``user`` may see and change in the back office.

        The one scope for 信息报送: a 通讯员 sees only their organization's articles
        (every admin page, preview, attachment and revision goes through this);
        everyone else sees all. Permissions still decide what they may do.
        """
        scope = submission_scope(user)
        if scope is None:
            return self
        return self.filter(organization_id=scope) if scope else self.none()

    def published(self):
        """The one door for public content: published, and its publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def neighbours(self, article):
        """The published articles just before and just after ``article`` in its category.

        By publish time, then number: ``(previous, next)``, each an Article with
        ``title`` loaded, or None. One query of two one-row subqueries, written out
        because compiling it with the ORM cost three times its run time on the cold
        article page; its conditions are ``published()``'s, and
        tests/news/test_public.py checks the two agree on every article.
        """
        if article.publish_at is None:
            return None, None
        where = [
            Article.Status.PUBLISHED,
            timezone.now(),
            article.category_id,
            article.publish_at,
            article.pk,
        ]
        previous = following = None
        for neighbour in self.model.objects.raw(NEIGHBOURS_SQL, where * 2):
            if (neighbour.publish_at, neighbour.pk) < (article.publish_at, article.pk):
                previous = neighbour
            else:
                following = neighbour
        return previous, following

    def in_category(self, category):
        return self.filter(Q(category=category) | Q(category__parent=category))

    def for_list(self):
        return self.select_related("category").order_by("-is_pinned", "-publish_at", "-id")

    def with_pending_changes(self):
        """Published articles with an edit that waits for a reviewer."""
        return self.filter(
            models.Exists(
                ArticleRevision.objects.filter(
                    article=models.OuterRef("pk"), status=ArticleRevision.Status.PENDING
                )
            )
        )

    def pending_review(self):
        """What a reviewer has to look at: submitted articles and proposed changes."""
        proposed = ArticleRevision.objects.filter(
            article=models.OuterRef("pk"), status=ArticleRevision.Status.PENDING
        )
        return self.filter(Q(status=Article.Status.PENDING) | models.Exists(proposed))

    def approved(self):
        """Rows carrying an approval, whether or not their publish time has come."""
        return self.exclude(approved_fingerprint="")

    def next_scheduled_time(self):
        """When the next scheduled article goes public (None: nothing scheduled)."""
        return self.filter(
            status=Article.Status.PUBLISHED, publish_at__gt=timezone.now()
        ).aggregate(at=Min("publish_at"))["at"]

    def count_view(self, pk):
        """One reader's view of a public article; its new total, or None if it is not public.

        One atomic ``UPDATE … SET view_count = view_count + 1`` and the same on
        today's row, in one transaction: concurrent readers never lose a count.
        """
        with transaction.atomic():
            if not self.published().filter(pk=pk).update(view_count=F("view_count") + 1):
                return None
            ArticleDailyView.objects.add_view(article_id=pk)
        return self.filter(pk=pk).values_list("view_count", flat=True).first()

    def read_between(self, start, end):
        """Articles read from ``start`` to ``end`` (local dates), with ``period_views``,
        most read first."""
        return (
            self.filter(daily_views__date__range=(start, end))
            .annotate(period_views=models.Sum("daily_views__views"))
            .filter(period_views__gt=0)
            .order_by("-period_views", "-view_count", "id")
        )


class Article(StampedModel, SearchIndexedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RETURNED = "returned", _("Returned")
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        DECLINED = "declined", _("Declined")

    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), related_name="articles", on_delete=models.PROTECT
    )
    cover = models.ImageField(
        _("cover image"),
        upload_to=UploadTo("covers"),
        validators=[validate_image],
        blank=True,
        help_text=_("Optional. JPEG, PNG, GIF or WebP; a thumbnail is made for lists."),
    )
    cover_thumbnail = models.ImageField(
        _("cover thumbnail"), upload_to=UploadTo("covers/thumbs"), blank=True, editable=False
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("Shown in lists and feeds. Left empty, the start of the body is used."),
    )
    body = RichTextField(_("body"), blank=True)
    source = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("Shown as 来源. Left empty, the submitting organization is shown."),
    )
    # 信息报送: the county association, society … that sent the article in. Set from the
    # contributor's own organization (never from the form); counted by 报送统计.
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("submitting organization"),
        related_name="submitted_articles",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    author = models.CharField(_("author"), max_length=100, blank=True)
    responsible_editor = models.CharField(_("responsible editor"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_(
            "A future time schedules the article: it appears by itself when the time comes. "
            "Left empty, publishing uses the current time."
        ),
    )
    is_pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Listed first."))
    is_headline = models.BooleanField(
        _("headline"), default=False, help_text=_("Featured at the top of the home page.")
    )
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    # Bumped by every save: a form that was opened before the last save is refused.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    # Written by save() while published (see news.integrity); public pages compare.
    approved_digests = models.JSONField(
        _("approved field digests"), default=dict, blank=True, editable=False
    )
    approved_fingerprint = models.CharField(
        _("approved fingerprint"), max_length=64, blank=True, editable=False
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-is_pinned", "-publish_at", "-id"]
        permissions = [
            ("submit_article", _("Can submit articles for review")),
            ("publish_article", _("Can publish, send back and withdraw articles")),
        ]
        indexes = [
            models.Index(
                fields=["status", "-is_pinned", "-publish_at", "-id"], name="article_list_idx"
            ),
            models.Index(
                fields=["category", "status", "-is_pinned", "-publish_at"],
                name="article_category_idx",
            ),
            # The previous and next articles of the article page (neighbours()): each
            # is the first entry of this index after or before the article.
            models.Index(
                fields=["category", "status", "publish_at", "id"], name="article_neighbours_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="article_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, revision=None, **kwargs):
        """Save, approve what is published, and record a revision of the content.

        Only the application calls save(): the review services for staff, the demo
        loader for seed content. Saving a published row is what approves it; a row
        changed any other way keeps the old approval and so fails the public check.
        ``revision``: the proposed revision this save applies (it becomes the record).
        """
        if not self.summary.strip():
            self.summary = Truncator(html_to_text(self.body)).chars(SUMMARY_LENGTH)
        self._update_thumbnail()
        # Sanitize the body and store new files now, so the approval covers what is saved.
        for name in ("body", "cover", "cover_thumbnail"):
            self._meta.get_field(name).pre_save(self, self._state.adding)
        self.version = (self.version or 0) + 1
        self.approved_digests, self.approved_fingerprint = integrity.approval_of(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields, "version", "approved_digests", "approved_fingerprint",
            }  # fmt: skip
        with transaction.atomic():
            super().save(*args, **kwargs)
            self._record_revision(revision)

    @property
    def source_display(self):
        """What the public sees as 来源: the typed source, else the submitting organization."""
        if self.source:
            return self.source
        if not self.organization_id:
            return ""
        return self.organization.short_name or self.organization.name

    def is_visible_to(self, user):
        """Whether ``user`` may work on this article (see ArticleQuerySet.visible_to)."""
        scope = submission_scope(user)
        return scope is None or (bool(scope) and self.organization_id == scope)

    def get_absolute_url(self):
        return reverse("news:article-detail", kwargs={"pk": self.pk})

    def get_preview_url(self):
        return reverse("news:article-preview", kwargs={"pk": self.pk})

    def clean(self):
        if self.status == self.Status.PUBLISHED and not self.publish_at:
            self.publish_at = timezone.now()

    @property
    def is_public(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def is_approved(self):
        return bool(self.approved_fingerprint)

    def approval_problems(self):
        """Public fields of this published row changed since approval (see news.integrity)."""
        return integrity.changed_fields(self)

    def approved_revision(self):
        """The revision whose content is the approved one, if it is still recorded."""
        if not self.approved_fingerprint:
            return None
        return (
            self.revisions.filter(fingerprint=self.approved_fingerprint).order_by("-number").first()
        )

    def _record_revision(self, revision):
        data = integrity.snapshot(self)
        fingerprint = integrity.fingerprint_of_data(data)
        approved = self.status == self.Status.PUBLISHED
        if revision is None:
            latest = self.revisions.order_by("-number").first()
            if latest is not None and latest.fingerprint == fingerprint:
                if not approved or latest.status == ArticleRevision.Status.APPROVED:
                    return latest
                revision = latest
        if revision is None:
            revision = ArticleRevision(
                article=self,
                number=self.revisions.aggregate(n=models.Max("number"))["n"] or 0,
                created_by=self.updated_by,
            )
            revision.number += 1
        revision.data, revision.fingerprint = data, fingerprint
        if approved:
            revision.status = ArticleRevision.Status.APPROVED
            revision.reviewed_by = self.updated_by
            revision.reviewed_at = timezone.now()
        revision.save()
        return revision

    def count_view(self):
        """Add one view in the database, safe under concurrent requests."""
        total = Article.objects.count_view(self.pk)
        if total is not None:
            self.view_count = total

    def _update_thumbnail(self):
        if not self.cover:
            self.cover_thumbnail = ""
            return
        if getattr(self.cover, "_committed", True) and self.cover_thumbnail:
            return
        thumbnail = make_thumbnail(self.cover, THUMBNAIL_SIZE)
        if thumbnail is None:
            # A damaged stored cover: the list shows no picture rather than failing.
            self.cover_thumbnail = ""
            return
        name = PurePosixPath(self.cover.name).stem + ".jpg"
        self.cover_thumbnail.save(name, ContentFile(thumbnail), save=False)


class AttachmentQuerySet(models.QuerySet):
    def article_ids(self):
        """The ids of the articles that have any attachment."""
        return frozenset(self.order_by().values_list("article_id", flat=True).distinct())


class Attachment(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="attachments", on_delete=models.CASCADE
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Left empty, the file name is used.")
    )
    # Its url is the download view: the stored file has no public address.
    file = ProtectedFileField(
        _("file"),
        download_view="news:attachment-download",
        upload_to=UploadTo("attachments"),
        validators=[validate_attachment],
        help_text=_("PDF, Word, Excel, PowerPoint, WPS, ZIP or images."),
    )
    original_name = models.CharField(_("original file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Written by save() (see news.integrity); the article page and the download compare.
    approved_digests = models.JSONField(
        _("approved field digests"), default=dict, blank=True, editable=False
    )
    approved_fingerprint = models.CharField(
        _("approved fingerprint"), max_length=64, blank=True, editable=False
    )

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title or self.original_name

    def save(self, *args, **kwargs):
        """Save and approve: only the application saves an attachment (see news.integrity)."""
        if self.file and not getattr(self.file, "_committed", True):
            self.original_name = PurePosixPath(self.file.name).name[:255]
            self.size = self.file.size or 0
        if not self.title:
            self.title = PurePosixPath(self.original_name).stem
        # Store a new file now, so the approval covers the name it is stored under.
        self._meta.get_field("file").pre_save(self, self._state.adding)
        self.approved_digests, self.approved_fingerprint = integrity.attachment_approval(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "approved_digests", "approved_fingerprint"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:attachment-download", kwargs={"pk": self.pk})

    def approval_problems(self):
        """Public fields changed since the application last saved the row (news.integrity)."""
        return integrity.attachment_changes(self)


class ArticleRevision(models.Model):
    """One recorded state of an article's content: every save, and every proposed change.

    An edit to a published article by someone who may not publish is stored here only
    (status pending) until a reviewer approves it; the public keeps the approved one.
    """

    class Status(models.TextChoices):
        SAVED = "saved", _("Saved")
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")
        SUPERSEDED = "superseded", _("Superseded")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="revisions", on_delete=models.CASCADE
    )
    number = models.PositiveIntegerField(_("revision number"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SAVED
    )
    data = models.JSONField(_("content"), default=dict)
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        db_index=True,
        help_text=_("HMAC-SHA256 over the public fields, as the article would be published."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        related_name="article_revisions",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        related_name="reviewed_article_revisions",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("review time"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    restored_from = models.ForeignKey(
        "self",
        verbose_name=_("restored from"),
        related_name="restorations",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="revision_number_unique"),
        ]

    def __str__(self):
        return f"{self.article_id} #{self.number}"

    def as_article(self):
        """An unsaved Article holding this revision's content, to render in place of the row."""
        values = dict(self.data)
        if values.get("publish_at"):
            values["publish_at"] = datetime.datetime.fromisoformat(values["publish_at"])
        article = Article(pk=self.article_id, status=Article.Status.PUBLISHED, **values)
        article.approved_fingerprint = self.fingerprint
        return article


class TamperAlert(models.Model):
    """A published article whose live row no longer matches its approved fingerprint."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="tamper_alerts", on_delete=models.CASCADE
    )
    # Set when the changed row is one of the article's attachments.
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        related_name="tamper_alerts",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    fields = models.JSONField(_("changed fields"), default=list)
    key = models.CharField(_("key"), max_length=64, editable=False)
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)

    class Meta:
        verbose_name = _("tamper alert")
        verbose_name_plural = _("tamper alerts")
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "key"], name="tamper_alert_unique"),
        ]

    def __str__(self):
        return f"{self.article_id}: {', '.join(self.fields)}"


class ArticleEvent(models.Model):
    """One step in an article's review history (三审 trail); written by news.services."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        SENT_BACK = "sent_back", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EDITED_AFTER_PUBLISHING = "edited", _("Edited after publishing")
        PROPOSED = "proposed", _("Change submitted for review")
        CHANGE_PUBLISHED = "change_published", _("Change published")
        CHANGE_SENT_BACK = "change_sent_back", _("Change sent back")
        RESTORED = "restored", _("Earlier revision restored")
        DECLINED = "declined", _("Declined")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="events", on_delete=models.CASCADE
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Article.Status.choices, blank=True
    )
    to_status = models.CharField(
        _("to status"), max_length=20, choices=Article.Status.choices, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        related_name="article_events",
        on_delete=models.SET_NULL,
        null=True,
    )
    comment = models.TextField(_("comment"), blank=True)
    revision = models.ForeignKey(
        ArticleRevision,
        verbose_name=_("revision"),
        related_name="events",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("review record")
        verbose_name_plural = _("review records")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.article} · {self.get_action_display()}"


class ArticleDailyViewQuerySet(models.QuerySet):
    def add_view(self, *, article_id, date=None):
        date = date or timezone.localdate()
        if self.filter(article_id=article_id, date=date).update(views=F("views") + 1):
            return
        try:
            with transaction.atomic():
                self.create(article_id=article_id, date=date, views=1)
        except IntegrityError:
            # Another reader created today's row first: count on it.
            self.filter(article_id=article_id, date=date).update(views=F("views") + 1)

    def between(self, start, end):
        """Rows of the local dates from ``start`` to ``end``, both included."""
        return self.filter(date__range=(start, end))

    def in_category(self, category):
        """Views of one category's articles; a top-level category includes its children."""
        if category is None:
            return self
        return self.filter(Q(article__category=category) | Q(article__category__parent=category))


class ArticleDailyView(models.Model):
    """Views of one article on one day (local time), for reading statistics."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="daily_views", on_delete=models.CASCADE
    )
    date = models.DateField(_("date"))
    views = models.PositiveIntegerField(_("views"), default=0)

    objects = ArticleDailyViewQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily views")
        verbose_name_plural = _("daily views")
        ordering = ["-date", "article"]
        constraints = [
            models.UniqueConstraint(fields=["article", "date"], name="article_daily_view_unique"),
        ]

    def __str__(self):
        return f"{self.article_id} {self.date:%Y-%m-%d}: {self.views}"


class SubmissionStatistics(Article):
    """报送统计 in the admin (news.submission_stats): a report, so only a view permission."""

    class Meta:
        proxy = True
        verbose_name = _("submission statistics")
        verbose_name_plural = _("submission statistics")
        default_permissions = ("view",)


class ReadingStatistics(ArticleDailyView):
    """阅读统计 in the admin: a report over the daily views (news.reading), nothing to edit."""

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = _("reading statistics")
        verbose_name_plural = _("reading statistics")

from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from PIL import Image

from kexie.models import SearchIndexedModel, StampedModel
from kexie.richtext import RichTextField, html_to_text
from kexie.slugs import unique_slug
from kexie.uploads import UploadTo, validate_attachment, validate_image

SUMMARY_LENGTH = 120
THUMBNAIL_SIZE = (480, 320)
# Site self-check defaults by the kind of category its name tells (Category.update_threshold).
NOTICE_WORDS = ("通知", "公告", "公示", "政策", "文件")
NEWS_WORDS = ("动态", "要闻", "新闻", "工作", "资讯", "活动")
NOTICE_UPDATE_DAYS = 180
NEWS_UPDATE_DAYS = 14


class Category(models.Model):
    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(
        _("URL name"),
        max_length=50,
        unique=True,
        blank=True,
        help_text=_(
            "Lowercase letters, digits and hyphens, used in the address, e.g. notices. "
            "Left empty, it is made from the name in pinyin."
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


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """The one door for public content: published, and its publish time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def in_category(self, category):
        return self.filter(Q(category=category) | Q(category__parent=category))

    def for_list(self):
        return self.select_related("category").order_by("-is_pinned", "-publish_at", "-id")

    def pending_review(self):
        return self.filter(status=Article.Status.PENDING)


class Article(StampedModel, SearchIndexedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending review")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

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
    source = models.CharField(_("source"), max_length=100, blank=True)
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
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(publish_at__isnull=False),
                name="article_published_has_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.summary.strip():
            self.summary = Truncator(html_to_text(self.body)).chars(SUMMARY_LENGTH)
        self._update_thumbnail()
        super().save(*args, **kwargs)

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

    def count_view(self):
        """Add one view in the database, safe under concurrent requests."""
        Article.objects.filter(pk=self.pk).update(view_count=F("view_count") + 1)
        self.view_count += 1

    def _update_thumbnail(self):
        if not self.cover:
            self.cover_thumbnail = ""
            return
        if getattr(self.cover, "_committed", True) and self.cover_thumbnail:
            return
        self.cover.open()
        with Image.open(self.cover) as image:
            image = image.convert("RGB")
            image.thumbnail(THUMBNAIL_SIZE)
            buffer = BytesIO()
            image.save(buffer, "JPEG", quality=82)
        self.cover.seek(0)
        name = PurePosixPath(self.cover.name).stem + ".jpg"
        self.cover_thumbnail.save(name, ContentFile(buffer.getvalue()), save=False)


class Attachment(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="attachments", on_delete=models.CASCADE
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, help_text=_("Left empty, the file name is used.")
    )
    file = models.FileField(
        _("file"),
        upload_to=UploadTo("attachments"),
        validators=[validate_attachment],
        help_text=_("PDF, Word, Excel, PowerPoint, WPS, ZIP or images."),
    )
    original_name = models.CharField(_("original file name"), max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title or self.original_name

    def save(self, *args, **kwargs):
        if self.file and not getattr(self.file, "_committed", True):
            self.original_name = PurePosixPath(self.file.name).name[:255]
            self.size = self.file.size or 0
        if not self.title:
            self.title = PurePosixPath(self.original_name).stem
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:attachment-download", kwargs={"pk": self.pk})


class ArticleEvent(models.Model):
    """One step in an article's review history (三审 trail); written by news.services."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        SENT_BACK = "sent_back", _("Sent back")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EDITED_AFTER_PUBLISHING = "edited", _("Edited after publishing")

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
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("review record")
        verbose_name_plural = _("review records")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.article} · {self.get_action_display()}"

"""
The site's official face, configured in the admin rather than coded: site settings
(name, emblem, banner, favicon, footer and filing numbers), 友情链接, and single
pages (机构概况, 领导班子, 联系我们 …) at /about/<slug>/.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kexie.models import StampedModel
from kexie.richtext import RichTextField
from kexie.slugs import unique_slug
from kexie.uploads import UploadTo, validate_image
from pages.chrome import InvalidatesChrome

ICP_FILING_URL = "https://beian.miit.gov.cn/"
PUBLIC_SECURITY_FILING_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


def _default_site_name():
    return settings.KEXIE_SITE_NAME


def _default_short_name():
    return settings.KEXIE_SITE_SHORT_NAME


def _default_icp_number():
    return settings.KEXIE_ICP_NUMBER


def _default_public_security_number():
    return settings.KEXIE_PUBLIC_SECURITY_NUMBER


def _site_image(verbose_name, help_text):
    # Checked like every upload (kexie.uploads); optional, with a shipped default.
    return models.ImageField(
        verbose_name,
        upload_to=UploadTo("site"),
        validators=[validate_image],
        blank=True,
        help_text=help_text,
    )


class SiteSettingsQuerySet(models.QuerySet):
    def current(self):
        """The one settings row, created from the environment's defaults when missing."""
        return self.get_or_create(pk=SiteSettings.SINGLETON_PK)[0]


class SiteSettings(InvalidatesChrome, models.Model):
    SINGLETON_PK = 1

    site_name = models.CharField(_("site name"), max_length=100, default=_default_site_name)
    short_name = models.CharField(
        _("short name"),
        max_length=50,
        default=_default_short_name,
        help_text=_("Shown where space is short: the phone header and the admin title."),
    )
    emblem = _site_image(
        _("emblem or logo"),
        _("Shown beside the site name; a square PNG works best. Empty: the default."),
    )
    banner = _site_image(
        _("banner"),
        _("Wide picture behind the header, about 1920×240 pixels. Empty: plain colour."),
    )
    favicon = _site_image(
        _("favicon"),
        _("The small icon in the browser tab: a square PNG. Empty: the default."),
    )
    host = models.CharField(_("host organization (主办单位)"), max_length=100, blank=True)
    organizer = models.CharField(_("organizer (承办单位)"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    icp_number = models.CharField(
        _("ICP number"),
        max_length=50,
        blank=True,
        default=_default_icp_number,
        help_text=_("e.g. 鄂ICP备12345678号-1; links to the national ICP filing site."),
    )
    public_security_number = models.CharField(
        _("public security filing number"),
        max_length=50,
        blank=True,
        default=_default_public_security_number,
        help_text=_("e.g. 鄂公网安备42280102000123号; links to the public security filing site."),
    )
    site_code = models.CharField(
        _("site identification code"),
        max_length=20,
        blank=True,
        help_text=_("网站标识码, e.g. 4228000001, given to government and public-sector sites."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SiteSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(self.site_name)

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @property
    def icp_url(self):
        return ICP_FILING_URL

    @property
    def public_security_url(self):
        # The filing site looks a record up by the digits of its number.
        code = "".join(re.findall(r"\d", self.public_security_number))
        return PUBLIC_SECURITY_FILING_URL.format(code=code) if code else ""


class FriendLinkQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(is_shown=True)


class FriendLink(InvalidatesChrome, models.Model):
    name = models.CharField(_("name"), max_length=50)
    url = models.URLField(
        _("address"), help_text=_("The full address, e.g. https://www.cast.org.cn/.")
    )
    order = models.PositiveSmallIntegerField(
        _("display order"), default=0, help_text=_("Smaller numbers come first.")
    )
    is_shown = models.BooleanField(_("shown"), default=True)

    objects = FriendLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("friend link")
        verbose_name_plural = _("friend links")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.url and not self.url.lower().startswith(("https://", "http://")):
            raise ValidationError({"url": _("Enter an address starting with https:// or http://.")})


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def in_navigation(self):
        return self.published().filter(show_in_navigation=True)


class Page(InvalidatesChrome, StampedModel):
    title = models.CharField(_("title"), max_length=100)
    slug = models.SlugField(
        _("URL name"),
        max_length=50,
        unique=True,
        blank=True,
        help_text=_(
            "Lowercase letters, digits and hyphens: the end of the address, as in "
            "/about/ji-gou-gai-kuang/. Left empty, it is made from the title in pinyin."
        ),
    )
    body = RichTextField(_("body"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("display order"), default=0, help_text=_("Smaller numbers come first.")
    )
    show_in_navigation = models.BooleanField(
        _("show in navigation"), default=True, help_text=_("List the page in the main navigation.")
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Unpublished pages answer “not found”.")
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        verbose_name = _("single page")
        verbose_name_plural = _("single pages")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:page-detail", kwargs={"slug": self.slug})

    def get_preview_url(self):
        return reverse("pages:page-preview", kwargs={"pk": self.pk})

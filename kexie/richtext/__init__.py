"""
Rich text: the one place that knows which editor staff use and which HTML is allowed.

Every rich-text value is sanitized with an allowlist (nh3, the Rust ammonia
library) before it is stored, and again when rendered, so content written past
the admin (a script, a raw SQL import) cannot carry active markup either.
Switching editors means changing ``RichTextFormField.widget`` only.
"""

import re
from html import unescape

import nh3
from ckeditor.widgets import CKEditorWidget
from django import forms
from django.db import models
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "div",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"style", "title"},
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
# Layout properties the editor writes; anything else (expression(), url(),
# behavior, position tricks) is dropped by nh3's CSS filter.
ALLOWED_STYLE_PROPERTIES = {
    "text-align", "text-indent", "width", "height", "float", "margin", "margin-left",
    "margin-right", "font-weight", "font-style", "text-decoration", "vertical-align",
    "border-collapse",
}  # fmt: skip
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# nh3 keeps an allowed property whatever its value (``width: expression(...)``);
# a style that could load or run anything is dropped whole.
ACTIVE_STYLE_RE = re.compile(r"expression|url\s*\(|javascript:|behavior|binding|@import|\\", re.I)


def _filter_attribute(tag, attribute, value):
    if attribute == "style" and ACTIVE_STYLE_RE.search(value):
        return None
    return value


def sanitize_html(html):
    if not html:
        return ""
    return nh3.clean(
        str(html),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        filter_style_properties=ALLOWED_STYLE_PROPERTIES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


def render_html(html):
    """Sanitized markup ready for a template."""
    return mark_safe(sanitize_html(html))  # noqa: S308 - sanitized just above


def html_to_text(html):
    """Plain text of a rich-text value, for summaries, feeds and search."""
    return " ".join(unescape(strip_tags(sanitize_html(html))).split())


EDITOR_CONFIG = {
    "language": "zh-cn",
    "height": 420,
    "width": "100%",
    "toolbar": "Custom",
    "toolbar_Custom": [
        ["Format", "Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript"],
        ["NumberedList", "BulletedList", "Blockquote"],
        ["JustifyLeft", "JustifyCenter", "JustifyRight"],
        ["Link", "Unlink", "Image", "Table", "HorizontalRule"],
        ["Undo", "Redo", "RemoveFormat", "Source", "Maximize"],
    ],
    "format_tags": "p;h2;h3;h4",
    "removePlugins": "exportpdf,wsc,scayt,preview,flash,iframe,forms,save,newpage",
    "extraPlugins": "uploadimage",
    "filebrowserUploadMethod": "xhr",
    "allowedContent": False,
}


class RichTextWidget(CKEditorWidget):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("config_name", "default")
        super().__init__(*args, **kwargs)
        self.config = dict(EDITOR_CONFIG)

    def _set_config(self):
        # Resolved at render time: reversing URLs while forms are being declared would
        # load the URLconf before every admin module has registered its models.
        upload_url = reverse("kexie:editor-upload")
        self.config.update(filebrowserUploadUrl=upload_url, uploadUrl=upload_url)
        super()._set_config()

    @property
    def media(self):
        return super().media + forms.Media(js=["kexie/admin/editor-upload.js"])


class RichTextFormField(forms.CharField):
    def __init__(self, *args, **kwargs):
        # Always the editor, even where the admin would put its plain textarea.
        kwargs["widget"] = RichTextWidget()
        super().__init__(*args, **kwargs)

    def clean(self, value):
        return sanitize_html(super().clean(value))


def _is_rich_widget(widget):
    widget_class = widget if isinstance(widget, type) else type(widget)
    return issubclass(widget_class, RichTextWidget)


class RichTextField(models.TextField):
    """A text column holding sanitized HTML."""

    def formfield(self, **kwargs):
        # The admin maps every TextField to its plain textarea; a rich-text
        # field keeps the editor.
        widget = kwargs.get("widget")
        if widget is None or not _is_rich_widget(widget):
            kwargs["widget"] = RichTextWidget
        return super().formfield(**{**kwargs, "form_class": RichTextFormField})

    def pre_save(self, model_instance, add):
        value = sanitize_html(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

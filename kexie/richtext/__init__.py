"""
Rich text: the one place that knows which editor staff use and which HTML is allowed.

Every rich-text value is sanitized with an allowlist (nh3, the Rust ammonia
library) before it is stored, and again when rendered, so content written past
the admin (a script, a raw SQL import) cannot carry active markup either.
Switching editors means changing ``RichTextFormField.widget`` only.
"""

import base64
import binascii
import re
from html import escape, unescape

import nh3
from ckeditor.widgets import CKEditorWidget
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from kexie.uploads import IMAGE_FORMATS, UploadTo, inspect_image

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "div",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li",
    "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"style", "title"},
    "a": {"href", "name"},
    # No height: a fixed height stretches a photo once the site narrows its width.
    "img": {"src", "alt", "width"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

# Inline styles: an allowlist of properties, each with the values it may take. Written by
# hand because nh3 (ammonia) filters property names only and keeps any value
# (``width: expression(...)``); each value below is a plain keyword, length or colour,
# so nothing in a kept style can load or run anything.
_NUMBER = r"(?:\d+(?:\.\d+)?|\.\d+)"
_LENGTH = rf"(?:0|-?{_NUMBER}(?:px|em|rem|%|pt|ex|ch)|auto)"
_LENGTHS = rf"{_LENGTH}(?:\s+{_LENGTH}){{0,3}}"
_COLOR = r"(?:#[0-9a-f]{3,8}|rgba?\(\s*[\d.]+%?\s*(?:,\s*[\d.]+%?\s*){2,3}\)|[a-z]{3,20})"
_BORDER_STYLE = r"(?:none|solid|dashed|dotted|double)"


def _keywords(*words):
    return "(?:" + "|".join(words) + ")"


STYLE_VALUES = {
    "text-align": _keywords("left", "right", "center", "justify", "start", "end"),
    "text-indent": _LENGTH,  # 首行缩进: text-indent:2em
    "line-height": rf"(?:normal|{_NUMBER}|{_LENGTH})",
    "letter-spacing": rf"(?:normal|{_LENGTH})",
    "font-size": rf"(?:{_LENGTH}|{_keywords('small', 'medium', 'large', 'x-large', 'xx-large')})",
    "font-weight": _keywords("normal", "bold", "bolder", "lighter", "[1-9]00"),
    "font-style": _keywords("normal", "italic", "oblique"),
    "text-decoration": r"(?:none|underline|line-through|overline)(?:\s+(?:underline|line-through))?",
    "color": _COLOR,
    "background-color": _COLOR,
    "width": _LENGTH,
    "height": _LENGTH,
    "float": _keywords("left", "right", "none"),
    "vertical-align": _keywords(
        "top", "middle", "bottom", "baseline", "sub", "super", "text-top", "text-bottom"
    ),
    "border-collapse": _keywords("collapse", "separate"),
    "border": rf"(?:none|0|{_LENGTH}\s+{_BORDER_STYLE}(?:\s+{_COLOR})?)",
    "margin": _LENGTHS,
    "margin-left": _LENGTH,
    "margin-right": _LENGTH,
    "margin-top": _LENGTH,
    "margin-bottom": _LENGTH,
    "padding": _LENGTHS,
    "padding-left": _LENGTH,
    "padding-right": _LENGTH,
}
STYLE_VALUE_RES = {
    prop: re.compile(rf"\s*{pattern}\s*", re.IGNORECASE) for prop, pattern in STYLE_VALUES.items()
}
ALLOWED_STYLE_PROPERTIES = set(STYLE_VALUES)
# A photo's height is never fixed: with the width narrowed on a phone it would stretch.
IMAGE_DROPPED_PROPERTIES = {"height"}


def clean_style(value, tag=None):
    """The declarations of a style attribute that are on the allowlist, or None."""
    kept = []
    for declaration in value.split(";"):
        prop, colon, prop_value = declaration.partition(":")
        prop = prop.strip().lower()
        prop_value = re.sub(r"\s*!\s*important\s*$", "", prop_value.strip(), flags=re.I)
        pattern = STYLE_VALUE_RES.get(prop)
        if not colon or pattern is None or not pattern.fullmatch(prop_value):
            continue
        if tag == "img" and prop in IMAGE_DROPPED_PROPERTIES:
            continue
        kept.append(f"{prop}:{prop_value}")
    return ";".join(kept) or None


def _filter_attribute(tag, attribute, value):
    if attribute == "style":
        return clean_style(value, tag)
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


editor_image_upload_to = UploadTo("editor")


def store_editor_image(file):
    """Check an editor image like every other upload and store it; return its stored name.

    Raises ValidationError with the reason when the file is refused.
    """
    image_format = inspect_image(file)
    name = editor_image_upload_to(None, f"upload.{IMAGE_FORMATS[image_format]}")
    return default_storage.save(name, file)


# An image pasted from WeChat or Word arrives as a data: URI when the editor could not
# upload it first; the sanitizer would drop such a src and the picture would vanish.
_IMG_TAG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_DATA_SRC_RE = re.compile(r"""\bsrc\s*=\s*(["']?)\s*(data:[^"'\s>]*)\1""", re.IGNORECASE)
_DATA_IMAGE_RE = re.compile(r"data:image/[\w.+-]+;base64,([A-Za-z0-9+/=\s]*)", re.IGNORECASE)


def _decode_data_image(uri):
    match = _DATA_IMAGE_RE.fullmatch(unescape(uri))
    if not match:
        raise ValidationError(
            _("A pasted picture is not a JPEG, PNG, GIF or WebP image."), code="data_image"
        )
    try:
        return base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            _("A pasted picture is damaged and could not be read."), code="data_image"
        ) from None


def store_data_images(html):
    """Store every data: image in ``html`` through the upload checks and point it at the file.

    Raises ValidationError naming each refused picture, so nothing is dropped silently.
    """
    errors = []
    number = 0

    def replace_src(match):
        try:
            content = _decode_data_image(match.group(2))
            name = store_editor_image(ContentFile(content, name="pasted"))
        except ValidationError as error:
            errors.append(
                _("Pasted picture %(number)s was not accepted: %(reason)s")
                % {"number": number, "reason": " ".join(error.messages)}
            )
            return match.group(0)
        return f'src="{escape(default_storage.url(name))}"'

    def replace_tag(match):
        nonlocal number
        if not _DATA_SRC_RE.search(match.group(0)):
            return match.group(0)
        number += 1
        return _DATA_SRC_RE.sub(replace_src, match.group(0), count=1)

    result = _IMG_TAG_RE.sub(replace_tag, html or "")
    if errors:
        errors.append(
            _("Upload the picture with the editor's image button, or use another picture.")
        )
        raise ValidationError(errors, code="data_image")
    return result


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
    # The editor's own content filter would drop first-line indents and the other
    # formatting the server keeps (STYLE_VALUES) before saving; heights on images go.
    "extraAllowedContent": (
        "p h2 h3 h4 div span li blockquote"
        "{text-indent,text-align,line-height,letter-spacing,color,background-color,font-size};"
        "img{width,float,margin,margin-left,margin-right};"
        "table td th{border,border-collapse,padding,width,vertical-align,background-color}"
    ),
    "disallowedContent": "img{height}; img[height]",
    "image_prefillDimensions": False,
    # Pasted and dropped pictures (files, or data: URIs from WeChat and Word) go
    # through the same checked upload as the image button (uploadimage plugin).
    "clipboard_handleImages": True,
    # Chrome's default paste filter keeps no styles at all (a pasted 首行缩进 would go);
    # the content filter above and the server's allowlist decide instead.
    "pasteFilter": None,
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
        self.config.update(
            filebrowserUploadUrl=upload_url, uploadUrl=upload_url, imageUploadUrl=upload_url
        )
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
        return sanitize_html(store_data_images(super().clean(value)))


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

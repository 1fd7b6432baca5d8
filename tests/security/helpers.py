"""Small HTML tools for the security tests: read a form as a browser would post it,
and list every element and attribute a browser would treat as active."""

from html.parser import HTMLParser

from django.conf import settings
from django.utils.http import urlencode


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.data = []
        self._textarea = None
        self._select = None
        self._select_default = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.data.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = name
            self._select_default = None
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if "selected" in attrs:
                self.data.append((self._select, value))
                self._select_default = False
            elif self._select_default is None:
                self._select_default = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.data.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select:
            if self._select_default:
                self.data.append((self._select, self._select_default))
            self._select = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False


def form_data(html, form_id=None, **overrides):
    """The fields a browser would submit for the form, as a dict, with ``overrides`` applied."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data = {}
    for name, value in reader.data:
        data.setdefault(name, value)
    data.update(overrides)
    return data


SVG_ACTIVE_TAGS = {"set", "animate", "animatetransform", "animatemotion", "foreignobject"}
SCRIPT_SOURCES = (settings.STATIC_URL, "/admin/jsi18n/")
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
}
DANGEROUS_TAGS = {
    "iframe",
    "frame",
    "object",
    "embed",
    "base",
    "applet",
    "frameset",
    "portal",
    "style",
}


def _is_script_url(value):
    compact = "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()
    return compact.startswith(("javascript:", "vbscript:", "data:", "livescript:"))


class _ActiveContentFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        where = self.getpos()
        values = dict(attrs)
        if tag == "script":
            src = values.get("src") or ""
            kind = (values.get("type") or "").lower()
            if not (src.startswith(SCRIPT_SOURCES) or (not src and kind == "application/json")):
                self.problems.append((where, "script", values))
        if tag in DANGEROUS_TAGS:
            self.problems.append((where, tag, values))
        if tag == "meta" and "http-equiv" in values:
            self.problems.append((where, "meta http-equiv", values))
        if tag == "link" and (values.get("rel") or "").lower() not in {
            "stylesheet",
            "alternate",
            "icon",
            "shortcut icon",
            "canonical",
        }:
            self.problems.append((where, "link", values))
        # Inline SVG icons are fine (the admin uses them); SVG animation and
        # foreign content that can carry script are not.
        if tag in {
            "set",
            "animate",
            "animatetransform",
            "animatemotion",
            "foreignobject",
            "handler",
        }:
            self.problems.append((where, tag, values))
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append((where, f"event handler {name}", values))
            if name in URL_ATTRIBUTES and _is_script_url(value):
                self.problems.append((where, f"script URL in {name}", values))
            if name == "srcdoc":
                self.problems.append((where, "srcdoc", values))
            if name == "style":
                lowered = value.lower().replace(" ", "")
                if any(
                    bad in lowered
                    for bad in ("expression(", "javascript:", "url(", "behavior:", "-moz-binding")
                ):
                    self.problems.append((where, "active style", values))


def active_content(html):
    """Every element or attribute that would run script or load active content."""
    finder = _ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def export(client, url, filters=None):
    """Exports are POST requests; the changelist's filters ride in the query string."""
    return client.post(f"{url}?{urlencode(filters or {})}" if filters else url)

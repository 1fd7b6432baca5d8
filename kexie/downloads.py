"""
Sending a stored file after a permission check.

In production nginx serves the bytes: the view answers with an empty body and
``X-Accel-Redirect: <KEXIE_ACCEL_REDIRECT_PREFIX><storage name>``, which nginx
maps to an ``internal`` location (a local directory or the object store), so no
app server worker is tied up by a large download and the file has no public
address. Without the prefix (development, tests) the file is streamed from the
storage, whichever it is: storage.open(), never a local path, so S3 works too.

A ``ProtectedFileField`` makes such a file's ``url`` the download view's address,
so every link Django draws for it (the admin's file widget and read-only display,
templates) goes through the check and works behind nginx; the storage address
(``/media/...``, which nginx refuses) is never shown.
"""

import mimetypes
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header


def protected_file_response(fieldfile, *, filename, public):
    """A download of ``fieldfile`` named ``filename``; ``public`` says whether shared caches may keep it."""
    prefix = getattr(settings, "KEXIE_ACCEL_REDIRECT_PREFIX", "")
    if prefix:
        content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = HttpResponse(content_type=content_type)
        # nginx decodes the URI it is given: non-ASCII storage names must be quoted.
        response["X-Accel-Redirect"] = quote(prefix.rstrip("/") + "/" + fieldfile.name)
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        try:
            handle = fieldfile.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, as_attachment=True, filename=filename)
    if not public:
        # A reader with permission fetched an unpublished file: no shared cache keeps it.
        patch_cache_control(response, private=True, no_store=True)
    return response


class ProtectedFieldFile(FieldFile):
    @property
    def url(self):
        self._require_file()
        if self.instance.pk is None:
            return ""  # not stored yet: nothing to download
        return reverse(self.field.download_view, kwargs={"pk": self.instance.pk})


class ProtectedFileField(models.FileField):
    """A FileField whose ``url`` is ``download_view`` (a URL name taking ``pk``) for its row."""

    attr_class = ProtectedFieldFile

    def __init__(self, *args, download_view, **kwargs):
        self.download_view = download_view
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["download_view"] = self.download_view
        return name, path, args, kwargs

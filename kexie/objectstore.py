"""
What a request does when the media storage is unreachable.

With object storage, saving a cover, an editor image or an attachment talks to
the store inside the request. If the store is down, the error escapes the
view's transaction, so the database change is rolled back with it (nothing is
half-written) and this middleware turns it into a plain Chinese 503 saying the
upload was not saved, instead of a 500. Pages themselves never touch the store:
media URLs are computed locally.
"""

import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger("kexie.storage")


def _storage_errors():
    errors = []
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # only the local-disk configuration
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


STORAGE_ERRORS = _storage_errors()


def is_storage_outage(exception):
    if not STORAGE_ERRORS or not isinstance(exception, STORAGE_ERRORS):
        return False
    response = getattr(exception, "response", None)
    if response is not None:
        # A ClientError is an outage only when the store itself failed (5xx);
        # 4xx (a missing object, a refused key) are the application's business.
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return status >= 500
    return True


class StorageUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_storage_outage(exception):
            return None
        logger.error(
            "media storage unavailable: %s %s", request.method, request.path, exc_info=True
        )
        message = _(
            "The file storage is temporarily unavailable. Nothing was saved; "
            "please try again in a few minutes."
        )
        if request.path == reverse("kexie:editor-upload"):
            # CKEditor shows this message in its own dialog.
            return JsonResponse({"uploaded": 0, "error": {"message": message}}, status=503)
        response = render(
            request, "errors/storage_unavailable.html", {"message": message}, status=503
        )
        response["Retry-After"] = "60"
        return response

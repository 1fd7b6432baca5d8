import logging

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kexie.richtext import store_editor_image

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


@method_decorator(never_cache, name="dispatch")
class StaffPreviewMixin(PermissionRequiredMixin):
    """A staff preview of a public page: permission required, never cached, never
    indexed (``X-Robots-Tag: noindex``); its template gets ``is_preview``."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


class PaginatedListMixin:
    """Forgiving paging: junk or out-of-range ``page`` values show the nearest page."""

    paginate_by = PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: database unavailable")
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {request.build_absolute_uri(reverse('django.contrib.sitemaps.views.sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def _can_upload(user):
    return user.is_active and user.is_staff and user.has_perm("news.change_article")


@require_POST
@never_cache
def editor_upload(request):
    """Image upload for the rich-text editor, answered in CKEditor 4's JSON protocol.

    Replaces django-ckeditor's own view, which is CSRF-exempt and checks only
    the file name: here the CSRF token travels as a header, and the file must
    open as a real image within the size and pixel limits.
    """
    if not _can_upload(request.user):
        return JsonResponse(
            {"uploaded": 0, "error": {"message": _("You are not allowed to upload images.")}},
            status=403,
        )
    upload = request.FILES.get("upload")
    if upload is None:
        return JsonResponse(
            {"uploaded": 0, "error": {"message": _("No file was uploaded.")}}, status=400
        )
    try:
        saved = store_editor_image(upload)
    except ValidationError as error:
        return JsonResponse({"uploaded": 0, "error": {"message": " ".join(error.messages)}})
    return JsonResponse(
        {"uploaded": 1, "fileName": saved.rsplit("/", 1)[-1], "url": default_storage.url(saved)}
    )

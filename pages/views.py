from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView

from pages import chrome
from pages.models import Page

DEFAULT_FAVICON = "img/favicon.ico"


class PageDetailView(DetailView):
    """A single page (机构概况, 联系我们 …); unpublished pages answer 404."""

    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()


@method_decorator(never_cache, name="dispatch")
class PagePreviewView(PermissionRequiredMixin, PageDetailView):
    """Staff preview of a single page, published or not: never cached, never indexed."""

    permission_required = "pages.view_page"

    def get_queryset(self):
        return Page.objects.all()

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=True, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex"
        return response


@require_GET
def favicon(request):
    """/favicon.ico for browsers that ask before reading the page: the configured icon."""
    icon = chrome.get().settings.favicon
    return redirect(icon.url if icon else static(DEFAULT_FAVICON))

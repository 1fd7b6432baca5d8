from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django.views.generic import DetailView

from kexie.views import StaffPreviewMixin
from pages import chrome
from pages.models import Page

DEFAULT_FAVICON = "img/favicon.ico"


class PageDetailView(DetailView):
    """A single page (机构概况, 联系我们 …); unpublished pages answer 404."""

    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_queryset(self):
        return Page.objects.published()


class PagePreviewView(StaffPreviewMixin, PageDetailView):
    """Staff preview of a single page, published or not: never cached, never indexed."""

    permission_required = "pages.view_page"

    def get_queryset(self):
        return Page.objects.all()


@require_GET
def favicon(request):
    """/favicon.ico for browsers that ask before reading the page: the configured icon."""
    icon = chrome.get().settings.favicon
    return redirect(icon.url if icon else static(DEFAULT_FAVICON))

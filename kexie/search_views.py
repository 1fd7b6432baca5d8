from django.views.generic import TemplateView


class SearchView(TemplateView):
    """Placeholder until Chinese site search is built (issue 6)."""

    template_name = "search/results.html"

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from kexie import figures
from kexie.figures.charts import build_chart
from kexie.models import FigureBlock


class FiguresView(TemplateView):
    """数说科协: every public block, for all years or the selected one."""

    template_name = "figures/statistics.html"

    def get_context_data(self, **kwargs):
        years = figures.years()
        year, ignored = self._selected_year(years)
        choices = {
            key: (is_public, position)
            for key, is_public, position in FigureBlock.objects.values_list(
                "key", "is_public", "position"
            )
        }
        sections = []
        for block in figures.public_blocks(choices):
            rows, series = block.compute(year if block.by_year else None)
            sections.append({"block": block, "chart": build_chart(rows, series)})
        return super().get_context_data(
            sections=sections, years=years, year=year, ignored_year=ignored, **kwargs
        )

    def _selected_year(self, years):
        raw = self.request.GET.get("year", "").strip()
        if not raw:
            return None, ""
        if raw.isascii() and raw.isdigit() and int(raw) in years:
            return int(raw), ""
        return None, raw[:20] or _("(empty)")

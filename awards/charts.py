"""
The honours-per-year chart: a kexie.figures chart with a row per year (newest first,
unknown years last) and a segment per level, in the levels' own colours.
"""

from django.utils.translation import gettext_lazy as _

from awards.models import Level
from kexie.figures.charts import build_chart

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
LEVEL_COLOURS = {
    Level.NATIONAL: "#0072B2",
    Level.PROVINCIAL: "#E69F00",
    Level.PREFECTURE: "#009E73",
    Level.COUNTY: "#CC79A7",
}
LEVEL_SERIES = [(level, label, LEVEL_COLOURS[level]) for level, label in Level.choices]


def level_totals(rows):
    """Recipients per level, highest level first, every level listed."""
    totals = dict.fromkeys(Level.values, 0)
    for _year, level, count in rows:
        totals[level] = totals.get(level, 0) + (count or 0)
    return [(level, Level(level).label, totals[level]) for level in Level.values]


def year_rows(rows):
    """(year, level, recipients) triples, e.g. from ``per_year_and_level()``, as chart rows."""
    by_year = {}
    for year, level, count in rows:
        counts = by_year.setdefault(year, {})
        counts[level] = counts.get(level, 0) + (count or 0)
    years = sorted((year for year in by_year if year is not None), reverse=True)
    out = [(str(year), by_year[year]) for year in years]
    if None in by_year:
        out.append((_("Year unknown"), by_year[None]))
    return out


def year_chart(rows):
    return build_chart(year_rows(rows), LEVEL_SERIES)

"""
The honours-per-year chart, laid out here and drawn as inline SVG by the template.

Horizontal stacked bars, one row per year, because rows grow downwards and stay
legible on a narrow phone. Bar positions are percentages of the SVG's width and
text is sized in CSS pixels, so the chart fills any screen without the text
shrinking the way a scaled viewBox would. Every bar segment carries a <title>,
and the template repeats the numbers in a table.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from awards.models import Level

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
LEVEL_COLOURS = {
    Level.NATIONAL: "#0072B2",
    Level.PROVINCIAL: "#E69F00",
    Level.PREFECTURE: "#009E73",
    Level.COUNTY: "#CC79A7",
}
LEGEND_HEIGHT = 32
ROW_HEIGHT = 54
LABEL_BASELINE = 18
BAR_TOP = 24
BAR_HEIGHT = 20


@dataclass
class Segment:
    level: str
    label: str
    count: int
    colour: str
    x: float = 0.0  # percent of the width
    width: float = 0.0


@dataclass
class YearRow:
    year: int | None
    label: str
    total: int = 0
    segments: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # level -> recipients, for the table
    top: int = 0

    @property
    def label_y(self):
        return self.top + LABEL_BASELINE

    @property
    def bar_y(self):
        return self.top + BAR_TOP


@dataclass
class Chart:
    rows: list
    levels: list  # (level, label, colour) present in the data, highest first
    total: int
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def legend(self):
        step = 100 / max(len(self.levels), 1)
        return [
            {"x": round(index * step, 2), "label": label, "colour": colour}
            for index, (_level, label, colour) in enumerate(self.levels)
        ]


def level_totals(rows):
    """Recipients per level, highest level first, every level listed."""
    totals = dict.fromkeys(Level.values, 0)
    for _year, level, count in rows:
        totals[level] = totals.get(level, 0) + (count or 0)
    return [(level, Level(level).label, totals[level]) for level in Level.values]


def build_chart(rows):
    """``rows`` are (year, level, recipients) triples, e.g. from ``per_year_and_level()``."""
    by_year = {}
    for year, level, count in rows:
        if not count:
            continue
        by_year.setdefault(year, {}).setdefault(level, 0)
        by_year[year][level] += count
    years = sorted((y for y in by_year if y is not None), reverse=True)
    if None in by_year:
        years.append(None)
    present = [level for level in Level.values if any(level in c for c in by_year.values())]
    rows_out = []
    for index, year in enumerate(years):
        counts = by_year[year]
        row = YearRow(
            year=year,
            label=str(year) if year is not None else str(_("Year unknown")),
            total=sum(counts.values()),
            counts={level: counts.get(level, 0) for level in present},
            top=LEGEND_HEIGHT + index * ROW_HEIGHT,
        )
        rows_out.append(row)
    largest = max((row.total for row in rows_out), default=0)
    for row in rows_out:
        x = 0.0
        for level in present:
            count = row.counts[level]
            if not count:
                continue
            width = round(100 * count / largest, 2)
            row.segments.append(
                Segment(
                    level=level,
                    label=Level(level).label,
                    count=count,
                    colour=LEVEL_COLOURS[level],
                    x=round(x, 2),
                    width=width,
                )
            )
            x += width
    return Chart(
        rows=rows_out,
        levels=[(level, Level(level).label, LEVEL_COLOURS[level]) for level in present],
        total=sum(row.total for row in rows_out),
        height=LEGEND_HEIGHT + ROW_HEIGHT * len(rows_out),
    )

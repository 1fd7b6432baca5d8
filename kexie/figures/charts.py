"""
Horizontal stacked bar charts, laid out here and drawn as inline SVG by a template.

One row per label, because rows grow downwards and stay legible on a narrow phone.
Positions are percentages of the SVG's width and text is sized in CSS pixels, so a
chart fills any screen without its text shrinking. Every segment carries a <title>,
and the template repeats the numbers in a table.
"""

from dataclasses import dataclass, field

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#882255",
    "#999999",
]
LEGEND_ROW_HEIGHT = 32
ROW_HEIGHT = 54
LABEL_BASELINE = 18
BAR_TOP = 24
BAR_HEIGHT = 20
# Three to a row: a six-character label (科研院所科协) and its swatch fit a third of a
# 390-pixel phone screen at 16px; four to a row overlapped there.
LEGEND_PER_ROW = 3


@dataclass
class Segment:
    key: str
    label: str
    count: int
    colour: str
    x: float = 0.0  # percent of the width
    width: float = 0.0


@dataclass
class Row:
    label: str
    counts: list  # one count per series, in series order, for the table
    top: int = 0
    segments: list = field(default_factory=list)

    @property
    def total(self):
        return sum(self.counts)

    @property
    def label_y(self):
        return self.top + LABEL_BASELINE

    @property
    def bar_y(self):
        return self.top + BAR_TOP


@dataclass
class Chart:
    rows: list
    series: list  # (label, colour)
    legend: list
    height: int
    bar_height: int = BAR_HEIGHT

    @property
    def total(self):
        return sum(row.total for row in self.rows)


def build_chart(rows, series, *, keep_empty=False):
    """``rows`` are (label, {series key: count}); ``series`` are (key, label) or
    (key, label, colour), in order.

    Rows without any count are left out, unless ``keep_empty`` (a time series, where a
    missing day would mislead); series that never occur are left out of the legend
    and the table. Series without a colour take the palette's in turn.
    """
    rows = [(label, counts) for label, counts in rows if keep_empty or any(counts.values())]
    series = [(key, label, *rest) for key, label, *rest in series]
    present = [(key, label) for key, label, *_c in series if any(c.get(key) for _l, c in rows)]
    given = {key: rest[0] for key, _label, *rest in series if rest}
    colours = {
        key: given.get(key, PALETTE[index % len(PALETTE)])
        for index, (key, _label) in enumerate(present)
    }
    legend_rows = (len(present) + LEGEND_PER_ROW - 1) // LEGEND_PER_ROW if len(present) > 1 else 0
    legend_height = legend_rows * LEGEND_ROW_HEIGHT
    step = 100 / LEGEND_PER_ROW
    legend = (
        [
            {
                "x": round((index % LEGEND_PER_ROW) * step, 2),
                "y": (index // LEGEND_PER_ROW) * LEGEND_ROW_HEIGHT,
                "label": label,
                "colour": colours[key],
            }
            for index, (key, label) in enumerate(present)
        ]
        if legend_rows
        else []
    )
    out = [
        Row(
            label=str(label),
            counts=[counts.get(key, 0) for key, _label in present],
            top=legend_height + index * ROW_HEIGHT,
        )
        for index, (label, counts) in enumerate(rows)
    ]
    largest = max((row.total for row in out), default=0)
    for row in out:
        x = 0.0
        for (key, label), count in zip(present, row.counts, strict=True):
            if not count:
                continue
            width = round(100 * count / largest, 2)
            row.segments.append(
                Segment(
                    key=str(key),
                    label=str(label),
                    count=count,
                    colour=colours[key],
                    x=round(x, 2),
                    width=width,
                )
            )
            x += width
    return Chart(
        rows=out,
        series=[(str(label), colours[key]) for key, label in present],
        legend=legend,
        height=legend_height + ROW_HEIGHT * len(out),
    )

"""
数说科协 (/statistics/): figures computed from the site's own data, never typed in.

Each app registers its blocks in its own ``figures.py`` (imported by KexieConfig.ready,
as the guard's registrations are), so this package never imports an app. A block is a
function of the selected year (or None for all years) that returns chart rows from one
aggregate query; staff choose which blocks are public (FigureBlock, in the admin).
Only counts are ever shown: no block may return personal data.
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Block:
    key: str
    title: Any
    row_heading: Any
    compute: Any  # (year or None) -> (rows, series); see charts.build_chart
    order: int
    by_year: bool
    note: Any = None  # how the block counts, shown under its heading


_blocks: dict[str, Block] = {}
_year_sources: list = []


def register(key, *, title, row_heading, order, by_year=False, note=None):
    """Register a block; ``by_year`` blocks are narrowed by the page's year selector."""

    def decorator(compute):
        _blocks[key] = Block(
            key=key,
            title=title,
            row_heading=row_heading,
            compute=compute,
            order=order,
            by_year=by_year,
            note=note,
        )
        return compute

    return decorator


def register_years(source):
    """``source()`` returns the years an app has figures for (one query)."""
    _year_sources.append(source)
    return source


def blocks():
    return sorted(_blocks.values(), key=lambda block: (block.order, block.key))


def get(key):
    return _blocks.get(key)


def public_blocks(choices):
    """The blocks to show, given {key: (is_public, position)} from FigureBlock rows."""
    shown = [block for block in blocks() if choices.get(block.key, (True, 0))[0]]
    return sorted(
        shown,
        key=lambda block: (choices.get(block.key, (True, block.order))[1], block.order, block.key),
    )


def sync_choices(model):
    """Give every registered block a row, so staff can switch it off in the admin."""
    existing = set(model.objects.values_list("key", flat=True))
    model.objects.bulk_create(
        [
            model(key=block.key, position=block.order)
            for block in blocks()
            if block.key not in existing
        ]
    )


def years():
    found = set()
    for source in _year_sources:
        found.update(year for year in source() if year)
    return sorted(found, reverse=True)

"""
Group entry: one award given to many recipients, pasted one per line.

``parse_group_lines`` reads and checks every line without writing anything;
``create_group_honours`` writes all of them in one transaction, or none.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from awards.models import Honour, RecipientKind, recipient_key_for
from organizations.models import Organization

MAX_LINES = 500
# The first comma (half- or full-width), enumeration comma, tab or run of spaces
# separates the name from the employer; the rest of the line is the employer.
SEPARATOR = re.compile(r"\s*[,，、\t]\s*|\s+")
# “马焱雷等9人”, “恩施州国硒冷水渔业等3家”: the first name and the group's size.
GROUP = re.compile(r"^(?P<name>.+?)等(?P<size>\d+)(?:人|家|个|名)?$")
NAME_MAX = Honour._meta.get_field("person_name").max_length
UNIT_MAX = Honour._meta.get_field("unit_name").max_length
EMPLOYER_MAX = Honour._meta.get_field("employer").max_length


@dataclass
class GroupLine:
    number: int
    text: str
    normalized: str = ""
    name: str = ""
    employer: str = ""
    group_size: int = 1
    organization: Organization | None = None
    key: str = ""
    errors: list = field(default_factory=list)


def _split_group(name, line):
    match = GROUP.match(name)
    if not match:
        return name
    size = int(match["size"])
    if not 2 <= size <= 10000:
        line.errors.append(_("A group size must be between 2 and 10000."))
    else:
        line.group_size = size
    return match["name"].strip()


def parse_group_lines(text, *, award, year=None):
    """Read pasted lines into GroupLine objects, each with its own errors (if any)."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        # NFKC folds full-width spaces and commas, so one pattern covers both.
        cleaned = unicodedata.normalize("NFKC", raw).strip()
        if cleaned:
            lines.append(GroupLine(number=number, text=raw.strip(), normalized=cleaned))
    if len(lines) > MAX_LINES:
        extra = GroupLine(number=0, text="")
        extra.errors.append(
            _("At most %(max)d lines can be entered at once; split the list.") % {"max": MAX_LINES}
        )
        return [extra]
    individual = award.recipient_kind == RecipientKind.INDIVIDUAL
    for line in lines:
        if individual:
            parts = SEPARATOR.split(line.normalized, maxsplit=1)
            name = parts[0]
            line.employer = parts[1].strip() if len(parts) > 1 else ""
            line.name = _split_group(name, line)
            if any(ch.isdigit() for ch in line.name):
                line.errors.append(_("A name cannot contain digits; check the separator."))
            if len(line.name) > NAME_MAX:
                line.errors.append(
                    _("A name can have at most %(max)d characters.") % {"max": NAME_MAX}
                )
            if len(line.employer) > EMPLOYER_MAX:
                line.errors.append(
                    _("An employer can have at most %(max)d characters.") % {"max": EMPLOYER_MAX}
                )
        else:
            # Unit names may contain spaces; the whole line is the unit.
            line.name = _split_group(line.normalized, line)
            if len(line.name) > UNIT_MAX:
                line.errors.append(
                    _("A unit name can have at most %(max)d characters.") % {"max": UNIT_MAX}
                )
    if not individual:
        _match_organizations(lines)
    _check_duplicates(lines, award=award, year=year, individual=individual)
    return lines


def _match_organizations(lines):
    """Link units to the directory when the name is exactly an organization's name or short name."""
    names = {line.name for line in lines if line.name}
    if not names:
        return
    candidates = {}
    for organization in Organization.objects.active().filter(
        Q(name__in=names) | Q(short_name__in=names)
    ):
        for name in {organization.name, organization.short_name} & names:
            candidates.setdefault(name, []).append(organization)
    for line in lines:
        found = candidates.get(line.name, [])
        if len(found) == 1:
            line.organization = found[0]


def _check_duplicates(lines, *, award, year, individual):
    seen = {}
    for line in lines:
        if not line.name:
            # A person has a 姓名, a unit a 名称: say which is missing.
            line.errors.append(
                _("The line has no full name.") if individual else _("The line has no name.")
            )
            continue
        if individual:
            line.key = recipient_key_for(person_name=line.name, employer=line.employer)
        else:
            line.key = recipient_key_for(
                organization_id=line.organization.pk if line.organization else None,
                unit_name=line.name,
            )
        if line.key in seen:
            line.errors.append(
                _("The same recipient is already on line %(line)d.") % {"line": seen[line.key]}
            )
        else:
            seen[line.key] = line.number
    if year is None:
        return
    recorded = set(
        Honour.objects.filter(award=award, year=year, recipient_key__in=seen).values_list(
            "recipient_key", flat=True
        )
    )
    for line in lines:
        if line.key in recorded:
            line.errors.append(_("This recipient already has this award for this year."))


@transaction.atomic
def create_group_honours(*, award, lines, year=None, county="", citation="", user=None):
    """Create one honour per line, all or nothing. Lines must have been parsed without errors."""
    if not lines or any(line.errors for line in lines):
        raise ValueError("Only a list of lines without errors can be saved.")
    individual = award.recipient_kind == RecipientKind.INDIVIDUAL
    created = []
    for line in lines:
        honour = Honour(
            award=award,
            year=year,
            county=county,
            citation=citation,
            group_size=line.group_size,
            created_by=user,
            updated_by=user,
        )
        if individual:
            honour.person_name = line.name
            honour.employer = line.employer
        else:
            honour.unit_name = line.name
            honour.organization = line.organization
        honour.full_clean()
        honour.save()
        created.append(honour)
    return created

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from awards.admin import HonourAdmin
from awards.models import Honour
from awards.services import MAX_LINES, create_group_honours, parse_group_lines
from organizations.models import Member, Organization
from tests.awards.factories import AwardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("line", "name", "employer"),
    [
        ("丛欣，恩施德源硒材料工程科技有限公司", "丛欣", "恩施德源硒材料工程科技有限公司"),
        ("丛欣,恩施德源", "丛欣", "恩施德源"),
        ("丛欣 , 恩施德源", "丛欣", "恩施德源"),
        ("丛欣、恩施德源", "丛欣", "恩施德源"),
        ("丛欣\t恩施德源", "丛欣", "恩施德源"),
        ("丛欣   恩施德源 研究所", "丛欣", "恩施德源 研究所"),
        ("丛欣\u3000恩施德源", "丛欣", "恩施德源"),
        ("  丛欣  ", "丛欣", ""),
    ],
)
def test_every_separator_splits_name_from_employer(line, name, employer):
    (parsed,) = parse_group_lines(line, award=AwardFactory())
    assert (parsed.name, parsed.employer, parsed.errors) == (name, employer, [])


def test_group_sizes_and_line_numbers_are_kept():
    parsed = parse_group_lines("\n马焱雷等9人，州科协\n\n游景茂等６人", award=AwardFactory())
    assert [(p.number, p.name, p.group_size, p.employer) for p in parsed] == [
        (2, "马焱雷", 9, "州科协"),
        (4, "游景茂", 6, ""),
    ]


def test_too_many_lines_are_refused_as_a_whole():
    text = "\n".join(f"人{chr(0x4E00 + n)}" for n in range(MAX_LINES + 1))
    (only,) = parse_group_lines(text, award=AwardFactory())
    assert only.errors


def test_create_refuses_lines_with_errors_before_writing():
    award = AwardFactory()
    lines = parse_group_lines("张三\n李四4", award=award)
    with pytest.raises(ValueError):
        create_group_honours(award=award, lines=lines)
    assert not Honour.objects.exists()


def test_a_line_that_fails_while_saving_leaves_nothing_written():
    # The lines were checked, then someone recorded 李四 before the confirm arrived:
    # the second save fails after the first has been written, and all must roll back.
    award = AwardFactory()
    lines = parse_group_lines("张三\n李四", award=award, year=2023)
    assert not any(line.errors for line in lines)
    earlier = create_group_honours(award=award, lines=[lines[1]], year=2023)
    with pytest.raises(ValidationError):
        create_group_honours(award=award, lines=lines, year=2023)
    assert list(Honour.objects.all()) == earlier


def test_member_and_organization_fields_use_autocomplete_once_their_admins_search():
    request = RequestFactory().get("/")
    bare = admin.AdminSite(name="bare")
    assert HonourAdmin(Honour, bare).get_autocomplete_fields(request) == ["award", "articles"]

    full = admin.AdminSite(name="full")
    full.register(Organization, search_fields=["name"])
    full.register(Member, search_fields=["name"])
    fields = HonourAdmin(Honour, full).get_autocomplete_fields(request)
    assert fields == ["award", "articles", "member", "organization"]

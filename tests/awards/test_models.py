import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from awards.charts import level_totals, year_chart
from awards.models import Honour, Level, recipient_key_for
from tests.awards.factories import (
    AwardFactory,
    HonourFactory,
    MemberFactory,
    OrganizationFactory,
    UnitHonourFactory,
)

pytestmark = pytest.mark.django_db


def test_recipient_key_folds_typing_variants_but_keeps_people_apart():
    plain = recipient_key_for(person_name="易美军", employer="巴东县易达协会")
    assert recipient_key_for(person_name="易 美军", employer="巴东县易达协会 ") == plain
    assert recipient_key_for(person_name="易　美军", employer="巴东县易达协会") == plain
    # Same name, different employer: two different people.
    assert recipient_key_for(person_name="易美军", employer="民大医院") != plain
    # Homophones are different people too.
    assert recipient_key_for(person_name="刘芳") != recipient_key_for(person_name="刘方")
    assert plain.startswith("p-yimeijun-")
    assert recipient_key_for(person_name="易美军", member_id=7, employer="x") == "m-7"
    assert recipient_key_for(organization_id=3, unit_name="鹤峰县科协") == "o-3"
    assert recipient_key_for(unit_name="恩施市航空路社区").startswith("u-")


def test_linked_member_and_organization_gather_honours_on_one_key():
    member = MemberFactory(name="吴双清", employer="私人单位", mobile="13900001234")
    first = HonourFactory(member=member, person_name="", year=2021)
    second = HonourFactory(member=member, person_name="吴双清", employer="别的单位", year=2022)
    assert first.person_name == "吴双清"
    assert first.recipient_key == second.recipient_key == f"m-{member.pk}"

    organization = OrganizationFactory(name="鹤峰县科学技术协会", county="hefeng")
    honour = UnitHonourFactory(organization=organization, unit_name="")
    assert honour.unit_name == "鹤峰县科学技术协会"
    assert honour.county == "hefeng"
    assert honour.recipient_key == f"o-{organization.pk}"


def test_database_refuses_an_honour_without_or_with_two_recipients():
    award = AwardFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(award=award, year=2022)
    with pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(award=award, person_name="张三", unit_name="某单位")
    with pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(award=award, person_name="张三", group_size=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(award=award, person_name="张三", year=1800)


def test_clean_explains_a_recipient_that_does_not_fit_the_award():
    person_award = AwardFactory()
    with pytest.raises(ValidationError) as error:
        Honour(award=person_award, unit_name="某单位").full_clean()
    assert "person_name" in error.value.message_dict
    unit_award = AwardFactory(for_units=True)
    with pytest.raises(ValidationError) as error:
        Honour(award=unit_award, person_name="张三").full_clean()
    assert "unit_name" in error.value.message_dict


def test_same_award_twice_in_a_year_is_refused_but_unknown_years_may_repeat():
    honour = HonourFactory(person_name="张三", year=2022)
    with pytest.raises(ValidationError):
        Honour(award=honour.award, person_name="张三", year=2022).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(award=honour.award, person_name="张三", year=2022)
    unit = UnitHonourFactory(unit_name="州科协", year=None)
    again = Honour(award=unit.award, unit_name="州科协", year=None)
    again.full_clean()
    again.save()
    assert Honour.objects.filter(award=unit.award, recipient_key=unit.recipient_key).count() == 2


def test_deleting_an_organization_keeps_its_honours_under_the_name():
    organization = OrganizationFactory(name="咸丰县科学技术协会")
    honour = UnitHonourFactory(organization=organization, unit_name="")
    organization.delete()
    honour.refresh_from_db()
    assert honour.organization is None
    assert honour.unit_name == "咸丰县科学技术协会"
    assert honour.organization_url() == ""


def test_for_organization_lists_only_that_organizations_honours_newest_first():
    organization = OrganizationFactory(name="宣恩县科学技术协会")
    older = UnitHonourFactory(organization=organization, year=2019)
    newer = UnitHonourFactory(organization=organization, year=2022)
    unknown = UnitHonourFactory(organization=organization, year=None)
    UnitHonourFactory(unit_name="别的单位")
    assert list(Honour.objects.for_organization(organization)) == [newer, older, unknown]


def test_ordering_is_year_then_level_from_national_down():
    county = HonourFactory(award=AwardFactory(level=Level.COUNTY), year=2022)
    national = HonourFactory(award=AwardFactory(level=Level.NATIONAL), year=2022)
    provincial = HonourFactory(award=AwardFactory(level=Level.PROVINCIAL), year=2022)
    old = HonourFactory(award=AwardFactory(level=Level.NATIONAL), year=2018)
    assert list(Honour.objects.for_list()) == [national, provincial, county, old]


def test_chart_layout_stacks_levels_and_scales_to_the_largest_year():
    rows = [
        (2022, "national", 2),
        (2022, "provincial", 6),
        (2021, "provincial", 4),
        (None, "national", 1),
    ]
    chart = year_chart(rows)
    assert [row.label for row in chart.rows] == ["2022", "2021", gettext("Year unknown")]
    assert [row.total for row in chart.rows] == [8, 4, 1]
    first = chart.rows[0].segments
    assert [(s.key, s.count, s.x, s.width) for s in first] == [
        ("national", 2, 0.0, 25.0),
        ("provincial", 6, 25.0, 75.0),
    ]
    assert [(s.key, s.x, s.width) for s in chart.rows[1].segments] == [("provincial", 0.0, 50.0)]
    assert [label for label, _colour in chart.series] == [
        Level.NATIONAL.label,
        Level.PROVINCIAL.label,
    ]
    assert chart.total == 13
    assert [(level, count) for level, _label, count in level_totals(rows)] == [
        ("national", 3),
        ("provincial", 10),
        ("prefecture", 0),
        ("county", 0),
    ]
    assert year_chart([]).rows == []

import datetime

import factory

from organizations.models import County, Member, Organization


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"恩施州第{n}学会")
    kind = Organization.Kind.SOCIETY
    county = County.PREFECTURE


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"会员{n}")
    organization = factory.SubFactory(OrganizationFactory)
    membership_number = factory.Sequence(lambda n: f"M{n:05d}")
    gender = Member.Gender.FEMALE
    joined_on = datetime.date(2020, 5, 1)
    employer = "恩施州中心医院"
    mobile = factory.Sequence(lambda n: f"1390000{n % 10000:04d}")
    email = factory.Sequence(lambda n: f"member{n}@example.com")
    status = Member.Status.ACTIVE

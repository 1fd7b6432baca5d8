import factory

from awards.models import Award, Honour, Level, RecipientKind
from organizations.models import Member, Organization


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试县科学技术协会{n}")
    kind = Organization.Kind.COUNTY


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"会员{n}")
    organization = factory.SubFactory(OrganizationFactory)
    membership_number = factory.Sequence(lambda n: f"M{n:05d}")


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    name = factory.Sequence(lambda n: f"科普先进工作者{n}")
    level = Level.PROVINCIAL
    conferring_body = "湖北省科协"
    recipient_kind = RecipientKind.INDIVIDUAL

    class Params:
        for_units = factory.Trait(recipient_kind=RecipientKind.UNIT)


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    award = factory.SubFactory(AwardFactory)
    year = 2022
    person_name = factory.Sequence(lambda n: f"获奖人{n}")


class UnitHonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    award = factory.SubFactory(AwardFactory, for_units=True)
    year = 2022
    unit_name = factory.Sequence(lambda n: f"获奖单位{n}")

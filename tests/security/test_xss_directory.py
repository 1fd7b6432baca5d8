"""The XSS corpus through the directory's and the honours' text fields, on every page showing them."""

import pytest
from django.urls import reverse

from awards.models import Award, Honour
from organizations.models import Member, Organization
from tests.awards.factories import AwardFactory, HonourFactory, UnitHonourFactory
from tests.organizations.factories import MemberFactory, OrganizationFactory
from tests.security.helpers import active_content
from tests.security.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

# Every value starts with a word the search page can find.
WORD = "恩施"


def _fit(model, field, payload):
    value = WORD + payload
    return value[: model._meta.get_field(field).max_length or None]


def _hostile_directory(payload):
    organization = OrganizationFactory(
        **{
            field: _fit(Organization, field, payload)
            for field in ["name", "short_name", "description", "address", "contact_person"]
        },
        public_phone=_fit(Organization, "public_phone", payload),
    )
    # Also past the model's sanitizer, as a defacer writing to the database would.
    Organization.objects.filter(pk=organization.pk).update(description=WORD + payload)
    organization.refresh_from_db()
    member = MemberFactory(
        organization=organization,
        **{
            field: _fit(Member, field, payload)
            for field in ["name", "employer", "title", "position"]
        },
    )
    award = AwardFactory(
        **{
            field: _fit(Award, field, payload)
            for field in ["name", "conferring_body", "description"]
        }
    )
    person = HonourFactory(
        award=award,
        **{
            field: _fit(Honour, field, payload) for field in ["person_name", "employer", "citation"]
        },
    )
    unit = UnitHonourFactory(
        organization=organization,
        unit_name=_fit(Honour, "unit_name", payload),
        citation=_fit(Honour, "citation", payload),
    )
    return organization, member, award, person, unit


def _pages(organization, member, award, person, unit):
    return {
        "directory": reverse("organizations:organization-list"),
        "organization": organization.get_absolute_url(),
        "honours": reverse("awards:honour-list"),
        "person's honours": person.get_absolute_url(),
        "unit's honours": unit.get_absolute_url(),
        "search": f"{reverse('search')}?q={WORD}",
        "admin organizations": reverse("admin:organizations_organization_changelist"),
        "admin organization": reverse(
            "admin:organizations_organization_change", args=[organization.pk]
        ),
        "admin members": reverse("admin:organizations_member_changelist"),
        "admin member": reverse("admin:organizations_member_change", args=[member.pk]),
        "admin awards": reverse("admin:awards_award_changelist"),
        "admin honours": reverse("admin:awards_honour_changelist"),
        "admin honour": reverse("admin:awards_honour_change", args=[person.pk]),
    }


def _render_all(client, objects):
    problems = {}
    for name, url in _pages(*objects).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found = active_content(response.text)
        if found:
            problems[name] = found
    return problems


def test_pages_without_payload_have_no_active_content(admin_client):
    assert _render_all(admin_client, _hostile_directory("学会")) == {}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_in_the_directory_and_honours(admin_client, payload):
    assert _render_all(admin_client, _hostile_directory(payload)) == {}

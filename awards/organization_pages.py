"""What awards adds to an organization's public page (see organizations/pages.py)."""

from awards.models import Honour
from organizations import pages


@pages.register
def honours(organization):
    return {"honours": Honour.objects.for_organization(organization)}

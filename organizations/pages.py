"""
What other apps add to an organization's public page.

Apps that build on the directory (news, awards …) register a function here instead of
the directory importing them, so the dependency runs one way only: they know about
organizations, organizations knows nothing of them. Each function takes the
organization and returns extra template context; the template decides where it shows.
"""

_contributions = []


def register(contribute):
    """``contribute(organization) -> dict`` of template context; usable as a decorator."""
    if contribute not in _contributions:
        _contributions.append(contribute)
    return contribute


def context_for(organization):
    context = {}
    for contribute in _contributions:
        context.update(contribute(organization))
    return context

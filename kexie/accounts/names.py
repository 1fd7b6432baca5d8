"""People's names for staff screens: 张小编, not bianji01."""

import re

from django.contrib import admin

CJK = re.compile(r"[\u3400-\u9fff]")


def display_name(user):
    """The person's name if the account has one, else its user name; "" for nobody.

    A Chinese name is written family name first with no space; the staff form
    keeps the whole 姓名 in ``first_name``, but names split over both fields
    (entered through Django's own user form) read right too.
    """
    if user is None:
        return ""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    if CJK.search(first + last):
        full = f"{last}{first}"
    else:
        full = f"{first} {last}".strip()
    return full or user.get_username()


def person_column(field, description):
    """An admin column (or read-only field) showing ``obj.<field>`` as a person's name."""

    @admin.display(description=description, ordering=f"{field}__first_name")
    def column(self, obj):
        return display_name(getattr(obj, field))

    return column

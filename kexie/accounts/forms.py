from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kexie import audit
from kexie.accounts.roles import CONTRIBUTOR
from kexie.models import AuditEntry, StaffProfile


class StaffCreationForm(UserCreationForm):
    """A new staff member in one form: name, user name, password, roles, organization."""

    full_name = forms.CharField(label=_("full name"), max_length=150)
    roles = forms.ModelMultipleChoiceField(
        label=_("roles"),
        queryset=Group.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A role lets the person sign in to the back office and do its work."),
        error_messages={"required": _("Choose at least one role.")},
    )
    organization = forms.ModelChoiceField(
        label=_("organization"),
        # The profile's own field, so shared code names no app's model.
        queryset=StaffProfile._meta.get_field("organization").related_model.objects.all(),
        required=False,
        help_text=_(
            "The organization this person works for, if it is not the association. "
            "Required for a 通讯员, who writes for this organization only."
        ),
    )

    class Meta(UserCreationForm.Meta):
        fields = ["full_name", "username"]

    def clean(self):
        cleaned = super().clean()
        chosen = {group.name for group in cleaned.get("roles") or []}
        if CONTRIBUTOR in chosen and not cleaned.get("organization"):
            self.add_error(
                "organization",
                _("A 通讯员 writes for one organization: choose it."),
            )
        return cleaned


class StaffChangeForm(UserChangeForm):
    """Django's account form, with the one 姓名 field the creation form fills."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "first_name" in self.fields:
            self.fields["first_name"].label = _("full name")


class KexieAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's sign-in form; a right password for an account that may not use
    the back office is a failed sign-in too, and goes in the audit log."""

    def confirm_login_allowed(self, user):
        try:
            super().confirm_login_allowed(user)
        except ValidationError:
            audit.record(
                action=AuditEntry.Action.LOGIN_FAILED,
                request=self.request,
                username=user.get_username(),
                details={"reason": "not_staff" if user.is_active else "inactive"},
            )
            raise

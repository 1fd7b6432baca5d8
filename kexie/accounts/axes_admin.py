"""
django-axes' lockout records in the admin, in Chinese.

Axes marks its field names for translation but ships no Chinese (our catalog
supplies it, see kexie/locale_overrides.py). Three things it hard-codes in
English cannot be reached through a catalog: the models' ``__str__`` (shown in
breadcrumbs, titles and delete confirmations, with a UTC time and
microseconds), the "Attempt Remaining" status built around a number, and the
clean-up message built with an f-string. Those are replaced here; everything
else is axes' own admin.
"""

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


def _when(moment):
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else ""


def _attempt_str(self):
    return _("Failed sign-ins of %(username)s from %(address)s, last at %(time)s") % {
        "username": self.username or "",
        "address": self.ip_address or "",
        "time": _when(self.attempt_time),
    }


def _failure_str(self):
    return _("Failed sign-in of %(username)s from %(address)s at %(time)s") % {
        "username": self.username or "",
        "address": self.ip_address or "",
        "time": _when(self.attempt_time),
    }


def _log_str(self):
    return _("Sign-in of %(username)s at %(time)s") % {
        "username": self.username or "",
        "time": _when(self.attempt_time),
    }


AccessAttempt.__str__ = _attempt_str
AccessFailureLog.__str__ = _failure_str
AccessLog.__str__ = _log_str


class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    actions = ["cleanup_expired_attempts"]

    @admin.display(description=gettext_lazy("status"))
    def status(self, obj):
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining > 0:
            return ngettext("%(count)d attempt left", "%(count)d attempts left", remaining) % {
                "count": remaining
            }
        return _("Locked out")

    @admin.action(description=gettext_lazy("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "Cleaned up %(count)d expired attempt.",
                "Cleaned up %(count)d expired attempts.",
                count,
            )
            % {"count": count},
        )


def register():
    for model, model_admin in [
        (AccessAttempt, AccessAttemptAdmin),
        (AccessLog, axes_admin.AccessLogAdmin),
        (AccessFailureLog, axes_admin.AccessFailureLogAdmin),
    ]:
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, model_admin)

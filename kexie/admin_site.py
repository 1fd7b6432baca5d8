"""
The admin site: every model admin registered on it refuses query-string lookups
its list filters do not offer.

Django lets a changelist be filtered by any lookup on the model's own fields
(``?title__regex=(.*?){8}ZZZ``, ``?body__regex=...``): a backtracking regular
expression can keep a core busy for as long as it likes, and a lookup on a
hidden field is an oracle for its values. The site is the one place every
``admin.register`` (ours and third-party apps') goes through, so the rule is
mixed in here rather than remembered in each ModelAdmin.
"""

from django.contrib import admin, messages
from django.contrib.admin.filters import FieldListFilter, ListFilter
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kexie.exports import FORMATS

NEVER_ALLOWED = frozenset({"regex", "iregex"})
NOT_LOOKUPS = frozenset({*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG})


class StrictLookupsMixin:
    """Filter a changelist only by what its list filters and date hierarchy offer."""

    def offered_lookups(self, request):
        cached = getattr(request, "_kexie_offered_lookups", {})
        if self in cached:
            return cached[self]
        offered = set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, ListFilter):
                # Simple filters read their own parameter and validate it.
                offered.add(getattr(item, "parameter_name", None))
                continue
            field_path, filter_class = item if isinstance(item, (tuple, list)) else (item, None)
            field = get_fields_from_path(self.model, field_path)[-1]
            if filter_class is None:
                spec = FieldListFilter.create(field, request, {}, self.model, self, field_path)
            else:
                spec = filter_class(field, request, {}, self.model, self, field_path=field_path)
            offered.update(spec.expected_parameters())
        if self.date_hierarchy:
            offered.update(f"{self.date_hierarchy}__{part}" for part in ("year", "month", "day"))
        offered.discard(None)
        cached[self] = offered
        request._kexie_offered_lookups = cached
        return offered

    def refused_lookups(self, request):
        asked = [key for key in request.GET if key not in NOT_LOOKUPS]
        if not asked:
            return []
        offered = getattr(self, "report_parameters", None) or self.offered_lookups(request)
        return [
            key for key in asked if key not in offered or NEVER_ALLOWED & set(key.split(LOOKUP_SEP))
        ]

    def lookup_allowed(self, lookup, value, request=None):
        if NEVER_ALLOWED & set(lookup.split(LOOKUP_SEP)):
            return False
        if request is not None and lookup not in self.offered_lookups(request):
            return False
        return super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        return self.refusal(request) or super().changelist_view(request, extra_context)

    def refusal(self, request):
        """A redirect without the refused lookups (and an audit entry), or None.

        Report pages that replace the changelist call this first; they list the
        parameters they read in ``report_parameters``.
        """
        refused = self.refused_lookups(request)
        if refused:
            from kexie import audit
            from kexie.models import AuditEntry

            audit.record(
                action=AuditEntry.Action.DENIED,
                request=request,
                target=f"{self.model._meta.label_lower} changelist",
                details={"event": "admin_lookup", "lookups": refused[:20]},
            )
            messages.error(
                request,
                _("This list cannot be filtered by %(lookups)s; use the filters offered.")
                % {"lookups": ", ".join(key[:60] for key in refused[:5])},
            )
            kept = [(key, value) for key, value in request.GET.items() if key not in refused]
            return HttpResponseRedirect(
                f"{request.path}?{urlencode(kept)}" if kept else request.path
            )
        return None


class ReportAdmin(StrictLookupsMixin, admin.ModelAdmin):
    """A report in place of a changelist (报送统计, 阅读统计): no row is listed, added,
    changed or deleted; only viewing is granted, by the model's view permission.

    The report reads its own parameters (``report_parameters``, set by each report)
    and never passes them to a changelist; any other parameter is refused as on
    every changelist.
    """

    report_parameters = frozenset()

    def get_queryset(self, request):
        # Nothing to open one by one: the report is the only view.
        return super().get_queryset(request).none()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def export_view(self, request, fmt):
        """The report as CSV or Excel: by POST only (a link or an image on another page
        cannot start a download), for those who may view it; ``export()`` builds it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request):
            raise PermissionDenied
        if fmt not in FORMATS:
            raise Http404
        return self.export(request, fmt)

    def export(self, request, fmt):
        raise NotImplementedError


class KexieAdminSite(admin.AdminSite):
    def each_context(self, request):
        context = super().each_context(request)
        # The header and title may be lazy (read from the site settings): read them once.
        for name in ("site_header", "site_title"):
            context[name] = str(context[name])
        return context

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, StrictLookupsMixin):
            admin_class = type(admin_class.__name__, (StrictLookupsMixin, admin_class), {})
            admin_class.__module__ = admin_class.__mro__[2].__module__
        super().register(model_or_iterable, admin_class, **options)

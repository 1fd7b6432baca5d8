import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from kexie import guard
from kexie.exports import ExportAdminMixin
from organizations import imports
from organizations.exports import MEMBER_COLUMNS, ORGANIZATION_COLUMNS, with_member_counts
from organizations.guard import GUARDED_FIELDS
from organizations.models import Member, Organization

EXPORT_PERMISSION = "organizations.export_member"
IMPORT_PERMISSION = "organizations.import_member"


class OrganizationAdminForm(guard.GuardedModelForm):
    class Meta:
        model = Organization
        # The admin lays out every field from its fieldsets (where the website
        # field gets https as its default scheme); these are what the form
        # needs on its own.
        fields = [name for name in GUARDED_FIELDS if name != "website"]


@admin.register(Organization)
class OrganizationAdmin(ExportAdminMixin, guard.GuardedAdminMixin, admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = [
        "name",
        "short_name",
        "kind",
        "county",
        "parent",
        "active_member_count",
        "order",
        "is_active",
    ]
    list_display_links = ["name"]
    list_editable = ["order", "is_active"]
    list_filter = ["kind", "county", "is_active", "discipline", "level"]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name", "slug"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["created_at", "updated_at"]
    ordering = ["kind", "order", "name"]
    show_full_result_count = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "kind", "parent", "county"]}),
        (
            _("Public contact details"),
            {"fields": ["address", "contact_person", "public_phone", "website"]},
        ),
        (_("Profile"), {"fields": ["founded_on", "description", "logo"]}),
        (
            _("By kind"),
            {
                "description": _("Fill in only what applies to this kind of organization."),
                "fields": ["party_guide", "discipline", "level", "host", "lead_expert"],
            },
        ),
        (_("Directory"), {"fields": ["order", "is_active"]}),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    export_columns = ORGANIZATION_COLUMNS
    export_permission = EXPORT_PERMISSION

    def get_queryset(self, request):
        return with_member_counts(super().get_queryset(request))

    def get_export_queryset(self, request, queryset):
        return queryset  # get_queryset() already counts the members

    @admin.display(description=_("active members"), ordering="active_member_count")
    def active_member_count(self, obj):
        return obj.active_member_count


class JoinedYearFilter(admin.SimpleListFilter):
    title = _("year joined")
    parameter_name = "joined_year"

    def lookups(self, request, model_admin):
        years = Member.objects.dates("joined_on", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        value = self.value()
        if not value or not value.isdigit() or not 1900 <= int(value) <= 2999:
            return queryset
        year = int(value)
        # A range, not __year, so the joined_on index is used.
        return queryset.filter(
            joined_on__gte=datetime.date(year, 1, 1), joined_on__lt=datetime.date(year + 1, 1, 1)
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet"), help_text=imports.FILE_HELP)


@admin.register(Member)
class MemberAdmin(ExportAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "membership_number",
        "organization",
        "gender",
        "status",
        "joined_on",
        "employer",
        "mobile",
    ]
    list_filter = [
        "status",
        "gender",
        "organization__kind",
        "organization__county",
        JoinedYearFilter,
        "organization",
    ]
    search_fields = ["name", "mobile", "employer", "membership_number"]
    search_help_text = _("Name, mobile phone, employer or membership number.")
    autocomplete_fields = ["organization"]
    list_select_related = ["organization"]
    list_per_page = 50
    # No COUNT(*) of the whole table next to every filtered count.
    show_full_result_count = False
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["organization", "membership_number", "name", "gender", "status"]}),
        (_("Personal data"), {"fields": ["birth_date", "mobile", "email"]}),
        (_("Work"), {"fields": ["employer", "title", "position", "joined_on"]}),
        (_("Notes"), {"fields": ["notes"]}),
        (_("Record"), {"classes": ["collapse"], "fields": ["created_at", "updated_at"]}),
    ]

    export_columns = MEMBER_COLUMNS
    export_permission = EXPORT_PERMISSION

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="organizations_member_import",
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"has_import_permission": self.has_import_permission(request)} | (
            extra_context or {}
        )
        return super().changelist_view(request, extra_context=extra_context)

    # --- Import: upload and preview, then confirm ------------------------------

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Import members"),
            "max_bytes": imports.MAX_IMPORT_BYTES,
            "max_rows": imports.MAX_IMPORT_ROWS,
            "columns": [str(column.header) for column in MEMBER_COLUMNS],
        }
        form = ImportForm()
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm_import(request, context)
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                uploaded = form.cleaned_data["file"]
                try:
                    upload = imports.read_upload(uploaded)
                except imports.ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    report = imports.preview_members(upload)
                    context |= {"report": report, "filename": uploaded.name}
                    if not report.problems:  # a file with problems can only be corrected
                        uploaded.seek(0)
                        stored = imports.DatabaseTempStorage(
                            user=request.user, filename=uploaded.name
                        )
                        stored.save(uploaded.read())
                        context["token"] = stored.name
        context["form"] = form
        return TemplateResponse(request, "admin/organizations/member/import.html", context)

    def _confirm_import(self, request, context):
        stored = imports.DatabaseTempStorage(user=request.user, name=request.POST.get("token", ""))
        again = HttpResponseRedirect(reverse("admin:organizations_member_import"))
        try:
            data = stored.read()
        except imports.PreviewUnavailable as error:
            messages.error(request, str(error))
            return again
        if not stored.remove():  # the same preview confirmed twice at once
            messages.error(request, gettext("This file has already been imported."))
            return again
        filename = stored.filename
        changelist = reverse("admin:organizations_member_changelist")
        try:
            upload = imports.read_upload(SimpleUploadedFile(filename, data))
            report = imports.import_members(request=request, upload=upload, filename=filename)
        except imports.ImportFileError as error:
            messages.error(request, str(error))
            return again
        except imports.ImportRejected as rejected:
            # Something changed since the preview (e.g. an organization was renamed).
            context |= {"report": rejected.report, "rejected": True, "filename": filename}
            context["form"] = ImportForm()
            return TemplateResponse(request, "admin/organizations/member/import.html", context)
        messages.success(
            request,
            ngettext(
                "Imported %(total)d row: %(new)d new, %(updated)d updated, "
                "%(unchanged)d unchanged.",
                "Imported %(total)d rows: %(new)d new, %(updated)d updated, "
                "%(unchanged)d unchanged.",
                report.total,
            )
            % {
                "total": report.total,
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        return HttpResponseRedirect(changelist)

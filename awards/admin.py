from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from awards.exports import HONOUR_COLUMNS
from awards.forms import GroupEntryForm
from awards.guard import AWARD_FIELDS, HONOUR_FIELDS
from awards.models import Award, Honour
from awards.services import create_group_honours
from kexie import guard
from kexie.accounts.privilege import record_refusal
from kexie.admin import StampedAdminMixin
from kexie.exports import ExportAdminMixin
from organizations.models import Member, Organization


class AwardAdminForm(guard.GuardedModelForm):
    class Meta:
        model = Award
        fields = AWARD_FIELDS


class HonourAdminForm(guard.GuardedModelForm):
    class Meta:
        model = Honour
        fields = HONOUR_FIELDS


@admin.register(Award)
class AwardAdmin(guard.GuardedAdminMixin, admin.ModelAdmin):
    form = AwardAdminForm
    list_display = ["name", "level", "conferring_body", "recipient_kind", "honours_link"]
    list_filter = ["level", "recipient_kind", "conferring_body"]
    search_fields = ["name", "conferring_body"]
    readonly_fields = ["created_at", "updated_at"]
    fields = [
        "name",
        "level",
        "conferring_body",
        "recipient_kind",
        "description",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(honour_count=Count("honours"))

    @admin.display(description=_("honours"), ordering="honour_count")
    def honours_link(self, award):
        url = reverse("admin:awards_honour_changelist")
        url = f"{url}?{urlencode({'award__id__exact': award.pk})}"
        return format_html('<a href="{}">{}</a>', url, award.honour_count)


@admin.register(Honour)
class HonourAdmin(ExportAdminMixin, guard.GuardedAdminMixin, StampedAdminMixin, admin.ModelAdmin):
    form = HonourAdminForm
    export_columns = HONOUR_COLUMNS
    export_permission = "awards.export_honour"
    change_list_template = "admin/awards/honour/change_list.html"
    list_display = [
        "recipient_display",
        "award",
        "award_level",
        "year",
        "group_size",
        "county",
        "public_link",
    ]
    list_filter = [
        "year",
        # Also what the award list's "honours" link filters by.
        ("award", admin.RelatedOnlyFieldListFilter),
        "award__level",
        "award__recipient_kind",
        "county",
        "award__conferring_body",
    ]
    list_select_related = ["award", "organization"]
    search_fields = [
        "person_name",
        "unit_name",
        "employer",
        "award__name",
        "organization__name",
        "organization__short_name",
    ]
    ordering = ["-year", "award__name", "id"]
    # Member and organization use autocomplete when the organizations admin offers
    # search (see get_autocomplete_fields); raw ids are the fallback until then.
    raw_id_fields = ["member", "organization"]
    readonly_fields = [
        "recipient_key",
        "created_at",
        "created_by_name",
        "updated_at",
        "updated_by_name",
    ]
    fieldsets = [
        (None, {"fields": ["award", "year"]}),
        (
            _("Recipient"),
            {
                "fields": [
                    "person_name",
                    "member",
                    "organization",
                    "unit_name",
                    "employer",
                    "county",
                    "group_size",
                ]
            },
        ),
        (_("Details"), {"fields": ["citation", "photo", "articles"]}),
        (
            _("Record"),
            {
                "fields": [
                    "recipient_key",
                    "created_at",
                    "created_by_name",
                    "updated_at",
                    "updated_by_name",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    def may_choose_members(self, request):
        # The member widget shows the chosen member's name and number: only for
        # those who may read the member list anyway.
        return request.user.has_perm("organizations.view_member")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.may_choose_members(request):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "member"]})
            for name, options in fieldsets
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and request.POST.get("member"):
            if not self.may_choose_members(request):
                # Not in the form, so ignored; recorded, as someone tried.
                record_refusal(
                    event="member_choice",
                    target=f"honour #{object_id}" if object_id else "new honour",
                    request=request,
                    member=request.POST.get("member")[:20],
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_autocomplete_fields(self, request):
        fields = ["award", "articles"]
        for name, model in (("member", Member), ("organization", Organization)):
            target = self.admin_site._registry.get(model)
            if target is not None and target.get_search_fields(request):
                fields.append(name)
        return fields

    @admin.display(description=_("recipient"), ordering="person_name")
    def recipient_display(self, honour):
        if honour.group_size > 1:
            return f"{honour.recipient_name}（{honour.group_size}）"
        return honour.recipient_name

    @admin.display(description=_("level"), ordering="award__level")
    def award_level(self, honour):
        return honour.award.get_level_display()

    @admin.display(description=_("public page"))
    def public_link(self, honour):
        return format_html('<a href="{}">{}</a>', honour.get_absolute_url(), _("View"))

    def get_urls(self):
        own = [
            path(
                "group-entry/",
                self.admin_site.admin_view(self.group_entry_view),
                name="awards_honour_group_entry",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_group_entry": self.has_add_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    def group_entry_view(self, request):
        """Paste one award's recipients, preview every line, then create them all at once."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = GroupEntryForm(request.POST or None)
        confirmed = "_confirm" in request.POST
        if request.method == "POST" and form.is_valid() and not form.has_line_errors and confirmed:
            data = form.cleaned_data
            created = create_group_honours(
                award=data["award"],
                lines=form.parsed_lines,
                year=data["year"],
                county=data["county"],
                citation=data["citation"],
                user=request.user,
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d honour was created.", "%(count)d honours were created.", len(created)
                )
                % {"count": len(created)},
                messages.SUCCESS,
            )
            url = reverse("admin:awards_honour_changelist")
            query = urlencode({"award__id__exact": data["award"].pk})
            return HttpResponseRedirect(f"{url}?{query}")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Group entry"),
            "form": form,
            "lines": form.parsed_lines if form.is_bound and form.is_valid() else [],
            "can_confirm": form.is_bound
            and form.is_valid()
            and not form.has_line_errors
            and bool(form.parsed_lines),
            "refused": confirmed,
        }
        return TemplateResponse(request, "admin/awards/honour/group_entry.html", context)

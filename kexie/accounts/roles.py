"""
The staff roles as data: group name -> exact permissions (README, "Roles and review").

``sync_roles`` makes the groups hold exactly these permissions. Migrations call
it (kexie 0002 onwards); when an app adds permissions a role needs, add them
here and add a migration that runs ``sync_roles`` again after that app's
migration, so existing sites get them too.
"""

from django.contrib.auth.management import create_permissions

CONTRIBUTOR = "通讯员"
EDITOR = "编辑"
REVIEWER = "审核"
SITE_ADMIN = "站点管理员"


def _crud(app_label, model, actions=("add", "change", "delete", "view")):
    return {f"{app_label}.{action}_{model}" for action in actions}


EDITOR_PERMISSIONS = frozenset(
    {
        *_crud("news", "article", ("add", "change", "view")),
        # Delete too: an editor must be able to remove a wrongly attached file.
        *_crud("news", "attachment"),
        "news.submit_article",
        "news.view_category",
        # The review history on the article page carries the reviewer's reason
        # for sending an article back; its editor has to read it.
        "news.view_articleevent",
        # 阅读统计: which articles are read (counts only, no personal data).
        "news.view_readingstatistics",
        # Recording honours is everyday editorial work; honours are not review-gated.
        *_crud("awards", "award", ("add", "change", "view")),
        *_crud("awards", "honour", ("add", "change", "view")),
        "organizations.view_organization",
        # 报送统计: who sent in what, and what was accepted (news.submission_stats).
        "news.view_submissionstatistics",
    }
)

# 信息报送: a county association's or society's correspondent writes and submits
# articles for its own organization only (the scope is enforced in news.services
# and the article admin, from StaffProfile.organization); never publishes.
CONTRIBUTOR_PERMISSIONS = frozenset(
    {
        *_crud("news", "article", ("add", "change", "view")),
        *_crud("news", "attachment"),
        "news.submit_article",
        "news.view_category",
        "news.view_articleevent",
    }
)

REVIEWER_PERMISSIONS = EDITOR_PERMISSIONS | {"news.publish_article"}

SITE_ADMIN_PERMISSIONS = frozenset(
    {
        *_crud("auth", "user"),
        *_crud("auth", "group"),
        *_crud("organizations", "organization"),
        *_crud("organizations", "member"),
        "organizations.export_member",
        "organizations.import_member",
        *_crud("news", "category"),
        "news.view_readingstatistics",
        *_crud("awards", "award"),
        *_crud("awards", "honour"),
        "awards.export_honour",
        "news.view_submissionstatistics",
        *_crud("kexie", "bannedterm"),
        "kexie.view_auditentry",
        # Which blocks of 数说科协 are public.
        *_crud("kexie", "figureblock", ("change", "view")),
        # Lockouts: look at them and unlock (delete the attempt record).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        # The site's official face: settings (one row, never added or deleted), links, pages.
        "pages.view_sitesettings",
        "pages.change_sitesettings",
        *_crud("pages", "friendlink"),
        *_crud("pages", "page"),
    }
)

ROLES = {
    CONTRIBUTOR: CONTRIBUTOR_PERMISSIONS,
    EDITOR: EDITOR_PERMISSIONS,
    REVIEWER: REVIEWER_PERMISSIONS,
    SITE_ADMIN: SITE_ADMIN_PERMISSIONS,
}


def sync_roles(apps, schema_editor=None, roles=None):
    """Create missing permissions, then give each group exactly its role's permissions.

    Works with the historical ``apps`` of a migration. Permissions of models
    that do not exist yet at that point of the migration graph are skipped; the
    migration that adds the model runs this again.
    """
    roles = ROLES if roles is None else roles
    for app_config in apps.get_app_configs():
        # Historical app configs carry no models module; create_permissions
        # skips apps without one.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = set().union(*roles.values())
    by_key = {}
    for permission in Permission.objects.select_related("content_type"):
        key = f"{permission.content_type.app_label}.{permission.codename}"
        if key in wanted:
            by_key[key] = permission
    for name, keys in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([by_key[key] for key in sorted(keys) if key in by_key])

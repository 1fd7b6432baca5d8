"""
Permission names in Chinese.

Django stores a permission's name in the database once, in English ("Can add
article"), when ``migrate`` creates it; the group and user forms list those
stored names. After each app's permissions are created (post_migrate, which
``migrate`` sends for every app, including models added later), this renames
them to what the Chinese catalog says, so new models are covered without a
migration of their own.
"""

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext as _

DEFAULT_NAMES = {
    "add": lambda name: _("Can add %(name)s") % {"name": name},
    "change": lambda name: _("Can change %(name)s") % {"name": name},
    "delete": lambda name: _("Can delete %(name)s") % {"name": name},
    "view": lambda name: _("Can view %(name)s") % {"name": name},
}


def chinese_names(model):
    """codename -> the permission's name in the site's language."""
    opts = model._meta
    names = {
        f"{action}_{opts.model_name}": make(str(opts.verbose_name))
        for action, make in DEFAULT_NAMES.items()
        if action in opts.default_permissions
    }
    names.update({codename: str(name) for codename, name in opts.permissions})
    return names


def translate_permission_names(app_config=None, using="default", apps=None, **kwargs):
    if app_config is None or app_config.models_module is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        for model in app_config.get_models():
            content_type = ContentType.objects.db_manager(using).get_for_model(
                model, for_concrete_model=False
            )
            for codename, name in chinese_names(model).items():
                Permission.objects.using(using).filter(
                    content_type=content_type, codename=codename
                ).exclude(name=name[:255]).update(name=name[:255])

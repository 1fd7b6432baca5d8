"""
Readable URL names for Chinese titles.

Django's ``slugify`` keeps only ASCII, so "恩施州茶叶学会" would become "".
We spell Chinese in pinyin first ("enshizhou-chaye-xuehui" style) and make the
result unique within the model by appending a number.
"""

from django.utils.text import slugify


def pinyin_slug(text, max_length=50):
    # Imported here: pypinyin's dictionaries take ~58 MiB, needed only when saving.
    from pypinyin import lazy_pinyin

    words = lazy_pinyin(text or "", errors="default")
    slug = slugify("-".join(words))[:max_length].strip("-")
    return slug


def unique_slug(instance, text, *, field="slug", max_length=50):
    base = pinyin_slug(text, max_length - 4) or instance._meta.model_name
    model = type(instance)
    existing = model._default_manager.exclude(pk=instance.pk)
    slug, number = base, 2
    while existing.filter(**{field: slug}).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug

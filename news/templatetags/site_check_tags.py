from django import template

from news import site_check
from news.models import submission_scope

register = template.Library()

# Who keeps the site in shape: those who may change articles or categories.
CHECKERS = ("news.change_article", "news.change_category")


@register.simple_tag(takes_context=True)
def site_check_report(context):
    user = context["request"].user
    if not any(user.has_perm(perm) for perm in CHECKERS):
        return None
    if submission_scope(user) is not None:
        return None  # a 通讯员 looks after their own submissions, not the whole site

    findings = site_check.run()
    return {"count": len(findings), "groups": site_check.grouped(findings)}

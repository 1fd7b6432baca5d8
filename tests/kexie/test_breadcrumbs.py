from django.template import Context, Template
from django.urls import reverse


def render(source, **context):
    return Template("{% load kexie %}" + source).render(Context(context))


def test_the_trail_starts_at_home_links_its_crumbs_and_escapes_them():
    html = render(
        '{% breadcrumbs %}{% crumb url parent %}{% crumb "" name %}{% endbreadcrumbs %}',
        url="/organizations/",
        parent="<b>上级</b>",
        name="<script>x</script>",
    )
    assert html.startswith('<nav class="breadcrumbs" aria-label="')
    assert f'<a href="{reverse("home")}">首页</a>' in html
    assert ' › <a href="/organizations/">&lt;b&gt;上级&lt;/b&gt;</a>' in html
    assert html.endswith(" › <span>&lt;script&gt;x&lt;/script&gt;</span></nav>")


def test_public_pages_use_the_one_trail(client, db):
    page = client.get(reverse("search")).text
    assert '<nav class="breadcrumbs"' in page
    assert "› <span>搜索</span></nav>" in page

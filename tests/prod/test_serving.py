"""What nginx serves in front of the two app servers: media, static files, attachments."""

import re
import uuid
from urllib.parse import urlsplit

from tests.prod.stack import app_server, manage_shell, site

PUBLIC_PAGES = ["/", "/news/", "/organizations/", "/honours/"]


def local_path(url, env):
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != urlsplit(env["PROD_SITE_URL"]).netloc:
        return None  # pictures hosted elsewhere (old articles) are not ours to test
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_every_demo_image_answers_through_nginx_with_an_image_type(stack):
    client = site(stack)
    pages = list(PUBLIC_PAGES)
    home = client.get("/").text
    pages += sorted(set(re.findall(r'href="(/news/\d+\.html)"', home)))[:8]
    images = set()
    for page in pages:
        response = client.get(page)
        assert response.status == 200, page
        for src in re.findall(r'<img[^>]+src="([^"]+)"', response.text):
            path = local_path(src.replace("&amp;", "&"), stack)
            if path:
                images.add(path)
    assert any(path.startswith("/media/") for path in images), "the demo shows no media image"
    for path in sorted(images):
        response = client.get(path)
        assert response.status == 200, path
        assert response.header("content-type").startswith("image/"), path
        assert response.header("x-content-type-options") == "nosniff", path


def test_hashed_static_files_are_cached_for_a_year_and_compressed(stack):
    client = site(stack)
    home = client.get("/").text
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', home)
    assert assets, "no hashed static file on the home page"
    for path in assets:
        response = client.get(path, gzip_ok=True)
        assert response.status == 200, path
        assert "max-age=31536000" in response.header("cache-control"), path
        assert "immutable" in response.header("cache-control"), path
        assert response.header("content-encoding") == "gzip", path


def test_html_is_gzipped(stack):
    response = site(stack).get(f"/news/?fresh={uuid.uuid4().hex}", gzip_ok=True)
    assert response.status == 200
    assert response.header("content-encoding") == "gzip"
    assert "</html>" in response.text


def test_the_site_is_https_with_hsts_and_secure_cookies(stack):
    client = site(stack)
    response = client.get("/admin/login/")
    assert response.status == 200
    assert "max-age=" in response.header("strict-transport-security")
    assert "secure" in response.header("set-cookie").lower()


ATTACHMENTS_CODE = """
import json
from django.core.files.base import ContentFile
from news.models import Article, Attachment, Category
draft = Article.objects.create(
    title="未发布的内部通知{token}", category=Category.objects.first(), body="<p>草稿</p>",
    status=Article.Status.DRAFT,
)
secret = Attachment(article=draft, title="内部名单")
secret.file.save("名单.pdf", ContentFile(b"%PDF-1.4 draft {token} %%EOF"), save=False)
secret.save()
public = Attachment.objects.filter(article__in=Article.objects.published()).first()
with public.file.open("rb") as handle:
    public_bytes = handle.read()
print(json.dumps({{
    "draft_pk": secret.pk, "draft_name": secret.file.name,
    "public_pk": public.pk, "public_name": public.file.name,
    "public_size": len(public_bytes), "public_head": public_bytes[:16].hex(),
}}))
"""


def test_an_unpublished_articles_attachment_is_not_readable_a_published_one_is(stack):
    facts = manage_shell(stack, ATTACHMENTS_CODE.format(token=uuid.uuid4().hex[:8]))
    client = site(stack)
    # By its storage address: never, published or not.
    for name in (facts["draft_name"], facts["public_name"]):
        assert client.get(f"/media/{name}").status == 404, name
    # Through the download view: the draft's is refused to the public ...
    assert client.get(f"/news/attachments/{facts['draft_pk']}/").status == 404
    # ... the published one's is delivered, by nginx after the view's check.
    response = client.get(f"/news/attachments/{facts['public_pk']}/")
    assert response.status == 200
    assert len(response.body) == facts["public_size"]
    assert response.body[:16].hex() == facts["public_head"]
    assert "attachment" in response.header("content-disposition")
    assert "x-accel-redirect" not in response.headers  # nginx consumed it

    # The app server answers with the internal redirect instead of the bytes.
    direct = app_server(stack, 1).get(f"/news/attachments/{facts['public_pk']}/")
    assert direct.status == 200
    assert direct.header("x-accel-redirect") == (
        stack["KEXIE_ACCEL_REDIRECT_PREFIX"] + facts["public_name"]
    )
    assert direct.body == b""


PENDING_CODE = """
import json
from news.models import Article, Category
article = Article.objects.create(
    title="跨服务器发布测试{token}", category=Category.objects.first(),
    body="<p>两台应用服务器共享数据库与缓存。</p>", status=Article.Status.PENDING,
)
print(json.dumps(article.pk))
"""


def test_publish_through_one_app_server_and_the_other_shows_it_at_once(stack, make_stack_staff):
    token = uuid.uuid4().hex[:8]
    pk = manage_shell(stack, PENDING_CODE.format(token=token))
    title = f"跨服务器发布测试{token}"
    second = app_server(stack, 2)
    # Warm the second server's pages (and any cache it keeps) before publishing.
    assert title not in second.get("/news/").text
    assert second.get(f"/news/{pk}.html").status == 404

    username, password = make_stack_staff(f"publisher{token}", superuser=True)
    first = app_server(stack, 1)
    assert first.sign_in(username, password).status == 302
    changelist = "/admin/news/article/"
    token_value = first.csrf_token(changelist)
    response = first.post_form(
        changelist,
        {
            "csrfmiddlewaretoken": token_value,
            "action": "publish_selected",
            "_selected_action": str(pk),
            "index": "0",
        },
    )
    assert response.status == 302, response.text[:500]

    assert title in second.get("/news/").text
    assert second.get(f"/news/{pk}.html").status == 200
    assert title in site(stack).get(f"/news/{pk}.html").text


def test_a_session_made_on_one_app_server_works_on_the_other(stack, make_stack_staff):
    username, password = make_stack_staff(f"roamer{uuid.uuid4().hex[:6]}", superuser=True)
    first = app_server(stack, 1)
    assert first.sign_in(username, password).status == 302
    second = app_server(stack, 2, cookies=dict(first.cookies))
    dashboard = second.get("/admin/")
    assert dashboard.status == 200
    assert username in dashboard.text
    # And back: the session renewed on the second server is valid on the first.
    first.cookies.update(second.cookies)
    assert first.get("/admin/").status == 200


def test_the_micro_cache_serves_anonymous_pages_but_never_signed_in_ones(stack):
    path = f"/news/?micro={uuid.uuid4().hex}"
    anonymous = site(stack)
    assert anonymous.get(path).header("x-micro-cache") == "MISS"
    # Cached for one second: at least one of a few quick repeats is a hit.
    assert "HIT" in {anonymous.get(path).header("x-micro-cache") for _ in range(3)}
    signed_in = site(stack, cookies={"sessionid": "any-session"})
    assert signed_in.get(path).header("x-micro-cache") == "BYPASS"
    assert site(stack).get("/admin/login/").header("x-micro-cache") in {"BYPASS", ""}

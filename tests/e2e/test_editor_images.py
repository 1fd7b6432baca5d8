"""Pictures from the editor: they keep their shape on a phone and a desktop, and a pasted
picture (a data: URI, as WeChat and Word hand it over) is uploaded or refused aloud."""

import base64
import re
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from playwright.sync_api import expect

from news import services
from news.models import Article
from pages.models import Page
from tests.e2e.conftest import DESKTOP, PHONE, save_screenshot
from tests.news.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR_PERMS = [
    "news.view_article", "news.add_article", "news.change_article", "news.submit_article",
    "news.view_category", "news.add_attachment", "news.change_attachment", "news.view_attachment",
]  # fmt: skip

# Every rendered picture's width/height against its file's (1 pixel of rounding allowed).
RATIOS = """(selector) => Array.from(document.querySelectorAll(selector)).map((img) => ({
  rendered: img.getBoundingClientRect().width / img.getBoundingClientRect().height,
  natural: img.naturalWidth / img.naturalHeight,
  width: img.getBoundingClientRect().width,
  height: img.getBoundingClientRect().height,
}))"""


def png(size=(1200, 675), color=(30, 90, 160)):
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _assert_shapes_kept(page, selector):
    shapes = page.evaluate(RATIOS, selector)
    assert shapes, f"no picture found for {selector}"
    for shape in shapes:
        assert shape["width"] <= page.viewport_size["width"]
        assert abs(shape["rendered"] - shape["natural"]) * shape["height"] <= 1.5, shape


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_pictures_keep_their_aspect_ratio(page, site, viewport):
    name = default_storage.save("editor/2026/12/meeting.png", ContentFile(png()))
    url = default_storage.url(name)
    # Stored as the old editor stored it: a fixed height beside the width. Written past the
    # model (as old rows are), so only the render-time sanitizing and the CSS stand between.
    # Old rows are loaded in bulk and then approved (services.approve_loaded): the public
    # pages serve only approved content.
    legacy = f'<p><img alt="会场" src="{url}" style="height:675px;width:1200px" height="675"></p>'
    article = ArticleFactory(title="图片比例")
    loaded = Article.objects.filter(pk=article.pk)
    loaded.update(body=legacy, approved_digests={}, approved_fingerprint="")
    assert services.approve_loaded(loaded) == 1
    about = Page.objects.create(title="图片页", slug="tu-pian", is_published=True)
    Page.objects.filter(pk=about.pk).update(body=legacy)

    page.set_viewport_size(viewport)
    for path in (article.get_absolute_url(), about.get_absolute_url()):
        page.goto(site + path)
        page.wait_for_function("document.querySelector('.article-body img').complete")
        _assert_shapes_kept(page, ".article-body img")
    # The site's CSS alone holds the shape too, whatever height an inline style forces.
    page.evaluate(
        "document.querySelectorAll('.article-body img')"
        ".forEach((img) => img.setAttribute('style', 'height:675px;width:1200px'))"
    )
    _assert_shapes_kept(page, ".article-body img")


def _open_editor(page, site, login, make_staff):
    login(make_staff(*EDITOR_PERMS, username="editor"))
    page.goto(f"{site}/admin/news/article/add/")
    page.wait_for_function(
        "window.CKEDITOR && CKEDITOR.instances.id_body"
        " && CKEDITOR.instances.id_body.status === 'ready'"
    )
    page.fill("#id_title", "粘贴图片的稿件")
    page.click("#id_category + .select2 .select2-selection")
    page.fill(".select2-search__field", "新闻资讯")
    page.click(".select2-results__option:has-text('新闻资讯')")


def _paste(page, html):
    page.evaluate("(html) => CKEDITOR.instances.id_body.execCommand('paste', html)", html)


def _data_uri(content):
    return "data:image/png;base64," + base64.b64encode(content).decode()


def test_a_pasted_picture_is_uploaded_through_the_checks(page, site, login, make_staff):
    _open_editor(page, site, login, make_staff)
    _paste(page, f'<p style="text-indent:2em">会场</p><p><img src="{_data_uri(png())}"></p>')
    frame = page.frame_locator("iframe.cke_wysiwyg_frame")
    # While the upload runs, the picture is a widget with its own drag handle (an <img> too,
    # the editor's chrome): a bare "img" would match both and fail at once in strict mode.
    picture = frame.locator("img:not([data-cke-widget-drag-handler])")
    expect(picture).to_have_attribute("src", re.compile(r"/media/editor/.+\.png$"))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    article = Article.objects.get(title="粘贴图片的稿件")
    assert re.search(r'<img[^>]+src="/media/editor/[^"]+\.png"', article.body)
    assert 'style="text-indent:2em"' in article.body
    assert "data:" not in article.body


def test_a_pasted_picture_that_fails_the_checks_is_refused_aloud(page, site, login, make_staff):
    _open_editor(page, site, login, make_staff)
    polyglot = png((40, 30)) + b"<script>alert(1)</script>"
    _paste(page, f'<p>正文</p><p><img src="{_data_uri(polyglot)}"></p>')
    # The editor's upload says why, in Chinese, where the editor is looking.
    expect(page.locator(".cke_notification_warning")).to_contain_text("网页或脚本代码")
    save_screenshot(page, "editor-paste-refused")


def test_a_data_picture_that_reaches_the_server_is_refused_with_a_message(
    page, site, login, make_staff
):
    _open_editor(page, site, login, make_staff)
    polyglot = png((40, 30)) + b"<script>alert(1)</script>"
    # As if the editor's own upload never ran (an old browser, a script): the server decides.
    page.evaluate(
        "(html) => CKEDITOR.instances.id_body.setData(html)",
        f'<p>正文保留</p><p><img src="{_data_uri(polyglot)}"></p>',
    )
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("粘贴的第 1 张图片未被接受")
    assert not Article.objects.filter(title="粘贴图片的稿件").exists()
    frame = page.frame_locator("iframe.cke_wysiwyg_frame")
    expect(frame.locator("body")).to_contain_text("正文保留")

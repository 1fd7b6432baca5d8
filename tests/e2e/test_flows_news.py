"""Staff and reader flows around news, clicked through in a real browser."""

import datetime
import re
from io import BytesIO
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from news.models import Article, Category
from tests.news.factories import ArticleFactory, AttachmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR_PERMS = [
    "news.view_article", "news.add_article", "news.change_article", "news.submit_article",
    "news.view_category", "news.add_attachment", "news.change_attachment", "news.view_attachment",
]  # fmt: skip
REVIEWER_PERMS = [*EDITOR_PERMS, "news.publish_article", "news.view_articleevent"]


def png_file(tmp_path, name="photo.png"):
    path = tmp_path / name
    Image.new("RGB", (320, 200), (20, 120, 60)).save(path, "PNG")
    return path


def test_editor_writes_in_the_editor_and_submits_for_review(
    page, site, login, make_staff, tmp_path
):
    login(make_staff(*EDITOR_PERMS, username="editor"))
    page.goto(f"{site}/admin/news/article/add/")
    page.fill("#id_title", "浏览器里写的稿件")

    page.click("#id_category + .select2 .select2-selection")
    page.fill(".select2-search__field", "新闻资讯")
    page.click(".select2-results__option:has-text('新闻资讯')")

    frame = page.frame_locator("iframe.cke_wysiwyg_frame")
    frame.locator("body").click()
    page.keyboard.type("坚持思想政治引领")
    page.click(".cke_combo__format .cke_combo_button")
    page.frame_locator("iframe.cke_panel_frame").locator("a[title='标题 2']").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("五年来，全州各级科协组织团结奋进。")

    page.click("a.cke_button__image")
    page.click("a.cke_dialog_tab:has-text('上传')")
    dialog_upload = page.frame_locator("iframe.cke_dialog_ui_input_file")
    dialog_upload.locator("input[type=file]").set_input_files(png_file(tmp_path))
    page.click("a.cke_dialog_ui_fileButton")
    url_field = page.locator(".cke_dialog_ui_input_text input").first
    expect(url_field).to_have_value(re.compile(r"/media/editor/.+\.png$"))
    page.click("a.cke_dialog_ui_button_ok")
    expect(frame.locator("img")).to_have_count(1)

    pdf = tmp_path / "活动方案.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.set_input_files("#id_attachments-0-file", pdf)
    page.fill("#id_attachments-0-title", "活动方案")

    page.click("button[name=_transition][value=submit]")
    expect(page.locator(".messagelist")).to_contain_text("已提交审核")

    article = Article.objects.get(title="浏览器里写的稿件")
    assert article.status == Article.Status.PENDING
    assert "<h2>坚持思想政治引领</h2>" in article.body
    assert re.search(r'<img[^>]+src="/media/editor/[^"]+\.png"', article.body)
    assert article.attachments.get().original_name == "活动方案.pdf"
    assert page.request.get(f"{site}/news/{article.pk}.html").status == 404


def test_reviewer_previews_and_publishes_then_readers_see_it(page, site, login, make_staff):
    image = BytesIO()
    Image.new("RGB", (300, 200), (200, 80, 20)).save(image, "PNG")
    image_name = default_storage.save(
        "editor/2026/11/test-photo.png", ContentFile(image.getvalue())
    )
    article = ArticleFactory(
        pending=True,
        title="等待审核的图片新闻",
        category=Category.objects.get(slug="news"),
        body=f'<p>科普大篷车开进校园。</p><p><img alt="现场" src="/media/{image_name}"></p>',
    )
    AttachmentFactory(article=article, title="活动方案")

    login(make_staff(*REVIEWER_PERMS, username="reviewer"))
    page.click("#waiting-for-review a:has-text('等待审核的图片新闻')")
    preview_href = page.locator("a.viewsitelink").get_attribute("href")
    page.goto(site + preview_href)
    expect(page.locator("h1")).to_have_text("等待审核的图片新闻")
    expect(page.locator(".preview-banner")).to_be_visible()
    page.go_back()
    page.click("button[name=_transition][value=publish]")
    expect(page.locator(".messagelist")).to_contain_text("已发布")

    page.goto(f"{site}/news/{article.pk}.html")
    expect(page.locator("h1")).to_have_text("等待审核的图片新闻")
    assert page.locator(".article-body img").evaluate("img => img.naturalWidth") == 300
    counter = page.locator("[data-view-count]")
    expect(counter).to_have_text("1")  # site.js counted this reading and shows the total
    with page.expect_download() as download:
        page.click(".attachments a:has-text('活动方案')")
    assert download.value.suggested_filename == "方案.pdf"
    page.reload()
    expect(counter).to_have_text("2")  # the counter counted the reload
    article.refresh_from_db()
    assert article.view_count == 2


def test_scheduled_article_appears_when_its_minute_comes(page, site, login, make_staff):
    article = ArticleFactory(
        pending=True, title="一分钟后发布的稿件", category=Category.objects.get(slug="news")
    )
    login(make_staff(*REVIEWER_PERMS, username="reviewer"))
    page.goto(f"{site}/admin/news/article/{article.pk}/change/")
    when = timezone.localtime() + datetime.timedelta(minutes=1)
    page.fill("#id_publish_at_0", when.strftime("%Y-%m-%d"))
    page.fill("#id_publish_at_1", when.strftime("%H:%M:%S"))
    page.click("button[name=_transition][value=publish]")
    expect(page.locator(".messagelist")).to_contain_text("已发布")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.publish_at > timezone.now()

    for path in ["/", "/news/"]:
        page.goto(site + path)
        expect(page.locator("main")).not_to_contain_text("一分钟后发布的稿件")
    assert page.request.get(f"{site}/news/{article.pk}.html").status == 404

    later = timezone.now() + datetime.timedelta(minutes=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        for path in ["/", "/news/"]:
            page.goto(site + path)
            expect(page.locator("main")).to_contain_text("一分钟后发布的稿件")
        page.click("main a:has-text('一分钟后发布的稿件')")
        expect(page.locator("h1")).to_have_text("一分钟后发布的稿件")

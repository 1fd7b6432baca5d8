"""A reader finds their way around the public site with clicks only."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_browses_news_honours_and_the_directory(page, site):
    page.goto(site + "/")
    nav = page.get_by_role("navigation", name="主导航")

    nav.get_by_role("link", name="新闻中心").click()
    expect(page.locator("h1")).to_have_text("新闻中心")
    # The seed article (2022) is behind the demo's newer submissions: page on to it.
    seed = page.locator(".article-list a", has_text="回望五年奋斗路")
    for _ in range(5):
        if seed.count():
            break
        page.locator(".pagination a[rel=next]").click()
    seed.click()
    expect(page.locator("h1")).to_have_text("回望五年奋斗路，这份答卷请审阅！")
    expect(page.locator(".meta")).to_contain_text("2022-12-17 09:53:03")

    page.locator(".prev-next a[rel=next]").click()
    next_title = page.locator("h1").inner_text()
    assert next_title != "回望五年奋斗路，这份答卷请审阅！"
    page.locator(".prev-next a[rel=prev]").click()
    expect(page.locator("h1")).to_have_text("回望五年奋斗路，这份答卷请审阅！")

    nav.get_by_role("link", name="荣誉榜").click()
    expect(page.locator("h1")).to_have_text("荣誉榜")
    page.select_option("select[name=year]", "2022")
    page.select_option("select[name=level]", "provincial")
    page.get_by_role("button", name="筛选").click()
    main = page.locator("main")
    expect(main).to_contain_text("湖北省企业“创新达人”")
    expect(main).to_contain_text("丛欣")
    expect(main).not_to_contain_text("吴双清")  # 2021, not 2022
    expect(main).not_to_contain_text("先进科技志愿者")  # national, not provincial

    nav.get_by_role("link", name="组织机构").click()
    # The association itself first; the learned societies, kept together, on the next page.
    expect(page.locator("main .card a").first).to_have_text("恩施州科学技术协会")
    page.get_by_role("link", name="下一页").click()
    page.locator("main a", has_text="恩施州茶叶学会").first.click()
    expect(page.locator("h1")).to_contain_text("恩施州茶叶学会")

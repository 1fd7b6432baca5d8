"""Every public page type: accessible (axe-core), fits a phone and a desktop, readable, tappable."""

import pytest

from awards.models import Honour
from organizations.models import Organization
from tests.e2e.conftest import DESKTOP, PHONE, run_axe, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_TYPES = {
    "home": lambda: "/",
    "news-list": lambda: "/news/",
    "category": lambda: "/news/category/news-center/",
    "article": lambda: "/news/488.html",
    "organizations": lambda: "/organizations/",
    "organization": lambda: Organization.objects.get(short_name="恩施州科协").get_absolute_url(),
    "honours": lambda: "/honours/?year=2022",
    "honour-recipient": lambda: Honour.objects.get(
        person_name="易美军", year=2022
    ).get_absolute_url(),
    "search": lambda: "/search/?q=科普",
    "about-page": lambda: "/about/ji-gou-gai-kuang/",
    "not-found": lambda: "/news/999999.html",
}

# Interactive elements outside running text must be at least this tall (WCAG 2.5.5 exempts
# links inside sentences, i.e. inside the article body).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) {
    problems.push(`horizontal scroll: ${doc.scrollWidth} > ${window.innerWidth}`);
  }
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && !el.closest('.visually-hidden, .skip-link');
  };
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el)) continue;
    const hasText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (hasText && size < 16) problems.push(`text ${size}px: ${el.tagName} ${el.textContent.trim().slice(0, 30)}`);
  }
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select')) {
    if (!visible(el) || el.closest('.article-body')) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 44 || r.width < 44) {
      problems.push(`tap target ${Math.round(r.width)}x${Math.round(r.height)}: ${el.tagName} ${el.textContent.trim().slice(0, 30)}`);
    }
  }
  return problems;
}"""


@pytest.mark.parametrize("viewport_name", ["phone", "desktop"])
@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_public_page_layout_and_accessibility(page, site, page_type, viewport_name):
    page.set_viewport_size(PHONE if viewport_name == "phone" else DESKTOP)
    page.goto(site + PAGE_TYPES[page_type]())
    save_screenshot(page, f"{page_type}-{viewport_name}")
    problems = page.evaluate(LAYOUT_PROBLEMS)
    assert problems == [], "\n".join(problems)
    assert run_axe(page) == []


def test_navigation_works_on_a_phone(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="新闻中心").click()
    page.wait_for_url("**/news/category/news-center/")
    assert page.get_by_role("heading", level=1).inner_text() == "新闻中心"


def test_font_size_switch_changes_the_article_text(page, site):
    page.goto(site + "/news/488.html")
    body = page.locator(".article-body")

    def size():
        return float(body.evaluate("el => parseFloat(getComputedStyle(el).fontSize)"))

    medium = size()
    page.get_by_role("button", name="大", exact=True).click()
    large = size()
    page.get_by_role("button", name="小", exact=True).click()
    small = size()
    assert small < medium < large
    assert page.get_by_role("button", name="小", exact=True).get_attribute("aria-pressed") == "true"
    page.reload()
    assert size() == small  # the reader's choice is remembered

"""关怀模式 (care mode, 适老化): a visible switch on every public page, larger text and
targets, wider lines, high contrast, no animation; remembered, keyboard-operable, accessible."""

import pytest

from tests.e2e.conftest import DESKTOP, PHONE, run_axe, save_screenshot
from tests.e2e.test_layout import LAYOUT_PROBLEMS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/news/488.html",
    "/honours/?year=2022",
    "/organizations/",
    "/about/ji-gou-gai-kuang/",
]

# Body text, spacing, targets and motion as a reader in care mode meets them.
CARE_PROBLEMS = """() => {
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      && !el.closest('.visually-hidden, .skip-link');
  };
  for (const el of document.querySelectorAll('main p, main li, main a, main td, footer p')) {
    if (!visible(el)) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    if (size < 20) problems.push(`text ${size}px: ${el.tagName} ${el.textContent.trim().slice(0, 20)}`);
    const line = parseFloat(style.lineHeight);
    if (line && line < size * 1.5) problems.push(`line height ${line}/${size}: ${el.tagName}`);
    if (style.transitionDuration !== '0s' || style.animationName !== 'none') {
      problems.push(`motion: ${el.tagName}`);
    }
  }
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select')) {
    if (!visible(el) || el.closest('.article-body')) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 48) problems.push(`target ${Math.round(r.height)}px high: ${el.textContent.trim().slice(0, 20)}`);
  }
  return problems;
}"""


def _switch(page):
    return page.get_by_role("button", name="关怀模式")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_care_mode_is_on_every_page_and_remembered(page, site, viewport):
    page.set_viewport_size(viewport)
    page.goto(site + "/")
    switch = _switch(page)
    assert switch.get_attribute("aria-pressed") == "false"
    normal = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('main a')).fontSize)"
    )
    switch.click()
    assert switch.get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.classList.contains('care-mode')")
    width = "phone" if viewport is PHONE else "desktop"
    for number, path in enumerate(PAGES):
        page.goto(site + path)  # remembered from page to page
        assert _switch(page).get_attribute("aria-pressed") == "true", path
        save_screenshot(page, f"care-mode-{number}-{width}")
        assert page.evaluate(CARE_PROBLEMS) == [], path
        assert page.evaluate(LAYOUT_PROBLEMS) == [], path
        assert run_axe(page) == [], path
    large = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main a')).fontSize)")
    assert large > normal
    _switch(page).click()
    page.reload()
    assert _switch(page).get_attribute("aria-pressed") == "false"
    assert not page.evaluate("document.documentElement.classList.contains('care-mode')")


def test_care_mode_works_from_the_keyboard(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")  # the skip link
    for _ in range(5):
        if page.evaluate("document.activeElement.hasAttribute('data-care-mode')"):
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "关怀模式"
    page.keyboard.press("Enter")
    assert _switch(page).get_attribute("aria-pressed") == "true"
    page.keyboard.press("Space")
    assert _switch(page).get_attribute("aria-pressed") == "false"

/* The little JavaScript the public site needs: the article text-size switch, print,
   and counting a reading (the page itself may come from the cache). */
;(() => {
  const KEY = "kexie-font-size"
  const buttons = document.querySelectorAll("[data-font-size]")
  function apply(size) {
    document.body.dataset.fontSize = size
    buttons.forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.fontSize === size))
    })
  }
  if (buttons.length) {
    let saved = "medium"
    try {
      saved = localStorage.getItem(KEY) || "medium"
    } catch (error) {}
    apply(saved)
    buttons.forEach((button) => {
      button.addEventListener("click", () => {
        apply(button.dataset.fontSize)
        try {
          localStorage.setItem(KEY, button.dataset.fontSize)
        } catch (error) {}
      })
    })
  }
  const counted = document.querySelector("[data-count-url]")
  if (counted && window.fetch) {
    fetch(counted.dataset.countUrl, { method: "POST", credentials: "same-origin", keepalive: true })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        const shown = document.querySelector("[data-view-count]")
        if (data && shown) shown.textContent = String(data.views)
      })
      .catch(() => {})
  }
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print())
  })
})()

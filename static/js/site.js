/* The little JavaScript the public site needs: the article text-size switch and print. */
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
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print())
  })
})()

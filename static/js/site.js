/* The little JavaScript the public site needs: 关怀模式 (care mode), the article text-size
   switch, print, and counting a reading (the page itself may come from the cache). Loaded
   in <head> without defer so the remembered care mode is on <html> before the page paints;
   the page's HTML is the same for everyone (it may be cached). */
;(() => {
  const root = document.documentElement
  const CARE_KEY = "kexie-care-mode"
  const SIZE_KEY = "kexie-font-size"

  function read(key) {
    try {
      return localStorage.getItem(key)
    } catch (error) {
      return null
    }
  }
  function write(key, value) {
    try {
      localStorage.setItem(key, value)
    } catch (error) {}
  }

  root.classList.toggle("care-mode", read(CARE_KEY) === "on")

  function setupCareMode() {
    const toggles = document.querySelectorAll("[data-care-mode]")
    function show() {
      const on = root.classList.contains("care-mode")
      toggles.forEach((button) => button.setAttribute("aria-pressed", String(on)))
    }
    toggles.forEach((button) => {
      button.addEventListener("click", () => {
        const on = !root.classList.contains("care-mode")
        root.classList.toggle("care-mode", on)
        write(CARE_KEY, on ? "on" : "off")
        show()
      })
    })
    show()
  }

  function setupFontSize() {
    const buttons = document.querySelectorAll("[data-font-size]")
    if (!buttons.length) return
    function apply(size) {
      document.body.dataset.fontSize = size
      buttons.forEach((button) => {
        button.setAttribute("aria-pressed", String(button.dataset.fontSize === size))
      })
    }
    apply(read(SIZE_KEY) || "medium")
    buttons.forEach((button) => {
      button.addEventListener("click", () => {
        apply(button.dataset.fontSize)
        write(SIZE_KEY, button.dataset.fontSize)
      })
    })
  }

  function countReading() {
    const counted = document.querySelector("[data-count-url]")
    if (!counted || !window.fetch) return
    fetch(counted.dataset.countUrl, { method: "POST", credentials: "same-origin", keepalive: true })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        const shown = document.querySelector("[data-view-count]")
        if (data && shown) shown.textContent = String(data.views)
      })
      .catch(() => {})
  }

  function ready() {
    setupCareMode()
    setupFontSize()
    countReading()
    document.querySelectorAll("[data-print]").forEach((button) => {
      button.addEventListener("click", () => window.print())
    })
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready)
  } else {
    ready()
  }
})()

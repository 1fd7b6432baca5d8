/* Send Django's CSRF token with the editor's image uploads (CKEditor 4 XHR uploads). */
;(() => {
  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]")
    if (input) return input.value
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
    return match ? decodeURIComponent(match[1]) : ""
  }
  function hook() {
    if (!window.CKEDITOR) {
      setTimeout(hook, 100)
      return
    }
    window.CKEDITOR.on("instanceCreated", (event) => {
      event.editor.on("fileUploadRequest", (evt) => {
        evt.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", csrfToken())
      })
    })
  }
  hook()
})()

/* Send Django's CSRF token with the editor's image uploads (CKEditor 4 XHR uploads). */
;(() => {
  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]")
    if (input) return input.value
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
    return match ? decodeURIComponent(match[1]) : ""
  }
  function attach(editor) {
    if (editor.kexieCsrfAttached) return
    editor.kexieCsrfAttached = true
    editor.on("fileUploadRequest", (evt) => {
      evt.data.fileLoader.xhr.setRequestHeader("X-CSRFToken", csrfToken())
    })
  }
  function hook() {
    if (!window.CKEDITOR) {
      setTimeout(hook, 50)
      return
    }
    // Editors may already exist when this runs (the init script can be first): attach
    // to those, and to every editor created later.
    window.CKEDITOR.on("instanceCreated", (event) => attach(event.editor))
    Object.values(window.CKEDITOR.instances).forEach(attach)
  }
  hook()
})()

// Disable a meeting form's submit button once it is sent, so a double tap sends it once.
// (The server refuses a second submit anyway; this just avoids the extra round trip.)
document.querySelectorAll("form button[data-once]").forEach(function (button) {
  button.form.addEventListener("submit", function () {
    window.setTimeout(function () { button.disabled = true; }, 0);
  });
});

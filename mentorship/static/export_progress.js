// The workbook progress page without reloads: with a script, fetch the page again every few seconds and
// replace only its status (a live region, so a screen reader hears the change and keeps its place);
// without a script, the <noscript> meta refresh reloads the whole page instead.
(function () {
  var status = document.getElementById("export-status");
  if (!status || status.dataset.done === "1") return;
  var wait = (Number(status.dataset.refresh) || 3) * 1000;
  function check() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("export-status");
        if (!fresh) return;
        if (fresh.dataset.state !== status.dataset.state) {
          status.innerHTML = fresh.innerHTML;
          status.dataset.state = fresh.dataset.state;
        }
        if (fresh.dataset.done !== "1") window.setTimeout(check, wait);
      })
      .catch(function () { window.setTimeout(check, 2 * wait); });
  }
  window.setTimeout(check, wait);
})();

// The desk's only script, and it is not needed: a page that shows something still going on
// (a campaign being written to the Outbox and delivered) says so with data-refresh="SECONDS"
// on the part that changes, and has a "Refresh" link that works without it. With it, that part
// is fetched again every few seconds and replaced in place, inside a polite live region, so
// the page keeps its scroll, its focus, and a screen reader's place: no reload, no meta
// refresh (WCAG 2.2.1). It stops when the new part no longer asks for it.
(function () {
  "use strict";
  function current() {
    return document.querySelector("[data-refresh]");
  }
  function schedule(part) {
    var seconds = Number(part.getAttribute("data-refresh")) || 2;
    window.setTimeout(update, Math.max(1, seconds) * 1000);
  }
  function update() {
    var part = current();
    if (!part || !window.fetch || !window.DOMParser) return;
    window.fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var page = new window.DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(part.id);
        if (!fresh) return;
        part.replaceWith(document.importNode(fresh, true));
        if (fresh.hasAttribute("data-refresh")) schedule(fresh);
      })
      .catch(function () {
        // A desk that is restarting: try again a little later.
        window.setTimeout(update, 10000);
      });
  }
  function start() {
    var part = current();
    if (part) schedule(part);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// coldset pages without this script work fully; with it they stay live:
// - server-sent events from the production's ledger refresh the parts of the page
//   marked data-live (risk, holds, hand-overs, concerns) without touching a form
//   someone is filling in;
// - countdowns to concern deadlines tick every few seconds.
(function () {
  "use strict";

  var refreshing = false, again = false;

  function refresh() {
    if (refreshing) { again = true; return; }
    refreshing = true;
    fetch(location.href, { headers: { "X-Coldset-Live": "1" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live][id]").forEach(function (el) {
          var fresh = doc.getElementById(el.id);
          if (!fresh || el.contains(document.activeElement) || busy(el)) { return; }
          el.replaceWith(document.importNode(fresh, true));
        });
        tick();
      })
      .catch(function () {})
      .then(function () {
        refreshing = false;
        if (again) { again = false; refresh(); }
      });
  }

  // busy: a form inside el has something typed or chosen that a swap would lose.
  function busy(el) {
    var fields = el.querySelectorAll("input:not([type=hidden]), textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if ((f.type === "radio" || f.type === "checkbox") ? f.checked !== f.defaultChecked : f.value !== f.defaultValue) { return true; }
    }
    return false;
  }

  function span(ms) {
    var m = Math.round(Math.abs(ms) / 60000);
    if (m < 60) { return m + " min"; }
    if (m < 48 * 60) { return Math.floor(m / 60) + " h " + String(m % 60).padStart(2, "0") + " min"; }
    return Math.floor(m / 1440) + " days " + (Math.floor(m / 60) % 24) + " h";
  }

  // skew: the server clock minus this phone's, so deadlines count from the server's time.
  var skew = 0;
  var due = false;
  function tick() {
    var now = Date.now() + skew;
    document.querySelectorAll("time.countdown[datetime]").forEach(function (t) {
      var left = Date.parse(t.getAttribute("datetime")) - now;
      t.textContent = left >= 0 ? "in " + span(left) : "overdue by " + span(left);
      var p = t.closest(".deadline");
      if (p) { p.classList.toggle("overdue", left < 0); }
      if (left < 0 && left > -15000) { due = true; }
    });
    if (due) { due = false; refresh(); } // a deadline just passed: the server records it
  }

  document.addEventListener("DOMContentLoaded", function () {
    var server = Date.parse(document.body.getAttribute("data-now") || "");
    if (!isNaN(server)) { skew = server - Date.now(); }
    tick();
    setInterval(tick, 5000);
    var url = document.body.getAttribute("data-events");
    if (url && window.EventSource) {
      var es = new EventSource(url);
      es.addEventListener("ledger", refresh);
    }
  });
})();

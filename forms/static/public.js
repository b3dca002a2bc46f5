/* Optional: every page works without it. Quick exit replaces this page in history;
   the copy button appears only where scripts run; a second click does not send twice. */
(function () {
  var exit = document.getElementById("quick-exit");
  if (exit) exit.addEventListener("click", function (e) {
    e.preventDefault();
    try { document.body.innerHTML = ""; history.replaceState(null, "", "/"); } catch (x) {}
    location.replace(exit.href);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && e.shiftKey && exit) exit.click();
  });
  var copy = document.getElementById("copy-receipt");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(copy.getAttribute("data-text")).then(function () {
        copy.textContent = copy.getAttribute("data-done");
      });
    });
  }
  var sent = false;
  document.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      var b = e.submitter;
      if (b && b.name === "switch_lang") return;
      if (sent) { e.preventDefault(); return; }
      sent = true;
      setTimeout(function () { sent = false; }, 15000);
    });
  });
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();

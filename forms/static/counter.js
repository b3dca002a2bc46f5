/* Optional: counters on long fields. Each <textarea data-max> has a <p data-counter-for>
   that says the limit without scripts; with scripts it counts as she types and turns into
   an error when the text is too long. Nothing is ever cut: the server refuses it with a
   field error and keeps what she wrote. Wording comes from the page (her language). */
(function () {
  function fill(template, n) {
    return template.replace("%(count)s", n.toLocaleString(document.documentElement.lang || undefined));
  }
  document.querySelectorAll("textarea[data-max]").forEach(function (area) {
    var out = document.getElementById(area.id + "-count");
    if (!out) return;
    var max = parseInt(area.getAttribute("data-max"), 10);
    function update() {
      var left = max - area.value.length;
      var over = left < 0;
      out.textContent = fill(out.getAttribute(over ? "data-over" : "data-left"), Math.abs(left));
      out.className = over ? "error" : "hint";
      if (over) area.setAttribute("aria-invalid", "true");
      else if (!area.hasAttribute("data-bad")) area.removeAttribute("aria-invalid");
    }
    area.addEventListener("input", update);
    update();
  });
})();

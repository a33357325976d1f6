/* Narrows a long list as you type: items carry data-filter-text, groups hide when empty.
   The filter box is `hidden` in the HTML and shown only when this script runs. Its count of matches is
   the UI string script.filter.matches, which the box gives in data-strings. */
(function () {
  "use strict";
  var box = document.querySelector(".filter[data-filter-target]");
  if (!box) return;
  var input = box.querySelector("input");
  var status = box.querySelector(".filter__status");
  var matches = JSON.parse(box.getAttribute("data-strings") || "{}")["script.filter.matches"] || "{count}";
  var groups = Array.prototype.slice.call(document.querySelectorAll(box.getAttribute("data-filter-target")));
  var fold = function (s) {
    return String(s || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  };
  box.hidden = false;

  input.addEventListener("input", function () {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    groups.forEach(function (group) {
      var visible = 0;
      group.querySelectorAll("[data-filter-text]").forEach(function (item) {
        var text = fold(item.getAttribute("data-filter-text"));
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
        item.hidden = !ok;
        if (ok) visible += 1;
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    var form = typeof matches === "string" ? matches : shown === 1 ? matches.one : matches.other;
    status.textContent = words.length ? form.replace("{count}", String(shown)) : "";
  });
})();

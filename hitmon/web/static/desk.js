// Keyboard shortcuts on the week page: j/k move between candidates, a accept, r reject (不用), u undo,
// e open (edit). Served from the app (CSP: scripts from 'self' only); every shortcut clicks a button or
// link that is on the page anyway, so the page works the same without it.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("table.candidates tr[data-id]"));
  if (!rows.length) return;
  var current = 0;
  var wanted = window.location.hash.slice(1);  // the row an action came back to
  rows.forEach(function (row, index) { if (row.id === wanted) current = index; });

  function select(index, scroll) {
    rows[current].classList.remove("current");
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows[current].classList.add("current");
    if (scroll) rows[current].scrollIntoView({ block: "nearest" });
  }

  function press(key) {
    var target = rows[current].querySelector('[data-key="' + key + '"]');
    if (target) target.click();
  }

  select(current, wanted !== "");
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    var key = event.key;
    if (key === "j") select(current + 1, true);
    else if (key === "k") select(current - 1, true);
    else if (key === "a" || key === "r" || key === "u" || key === "e") press(key);
    else return;
    event.preventDefault();
  });
})();

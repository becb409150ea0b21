// Drag-and-drop ordering of the accepted items. Without it the up/down buttons do the same job.
// Served from the app (CSP allows scripts from 'self' only); it posts the existing order form.
(function () {
  "use strict";
  var list = document.getElementById("accepted");
  var form = document.getElementById("order-form");
  if (!list || !form) return;
  var dragged = null;

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });

  list.addEventListener("dragover", function (event) {
    var over = event.target.closest("li");
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });

  list.addEventListener("drop", function (event) {
    event.preventDefault();
  });

  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    var ids = Array.prototype.map.call(list.querySelectorAll("li"), function (item) {
      return item.dataset.id;
    });
    if (ids.join(",") === form.elements.ids.value) return;  // dropped where it was
    form.elements.ids.value = ids.join(",");
    form.submit();
  });
})();

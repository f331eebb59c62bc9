// "Until cleared" and an end date exclude each other. A date typed while the box is ticked
// unticks it; ticking the box empties the date. Listening on the document covers forms that
// htmx swaps in later. Without this script the server lets a typed date win and says so.
(function () {
  function dateFieldsFor(box) {
    var selector = 'input[data-unticks="' + box.name + '"]';
    return box.form ? box.form.querySelectorAll(selector) : [];
  }

  function onDateTyped(event) {
    var field = event.target;
    if (!field.form || !field.dataset || !field.dataset.unticks || !field.value) return;
    var box = field.form.elements.namedItem(field.dataset.unticks);
    if (box && box.checked) box.checked = false;
  }

  document.addEventListener("input", onDateTyped);
  document.addEventListener("change", onDateTyped);
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.checked) return;
    dateFieldsFor(box).forEach(function (field) { field.value = ""; });
  });
})();

// Drag to reorder. SortableJS moves the step rows; it then fires an "end" event on the list,
// which the reorder form listens for (hx-trigger="end from:#steps") to post the new order.
// The move up / down buttons do the same without a mouse or without JavaScript.
htmx.onLoad(function (content) {
  var lists = content.querySelectorAll ? content.querySelectorAll("[data-sortable]") : [];
  lists.forEach(function (list) {
    new Sortable(list, {
      handle: ".drag-handle",
      animation: 150,
      ghostClass: "drag-ghost",
      // Pointer events rather than native HTML5 drag: the same behaviour for mouse, touch and
      // pen, and no drag image that some browsers draw from the whole card.
      forceFallback: true,
      fallbackTolerance: 3,
      // One move at a time: the list comes back from the server before the next drag.
      onEnd: function () { this.option("disabled", true); },
    });
  });
});

// SortableJS animates the rows through inline styles and leaves an empty style attribute on
// each. When the builder comes back, htmx settles it by copying every old element's
// attributes onto the new one with the same id, and the page's Content-Security-Policy
// (no inline styles) refuses a style attribute set that way: one console error per row.
// Removing them before the swap leaves htmx nothing to copy.
document.addEventListener("htmx:beforeSwap", function (event) {
  event.detail.target.querySelectorAll("[data-sortable] [style], [data-sortable][style]")
    .forEach(function (element) { element.removeAttribute("style"); });
});

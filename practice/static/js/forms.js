// A form being sent cannot be sent again by a second click: its submit buttons are disabled
// until the answer comes (htmx) or the page is shown again (Back restores it from the cache).
// The server refuses a repeated create form anyway (practice/once.py); this spares the wait.
(function () {
  "use strict";

  function buttons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }

  function setBusy(form, busy) {
    buttons(form).forEach(function (button) {
      button.disabled = busy;
    });
    if (busy) {
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("aria-busy");
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") {
      return;
    }
    // After this turn: the clicked button's name and value must still be sent with the form.
    window.setTimeout(function () {
      setBusy(form, true);
    }, 0);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest ? event.target.closest("form") : null;
    if (form) {
      setBusy(form, false);
    }
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
      setBusy(form, false);
    });
  });
})();

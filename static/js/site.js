// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // After a form comes back with errors, move focus to the error summary or the first invalid
  // field so screen reader and keyboard users land on the problem.
  function focusFirstError(root) {
    var target = root.querySelector("[data-error-summary]") || root.querySelector("[aria-invalid='true']");
    if (target) {
      if (!target.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    focusFirstError(event.detail.elt);
  });
})();

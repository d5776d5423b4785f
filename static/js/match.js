// The match wizard with htmx: after a step is swapped in, move focus to its heading so screen
// reader and keyboard users start at the new question (site.js handles steps with errors).
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function (event) {
    var wizard = event.detail.elt;
    if (!wizard || wizard.id !== "match-wizard") {
      return;
    }
    if (wizard.querySelector("[data-error-summary], [aria-invalid='true']")) {
      return;
    }
    var heading = wizard.querySelector("[data-step-heading]");
    if (heading) {
      heading.focus();
      window.scrollTo(0, 0);
    }
  });
})();

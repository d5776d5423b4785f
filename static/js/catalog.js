// Catalog enhancements (htmx does the updating); the catalog works fully without this file.
(function () {
  "use strict";

  var narrow = window.matchMedia("(max-width: 59.99rem)");
  var filtersWereOpen = null;
  var submitted = false;

  document.documentElement.classList.add("js");

  function filters() {
    return document.querySelector("[data-filters]");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var details = filters();
    // On a phone the filters start folded so the results come first, unless one needs fixing.
    if (details && narrow.matches && !details.querySelector("[aria-invalid='true']")) {
      details.open = false;
    }
  });

  document.addEventListener("submit", function (event) {
    submitted = event.target.id === "catalog-form";
  }, true);

  // The filters (with their counts) and the results are swapped in one piece: keep the
  // disclosure as the visitor left it, and after "Show programs" on a phone, show the results.
  document.addEventListener("htmx:beforeSwap", function () {
    var details = filters();
    filtersWereOpen = details ? details.open : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var details = filters();
    if (!details) {
      return;
    }
    if (filtersWereOpen !== null) {
      details.open = filtersWereOpen;
    }
    if (submitted && narrow.matches) {
      details.open = false;
      var heading = document.getElementById("results-heading");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
    submitted = false;
  });

  // Empty fields stay out of the address bar, so shared links are short and readable.
  document.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt || event.detail.elt.id !== "catalog-form") {
      return;
    }
    var params = event.detail.parameters;
    var names = [];
    params.forEach(function (value, name) {
      if (names.indexOf(name) < 0) {
        names.push(name);
      }
    });
    names.forEach(function (name) {
      var blank = params.getAll(name).every(function (value) { return value === ""; });
      if (blank) {
        params.delete(name);
      }
    });
  });
})();

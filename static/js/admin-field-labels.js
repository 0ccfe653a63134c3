// Django's admin leaves some fields without a name a screen reader can announce: the date and
// time halves of a date-time field (under a legend, not a label), the cells of a tabular inline
// (named only by their column's header) and the filter boxes its two-list selector adds. This
// names each from what a sighted person reads beside it. Fields already named are left alone.
(function () {
  "use strict";

  function named(input) {
    if ((input.getAttribute("aria-label") || "").trim() || input.getAttribute("aria-labelledby")) return true;
    return Array.prototype.some.call(input.labels || [], function (label) {
      return label.textContent.trim() || label.querySelector("img[alt]");
    });
  }

  function text(element) {
    return element ? element.textContent.replace(/[:*?]\s*$/, "").replace(/\s+/g, " ").trim() : "";
  }

  function nameOf(input) {
    var datetime = input.closest("p.datetime");
    if (datetime) {
      var field = input.closest("fieldset, .form-row, .fieldBox");
      var legend = field && field.querySelector("legend, label");
      var half = input === datetime.querySelectorAll("input")[0] ? "date" : "time";
      return (text(legend) || "Date and time") + ", " + half;
    }
    var cell = input.closest("td");
    var table = input.closest("table");
    if (cell && table && table.tHead) {
      var header = table.tHead.rows[0].cells[cell.cellIndex];
      var row = input.closest("tr");
      var rowNumber = Array.prototype.indexOf.call(row.parentNode.rows, row) + 1;
      if (text(header)) return text(header) + ", row " + rowNumber;
    }
    if (/_input$/.test(input.id) && input.closest(".selector")) {
      var chosen = /_selected_input$/.test(input.id);
      return chosen ? "Filter the chosen ones" : "Filter the available ones";
    }
    return "";
  }

  function nameAll(root) {
    root.querySelectorAll("input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea")
      .forEach(function (input) {
        if (named(input)) return;
        var name = nameOf(input);
        if (name) input.setAttribute("aria-label", name);
      });
  }

  function start() {
    nameAll(document);
    // The two-list selector and "Add another" rows are built after the page loads.
    new MutationObserver(function () { nameAll(document); })
      .observe(document.body, {childList: true, subtree: true});
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

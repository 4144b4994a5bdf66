/* Accessible names the Django admin leaves out (axe: label, select-name, aria-input-field-name,
   aria-prohibited-attr). Loaded at the end of every admin page (templates/admin/base_site.html);
   widgets drawn later by the admin's own scripts (select2, the two-list filter) are named when
   they appear. No inline script: the CSP allows only files. */
(function () {
  "use strict";

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim() : "";
  }

  function named(el) {
    if (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby")) return true;
    if (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]')) return true;
    return Boolean(el.closest("label"));
  }

  // A field in a table (list-editable lists, tabular inlines): its column's header and its row.
  function nameFromTable(el) {
    var cell = el.closest("td, th");
    var table = el.closest("table");
    if (!cell || !table || !table.tHead) return "";
    var row = cell.parentElement;
    var index = Array.prototype.indexOf.call(row.cells, cell);
    var header = table.tHead.rows[0] && table.tHead.rows[0].cells[index];
    var rowName = text(row.querySelector("th")) || text(row.querySelector("td.original p"));
    var column = text(header);
    if (!column) return "";
    return rowName && rowName !== text(cell) ? column + " – " + rowName : column;
  }

  // Date and time of a split date-time field: the field's label and the word before the input.
  function nameFromSplitDateTime(el) {
    var box = el.closest(".datetime");
    if (!box) return "";
    var field = box.closest(".form-row, .fieldBox, div");
    var label = field && field.querySelector("label");
    var part = el.previousSibling;
    while (part && part.nodeType !== Node.TEXT_NODE) part = part.previousSibling;
    return [text(label), part ? part.textContent.replace(/[:\s]+$/, "").trim() : ""]
      .filter(Boolean).join(" – ");
  }

  function nameFields(root) {
    root.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (el) {
      if (named(el)) return;
      var name = nameFromSplitDateTime(el) || nameFromTable(el);
      if (name) el.setAttribute("aria-label", name);
    });
    // select2 (autocomplete fields): the combobox and its text take the label of the select they
    // stand for (select2 names its text "select2-<select id>-container").
    root.querySelectorAll(".select2-selection__rendered[id^=select2-]").forEach(function (rendered) {
      var selectId = rendered.id.replace(/^select2-/, "").replace(/-container$/, "");
      var label = document.querySelector('label[for="' + CSS.escape(selectId) + '"]');
      if (!label) return;
      var box = rendered.closest(".select2-selection");
      [rendered, box].forEach(function (el) {
        if (el && !el.getAttribute("aria-label")) el.setAttribute("aria-label", text(label));
      });
    });
    // The two-list filter's search icons carry an aria-label that a plain span may not have.
    root.querySelectorAll("span.search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function start() {
    nameFields(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) nameFields(node.parentElement || node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

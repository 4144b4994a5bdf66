/* Accessible names of the widgets the admin's own scripts draw (select2, the two-list filter),
   given when they appear (axe: aria-input-field-name, aria-prohibited-attr). Fields the server
   sends are named in the HTML itself (antraege/admin.py ListeBeschriftet, the split date-time's
   template), so they have names without scripts too. Loaded at the end of every admin page
   (templates/admin/base_site.html); no inline script: the CSP allows only files. */
(function () {
  "use strict";

  function text(node) {
    return node ? node.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim() : "";
  }

  function nameFields(root) {
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

// Progressive enhancement for the projector page: a presenter's clicker or the arrow keys switch
// to the next or previous agenda item. Without this file the two links do the same.
document.addEventListener("keydown", function (event) {
  if (event.altKey || event.ctrlKey || event.metaKey) { return; }
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
  var rel = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev" }[event.key];
  if (!rel) { return; }
  var link = document.querySelector('a[rel="' + rel + '"]');
  if (link) { event.preventDefault(); window.location.assign(link.href); }
});

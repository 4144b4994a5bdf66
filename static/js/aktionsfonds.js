// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // Move focus to the error summary so screen readers announce it first.
  var summary = document.getElementById("fehler-zusammenfassung");
  if (summary) { summary.focus(); }
});

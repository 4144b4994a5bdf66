// Progressive enhancement for meeting mode: show only the way of voting chosen for this item
// (counted or by name). Without this file both are shown and the chosen one counts.
document.addEventListener("DOMContentLoaded", function () {
  var radios = document.querySelectorAll('input[name$="art"][type="radio"]');
  if (!radios.length) { return; }
  var sections = {
    counted: document.getElementById("stimmen-gezaehlt"),
    named: document.getElementById("stimmen-namentlich")
  };
  function update() {
    var chosen = document.querySelector('input[name$="art"][type="radio"]:checked');
    Object.keys(sections).forEach(function (key) {
      if (sections[key]) { sections[key].hidden = !!chosen && chosen.value !== key; }
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
});

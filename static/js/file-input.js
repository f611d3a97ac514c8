/* File inputs in the page's language: the browser's own button ("Choose File", "No file chosen")
   speaks the browser's language, so it is hidden behind our translated button and the chosen
   file's name (core.forms.FileInput). Without this script the native input shows as usual. */
(function () {
  "use strict";

  function attach(picker) {
    if (picker.classList.contains("file-picker-ready")) return;
    var input = picker.querySelector("input[type=file]");
    var button = picker.querySelector(".file-picker-button");
    var name = picker.querySelector(".file-picker-name");
    if (!input || !button || !name) return;
    picker.classList.add("file-picker-ready");
    button.hidden = false;
    name.hidden = false;
    button.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () {
      var names = Array.from(input.files || []).map(function (f) { return f.name; });
      name.textContent = names.length ? names.join(", ") : name.dataset.empty;
    });
  }

  function scan(root) { root.querySelectorAll(".file-picker").forEach(attach); }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
})();

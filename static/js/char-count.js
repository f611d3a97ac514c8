/* Shows "x/N ký tự" under every text box and text area that has a maxlength, updated as the user
   types, in a polite live region (screen readers hear it when they pause). The word comes from
   the script tag: <script src="char-count.js" data-char-label="ký tự">. No inline script: base.html includes this file. */
(function () {
  "use strict";
  var NEAR = 0.9;
  var script = document.currentScript;
  var LABEL = (script && script.dataset.charLabel) || "ký tự";

  function attach(field) {
    if (field.dataset.charCount) return;
    var max = parseInt(field.getAttribute("maxlength"), 10);
    if (!max || max < 50) return;  // short codes and numbers need no counter
    field.dataset.charCount = "1";
    var out = document.createElement("small");
    out.className = "char-count form-text";
    out.id = (field.id || field.name) + "-count";
    out.setAttribute("aria-live", "polite");
    var describedBy = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", describedBy ? describedBy + " " + out.id : out.id);
    function update() {
      var used = Array.from(field.value).length;
      out.textContent = used + "/" + max + " " + LABEL;
      out.classList.toggle("near-limit", used >= max * NEAR);
    }
    field.addEventListener("input", update);
    field.insertAdjacentElement("afterend", out);
    update();
  }

  function scan(root) {
    root.querySelectorAll("textarea[maxlength], input[type=text][maxlength]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
})();

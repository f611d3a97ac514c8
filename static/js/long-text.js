/* Long text shown once, folded: templates/_long_text.html wraps a text longer than a few lines;
   this script clamps it to four lines and shows a "Xem thêm" button that unfolds it (and folds
   it again). Without the script the whole text shows. */
(function () {
  "use strict";

  function attach(box) {
    if (box.dataset.ready) return;
    var button = box.querySelector(".long-text-toggle");
    if (!button) return;
    box.dataset.ready = "1";
    function set(folded) {
      box.classList.toggle("folded", folded);
      button.setAttribute("aria-expanded", folded ? "false" : "true");
      button.textContent = folded ? button.dataset.more : button.dataset.less;
    }
    button.hidden = false;
    button.addEventListener("click", function () { set(!box.classList.contains("folded")); });
    set(true);
  }

  function scan(root) { root.querySelectorAll("[data-long-text]").forEach(attach); }

  document.addEventListener("DOMContentLoaded", function () { scan(document); });
  document.addEventListener("htmx:afterSettle", function (event) { scan(event.target); });
})();

/* Behaviour that the templates would otherwise write inline (the Content Security Policy allows
   no inline script): a click on an element with data-remove-closest="<selector>" removes its
   closest ancestor matching the selector (the "Close" button of an inline milestone form). */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-remove-closest]");
  if (!button) return;
  var target = button.closest(button.getAttribute("data-remove-closest"));
  if (target) target.remove();
});

/* A background task's page (reports/task_progress.html): when the polled fragment says the file
   is ready, its link marked data-auto-download is followed once (the file downloads, the page
   stays, showing "ready" and the link). */
document.addEventListener("htmx:load", function (event) {
  var link = event.target.querySelector && event.target.querySelector("[data-auto-download]");
  if (link && !link.hasAttribute("data-downloaded")) {
    link.setAttribute("data-downloaded", "");
    window.location.href = link.href;
  }
});

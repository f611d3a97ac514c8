/* Behaviour that the templates would otherwise write inline (the Content Security Policy allows
   no inline script): a click on an element with data-remove-closest="<selector>" removes its
   closest ancestor matching the selector (the "Close" button of an inline milestone form). */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-remove-closest]");
  if (!button) return;
  var target = button.closest(button.getAttribute("data-remove-closest"));
  if (target) target.remove();
});

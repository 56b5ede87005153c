/* Progressive enhancement of the log-attempt forms (everything works without it):
   opening a form focuses its first field, Escape closes it, and after an in-place
   update the keyboard focus goes back into the updated row. */
(function () {
  function firstField(details) {
    return details.querySelector("form input:not([type=hidden]):checked, form input:not([type=hidden]), form select");
  }
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.matches && details.matches("details.log-attempt") && details.open) {
      var field = firstField(details);
      if (field) field.focus();
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var details = event.target.closest("details.log-attempt[open]");
    if (!details) return;
    details.open = false;
    details.querySelector("summary").focus();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var id = event.detail.target && event.detail.target.id;
    var swapped = id && document.getElementById(id);
    if (!swapped || !swapped.querySelector("details.log-attempt, form")) return;
    var open = swapped.querySelector("details.log-attempt[open]");
    var target = open ? (open.querySelector("[role=alert]") ? firstField(open) : null) : (swapped.querySelector("summary") || swapped.querySelector("button"));
    if (target) target.focus();
  });
})();

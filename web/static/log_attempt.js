/* Progressive enhancement of the log-attempt forms (everything works without it):
   choosing an outcome picks its default next step; an opened form has the focus in its
   first field, Escape closes it, and after an in-place update the keyboard focus goes
   back into the updated row. */
(function () {
  function firstField(scope) {
    return scope.querySelector("form input:not([type=hidden]):checked, form input:not([type=hidden]), form select");
  }
  document.addEventListener("change", function (event) {
    var outcome = event.target;
    if (!outcome.matches || !outcome.matches("form input[name=outcome][data-pick]")) return;
    var form = outcome.form, iso = outcome.getAttribute("data-pick");
    var typed = form.querySelector("input[name=next_follow_up_on]");
    if (!iso || (typed && typed.value)) return;
    form.querySelectorAll("input[name=next_follow_up]").forEach(function (pick) {
      pick.checked = pick.value === iso;
    });
  });
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
    if (!swapped || !swapped.querySelector("details.log-attempt, form, .log-link")) return;
    var open = swapped.querySelector("details.log-attempt[open]");
    var target = open ? firstField(open) : (swapped.querySelector(".log-link") || swapped.querySelector("summary") || swapped.querySelector("button"));
    if (target) target.focus();
  });
})();

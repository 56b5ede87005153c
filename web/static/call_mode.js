/* Call mode from the keyboard: a digit picks the outcome (and so its default next step), the
   letter shown on a follow-up chip picks it, N goes to the note, Escape leaves it, K skips,
   and Enter saves and opens the next company. */
(function () {
  document.addEventListener("keydown", function (event) {
    var form = document.getElementById("call-form");
    if (!form || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    var target = event.target;
    var typing = target.matches && target.matches("input:not([type=radio]):not([type=hidden]), select, textarea");
    if (event.key === "Enter") {
      if (target.matches && target.matches("a, button, summary, textarea")) return;
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    if (typing) {
      if (event.key === "Escape") target.blur();
      return;
    }
    var chosen = document.querySelector('[data-key="' + event.key.toLowerCase().replace(/["\\]/g, "") + '"]');
    if (!chosen) return;
    event.preventDefault();
    if (chosen.matches("input[type=radio]")) {
      chosen.checked = true;
      chosen.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (chosen.matches("input")) {
      chosen.focus();
    } else {
      chosen.click();
    }
  });
})();

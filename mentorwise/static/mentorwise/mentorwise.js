// Small progressive enhancements; pages work without JavaScript.
document.addEventListener("htmx:afterSwap", function () {
  var live = document.getElementById("messages");
  if (live && live.textContent.trim()) { live.focus && live.setAttribute("tabindex", "-1"); }
});
// A refused action answers with its error status, `HX-Reswap: none` and only the message, out
// of band (mentorwise.core.htmx.refused): htmx leaves error responses alone by default, so let
// it swap that message while the target stays as it was.
// A refused form answers 422 with the form bound again and `HX-Reswap: outerHTML`
// (mentorwise.relationships.formviews): swap it too, so typed values and errors show.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  var reswap = xhr.getResponseHeader("HX-Reswap");
  if (xhr.status >= 400 && xhr.status < 500 && (reswap === "none" || reswap === "outerHTML")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// Errors beside their fields: bring the first one into view and put the focus on it (on a
// re-rendered page and after an HTMX swap), opening the <details> it is folded in.
function focusFirstError(root) {
  var field = (root || document).querySelector('[aria-invalid="true"]');
  if (!field) { return; }
  for (var node = field.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") { node.open = true; }
  }
  field.scrollIntoView({ block: "center" });
  field.focus({ preventScroll: true });
}
document.addEventListener("DOMContentLoaded", function () { focusFirstError(document); });
document.addEventListener("htmx:afterSwap", function (event) { focusFirstError(event.detail.elt); });
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.getAttribute("data-confirm"))) { event.preventDefault(); }
});
// <select data-autosubmit> submits its form on change (instead of an inline onchange handler,
// which the Content-Security-Policy forbids).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.matches && target.matches("[data-autosubmit]") && target.form) {
    target.form.requestSubmit ? target.form.requestSubmit() : target.form.submit();
  }
});

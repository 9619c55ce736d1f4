// Small progressive enhancements; pages work without JavaScript.
document.addEventListener("htmx:afterSwap", function () {
  var live = document.getElementById("messages");
  if (live && live.textContent.trim()) { live.focus && live.setAttribute("tabindex", "-1"); }
});
// A refused action answers with its error status, `HX-Reswap: none` and only the message, out
// of band (mentorwise.core.htmx.refused): htmx leaves error responses alone by default, so let
// it swap that message while the target stays as it was.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Reswap") === "none") {
    event.detail.shouldSwap = true;
  }
});
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

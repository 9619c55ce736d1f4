// Small progressive enhancements; pages work without JavaScript.
document.addEventListener("htmx:afterSwap", function () {
  var live = document.getElementById("messages");
  if (live && live.textContent.trim()) { live.focus && live.setAttribute("tabindex", "-1"); }
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

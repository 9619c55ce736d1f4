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
// The main menu (base.html) is a <details>: collapsed behind "Menu" on a phone, always shown on
// a wide screen by the stylesheet. Browsers without ::details-content get it opened here.
(function () {
  var wide = window.matchMedia("(min-width: 1000px)");
  function sync() {
    var menu = document.querySelector("[data-menu]");
    if (menu) { menu.open = wide.matches; }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", sync); } else { sync(); }
  wide.addEventListener && wide.addEventListener("change", sync);
})();
// Menu groups ("Programs", "People", ...): one open at a time; Escape or a click elsewhere
// closes them (Escape returns focus to the group's button).
function closeGroups(except) {
  document.querySelectorAll("details[data-group][open]").forEach(function (group) {
    if (group !== except) { group.open = false; }
  });
}
document.addEventListener("toggle", function (event) {
  var target = event.target;
  if (target.matches && target.matches("details[data-group]") && target.open) { closeGroups(target); }
}, true);
document.addEventListener("click", function (event) {
  if (!event.target.closest("details[data-group]")) { closeGroups(null); }
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  var group = event.target.closest && event.target.closest("details[data-group][open]");
  closeGroups(null);
  if (group) { group.querySelector("summary").focus(); }
});

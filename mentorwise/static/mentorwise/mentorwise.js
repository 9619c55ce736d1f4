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
// Menu groups ("Programs", "People", ...): one open at a time; Escape, a click elsewhere or
// tabbing out closes them (Escape returns focus to the group's button).
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
document.addEventListener("focusout", function (event) {
  var group = event.target.closest && event.target.closest("details[data-group][open]");
  if (group && event.relatedTarget && !group.contains(event.relatedTarget)) { group.open = false; }
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  var group = event.target.closest && event.target.closest("details[data-group][open]");
  closeGroups(null);
  if (group) { group.querySelector("summary").focus(); return; }
  // On a phone, Escape also closes the opened "Menu" panel.
  var menu = event.target.closest && event.target.closest("details[data-menu][open]");
  if (menu && !window.matchMedia("(min-width: 1000px)").matches) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
// Tables scroll inside a labelled region (`.table-scroll`): a table that a template renders
// without one gets it here. The region is in the tab order only while it has something to
// scroll (a keyboard user scrolls it with the arrow keys).
function labelOf(table) {
  var caption = table.querySelector("caption");
  if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
  var section = table.closest("section, main");
  var heading = section && section.querySelector("h1, h2, h3");
  return heading ? heading.textContent.trim() : "Table";
}
function fitTables(root) {
  (root || document).querySelectorAll("table").forEach(function (table) {
    if (table.closest(".table-scroll")) { return; }
    var region = document.createElement("div");
    region.className = "table-scroll";
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", labelOf(table));
    table.parentNode.insertBefore(region, table);
    region.appendChild(table);
  });
  document.querySelectorAll(".table-scroll").forEach(function (region) {
    if (region.scrollWidth > region.clientWidth + 1) { region.setAttribute("tabindex", "0"); }
    else { region.removeAttribute("tabindex"); }
  });
}
if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", function () { fitTables(); }); } else { fitTables(); }
document.addEventListener("htmx:afterSettle", function () { fitTables(); });
window.addEventListener("resize", function () { fitTables(); });
// A status line that polls (hx-trigger="every ...") inside [data-poll] can be paused: the
// button is shown only where this script runs, and a paused poll sends no request.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-poll-toggle]");
  if (!button) { return; }
  var paused = button.getAttribute("aria-pressed") !== "true";
  button.setAttribute("aria-pressed", paused ? "true" : "false");
  button.closest("[data-poll]").toggleAttribute("data-poll-paused", paused);
});
document.addEventListener("htmx:beforeRequest", function (event) {
  if (event.detail.elt.closest && event.detail.elt.closest("[data-poll-paused]")) { event.preventDefault(); }
});
function showPollToggles() {
  document.querySelectorAll("[data-poll-toggle][hidden]").forEach(function (b) { b.hidden = false; });
}
if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", showPollToggles); } else { showPollToggles(); }

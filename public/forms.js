// Pingan Vest forms: after a submit, the first error the form shows is brought into view and
// its field focused. Without this, an error above the fold (an empty report's "此项必填。" sits
// 244 px above a phone's screen) makes the button seem to do nothing. Errors are found by
// their classes (`field-error` beside a field, `form-error` for the whole form), whoever drew
// them: the page's own checks or the server's answer.
"use strict";

(function () {
  const ERRORS = ".field-error, .form-error";
  // How long after a press an error still counts as its answer (a slow network included).
  const ANSWER_MS = 30000;
  let pressed = null;

  function note(target) {
    const control = target && target.closest && target.closest("form, button");
    if (!control) return;
    const scope = control.closest("form, .card, section") || document.body;
    pressed = { scope, at: Date.now() };
  }
  document.addEventListener("submit", (e) => note(e.target), true);
  document.addEventListener("click", (e) => note(e.target), true);

  function fieldOf(error) {
    const field = error.closest(".field, fieldset");
    const find = (el) => el && el.querySelector && el.querySelector("input:not([type=hidden]), select, textarea");
    return find(field) || find(error.previousElementSibling) || null;
  }

  function showFirst() {
    if (!pressed || Date.now() - pressed.at > ANSWER_MS) return;
    const first = pressed.scope.isConnected ? pressed.scope.querySelector(ERRORS) : document.querySelector(ERRORS);
    if (!first) return;
    pressed = null;
    const box = first.getBoundingClientRect();
    const field = fieldOf(first);
    // The tab bar covers the bottom of the screen: "in view" means clear of it.
    const bottom = window.innerHeight - 80;
    if (box.top < 0 || box.bottom > bottom) first.scrollIntoView({ block: "center" });
    if (field && typeof field.focus === "function") field.focus({ preventScroll: true });
  }

  function start() {
    new MutationObserver(() => showFirst()).observe(document.body, { childList: true, subtree: true });
  }
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();

// Crossover's own small script: progressive enhancements only; every page works without it.
"use strict";

document.addEventListener("htmx:afterSettle", () => {
  // After an in-place update, move focus to an element that asks for it, so
  // keyboard and screen-reader users land where the change happened. The
  // attribute is consumed, so a later swap elsewhere doesn't steal focus back.
  // (Searched in the document: an outerHTML swap's target is no longer in it.)
  const target = document.querySelector("[data-autofocus]");
  if (target) {
    target.removeAttribute("data-autofocus");
    target.focus();
  }
});

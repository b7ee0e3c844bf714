// Crossover's own small script: progressive enhancements only; every page works without it.
"use strict";

document.addEventListener("htmx:afterSwap", (event) => {
  // After an in-place update, move focus to an element that asks for it, so
  // keyboard and screen-reader users land where the change happened.
  const target = event.detail.target.querySelector("[data-autofocus]");
  if (target) {
    target.focus();
  }
});

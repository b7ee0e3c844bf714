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

// Refusals (core/refusals.py). htmx swaps no 4xx/5xx by default; the server sends each
// refusal with HX-Retarget: either the page's error region (#refusal) or the view's own
// place (a form with its error), so those are swapped. Anything else that fails (a proxy's
// 502 page, no network) must not replace part of the page: the region says so instead.
const refusalRegion = () => document.getElementById("refusal");

function showRefusal(text) {
  const region = refusalRegion();
  if (!region) return;
  const box = document.createElement("div");
  box.className = "refusal-box";
  const message = document.createElement("p");
  message.className = "refusal-text";
  message.textContent = text;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "refusal-dismiss";
  dismiss.setAttribute("data-dismiss-refusal", "");
  dismiss.setAttribute("aria-label", "Dismiss this message");
  dismiss.textContent = "×";
  box.append(message, dismiss);
  region.replaceChildren(box);
}

function clearRefusal() {
  const region = refusalRegion();
  if (region) region.replaceChildren();
}

// In development (DEBUG), django-htmx's script replaces the whole document with any 400,
// 403, 404 or 500 answer, to show Django's debug page. A refusal the server addressed
// (HX-Retarget) is not such a page: caught on its way down (window, capture phase), it
// never reaches that listener, and is swapped where it was sent like in production.
window.addEventListener(
  "htmx:beforeOnLoad",
  (event) => {
    if (event.detail.xhr?.getResponseHeader("HX-Retarget")) event.stopPropagation();
  },
  true,
);

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  if (detail.xhr.status < 400) return;
  if (detail.xhr.getResponseHeader("HX-Retarget")) {
    detail.shouldSwap = true;
    detail.isError = false;
  } else {
    detail.shouldSwap = false;
    showRefusal(
      detail.xhr.status >= 500
        ? "Something went wrong on our side, so that didn't work. Please try again in a moment."
        : "That didn't work. Reload the page and try again.",
    );
  }
});

document.addEventListener("htmx:sendError", () => {
  showRefusal("Crossover couldn't be reached. Check your connection, then try again.");
});

// A new action starts afresh: an earlier refusal's message goes, so a repeated one is
// announced again.
document.addEventListener("htmx:beforeRequest", clearRefusal);

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-dismiss-refusal]")) clearRefusal();
});

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && refusalRegion()?.hasChildNodes()) clearRefusal();
});

// Our additions to GOV.UK Frontend's conditional reveals, started by app.js after initAll().

// GOV.UK Frontend marks a radio that reveals questions with aria-expanded, which ARIA does not
// allow on a radio (axe-core: aria-allowed-attr); the reveal follows the radio in reading order
// and is announced there, so the attribute is taken off again each time GOV.UK sets it.
const stripExpanded = () => {
  for (const radio of document.querySelectorAll('input[type="radio"][aria-expanded]')) {
    radio.removeAttribute("aria-expanded");
  }
};

// Sub-options belong to a Yes (DASH Q14 "who was threatened"): when the answer moves away from
// the option that reveals them, untick them, so a hidden tick cannot contradict the answer. The
// server refuses such a contradiction anyway; this only spares the referrer that error.
const untickHidden = (event) => {
  const radio = event.target;
  if (!(radio instanceof HTMLInputElement) || radio.type !== "radio") return;
  for (const option of document.getElementsByName(radio.name)) {
    const reveal = option.checked ? null : document.getElementById(option.getAttribute("aria-controls") || "");
    for (const box of reveal ? reveal.querySelectorAll('input[type="checkbox"]') : []) box.checked = false;
  }
};

// A follow-up question hidden because its answer was not chosen (a professional-judgement
// reason under No, say) is emptied when the page is sent, so what was typed there before the
// answer changed is not sent as if it applied. It stays while the referrer changes their mind;
// the server refuses such a contradiction anyway (without JavaScript every question shows).
const emptyHidden = (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  for (const field of form.querySelectorAll(".govuk-radios__conditional--hidden input, .govuk-radios__conditional--hidden textarea")) {
    if (field.type === "checkbox" || field.type === "radio") field.checked = false;
    else if (field.type !== "hidden") field.value = "";
  }
};

export function initReveals() {
  document.addEventListener("submit", emptyHidden);
  document.addEventListener("change", (event) => {
    untickHidden(event);
    stripExpanded();
  });
  document.addEventListener("click", () => setTimeout(stripExpanded));
  window.addEventListener("pageshow", () => setTimeout(stripExpanded));
  stripExpanded();
}

// The confirmation page's "Print your copy" button needs JavaScript, so it is shown only here;
// without it the page says to print it from the browser.
export function initPrint() {
  for (const button of document.querySelectorAll("[data-app-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
}

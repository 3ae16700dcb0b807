import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { initPrint, initReveals } from "/static/js/reveals.js";

initAll();
initReveals();
initPrint();

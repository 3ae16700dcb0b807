import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { initReveals } from "/static/js/reveals.js";

initAll();
initReveals();

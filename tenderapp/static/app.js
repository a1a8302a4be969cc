// Starts GOV.UK Frontend's components. Pages work without it; it only adds enhancements.
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

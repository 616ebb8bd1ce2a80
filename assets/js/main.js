// The platform's one script bundle: Bootstrap's components (Popper included for dropdowns,
// tooltips and popovers) plus small progressive enhancements. htmx itself is served from
// django-htmx's vendored copy ({% htmx_script %}) so its version follows the Python package.
import * as bootstrap from "bootstrap";
import { enhanceMentions } from "./mentions.js";
import { startLive } from "./live.js";
import { enableSavedReplies } from "./saved_replies.js";
import { enhanceMessages } from "./messages.js";
import { enhancePeoplePickers } from "./people_picker.js";
import { enhanceComments } from "./comments.js";
import { enableCanvasPrint } from "./canvas.js";
import { enableTrainingPrint } from "./training.js";
import { enableExamTimer } from "./exam_timer.js";
import { enhanceRecurrencePickers } from "./recurrence.js";
import { enhanceMergeSearch } from "./merge.js";
import { enhancePartnerPickers } from "./partner_picker.js";

window.bootstrap = bootstrap;
enableSavedReplies();
enableCanvasPrint();
enableTrainingPrint();
enableExamTimer();

function enhance(root) {
  enhanceMentions(root);
  enhanceMessages(root);
  enhanceRecurrencePickers(root);
  enhanceMergeSearch(root);
  enhancePeoplePickers(root);
  enhancePartnerPickers(root);
  enhanceComments(root);
  root.querySelectorAll('[data-bs-toggle="tooltip"]').forEach((el) => {
    bootstrap.Tooltip.getOrCreateInstance(el);
  });
  root.querySelectorAll('[data-bs-toggle="popover"]').forEach((el) => {
    bootstrap.Popover.getOrCreateInstance(el);
  });
  // Forms marked data-autosubmit submit when a control changes (no inline handlers under CSP).
  root.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    if (form.dataset.autosubmitBound) return;
    form.dataset.autosubmitBound = "1";
    form.addEventListener("change", () => form.requestSubmit());
  });
}

document.addEventListener("DOMContentLoaded", () => {
  enhance(document);
  // The websocket for live updates (signed-in pages only): see live.js.
  startLive();
});
// Content swapped in by htmx gets the same treatment as the initial page.
document.addEventListener("htmx:load", (event) => enhance(event.target));

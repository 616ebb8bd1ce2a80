// The merge page's target search (console): a combobox over the server's listbox of communities
// (listbox.js). Picking one goes straight to the confirmation step with its summary; without
// JavaScript the form searches and lists the matches instead.
import { attachListbox } from "./listbox.js";

export function enhanceMergeSearch(root) {
  root.querySelectorAll("form[data-merge-search]").forEach((form) => {
    if (form.dataset.mergeBound) return;
    form.dataset.mergeBound = "1";
    const input = form.querySelector("input[data-merge-targets-url]");
    const target = form.querySelector('input[name="target"]');
    if (!input || !target) return;
    input.addEventListener("input", () => {
      target.value = "";
    });
    // An empty target must not reach the server as "target=": drop it when nothing was picked.
    form.addEventListener("submit", () => {
      target.disabled = !target.value;
    });
    attachListbox(input, {
      id: "merge-target-box",
      className: "merge-target-box",
      url() {
        const query = input.value.trim();
        return query ? `${input.dataset.mergeTargetsUrl}?q=${encodeURIComponent(query)}` : null;
      },
      pick(item) {
        input.value = item.dataset.name;
        target.value = item.dataset.handle;
        form.requestSubmit();
      },
    });
  });
}

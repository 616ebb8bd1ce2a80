// The partner search of the tandem proposal (meetups.tandems.forms.PartnerProposalForm): the server
// renders a <select> of partner communities (the form works without JavaScript); here a name search
// with the shared combobox of listbox.js takes its place, over the partner options endpoint. The
// hidden select still carries the choice, and the server checks it against the partner list.
import { attachListbox } from "./listbox.js";

function setup(select) {
  if (select.dataset.partnerBound) return;
  select.dataset.partnerBound = "1";
  const search = document.createElement("input");
  search.type = "text";
  search.className = "form-control";
  search.autocomplete = "off";
  search.spellcheck = false;
  search.placeholder = select.dataset.searchLabel || "";
  // The field's <label for> and its error texts now describe the search box.
  search.id = select.id;
  select.id = `${search.id}-value`;
  ["aria-describedby", "aria-invalid"].forEach((name) => {
    if (select.hasAttribute(name)) search.setAttribute(name, select.getAttribute(name));
  });
  const chosen = select.selectedOptions[0];
  if (chosen && chosen.value) search.value = chosen.textContent.trim();
  select.hidden = true;
  select.setAttribute("aria-hidden", "true");
  select.tabIndex = -1;
  select.insertAdjacentElement("afterend", search);
  search.addEventListener("input", () => {
    select.value = "";
  });
  attachListbox(search, {
    id: `${search.id}-box`,
    className: "partner-box",
    enterSubmits: false,
    url() {
      const query = search.value.trim();
      return query ? `${select.dataset.partnerOptionsUrl}?q=${encodeURIComponent(query)}` : null;
    },
    pick(item) {
      select.value = item.dataset.handle;
      search.value = item.dataset.name;
    },
  });
}

export function enhancePartnerPickers(root) {
  if (root.querySelectorAll) root.querySelectorAll("select[data-partner-options-url]").forEach(setup);
}

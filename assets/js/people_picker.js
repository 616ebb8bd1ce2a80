// The person picker of every form that asks for people (intranet.accounts.forms.PersonPicker):
// the server renders a text input taking handles or e-mail addresses (the form works without
// JavaScript); here it becomes a name search with the shared combobox of listbox.js over the
// people options endpoint (typo- and umlaut-tolerant, like the directory). Picked people show as
// chips; the original input, now hidden, carries their handles to the server, which validates them.
import { attachListbox } from "./listbox.js";

let counter = 0;

function setup(input) {
  if (input.dataset.pickerBound) return;
  input.dataset.pickerBound = "1";
  counter += 1;
  const multiple = input.dataset.multiple === "1";
  let chosen = [];
  try {
    chosen = JSON.parse(input.dataset.chosen || "[]");
  } catch (error) {
    chosen = [];
  }
  // Tokens the server sent back (a failed submission) that are no known chip yet show as typed.
  const known = new Set(chosen.map((person) => person.handle));
  input.value
    .split(/[\s,;]+/)
    .map((token) => token.replace(/^@/, ""))
    .filter((token) => token && !known.has(token))
    .forEach((token) => chosen.push({ handle: token, name: token }));
  if (!multiple) chosen = chosen.slice(-1);

  const wrapper = document.createElement("div");
  wrapper.className = "person-picker";
  const chips = document.createElement("ul");
  chips.className = "list-inline mb-1 person-chips";
  const search = document.createElement("input");
  search.type = "text";
  search.className = input.className;
  search.autocomplete = "off";
  search.spellcheck = false;
  search.placeholder = input.getAttribute("placeholder") || input.dataset.searchLabel || "";
  // The field's <label for> and its error and help texts now describe the search box.
  search.id = input.id || `person-picker-${counter}`;
  input.id = `${search.id}-value`;
  ["aria-describedby", "aria-invalid", "aria-required"].forEach((name) => {
    if (input.hasAttribute(name)) search.setAttribute(name, input.getAttribute(name));
  });
  if (input.required) search.setAttribute("aria-required", "true");
  input.required = false;
  input.type = "hidden";
  input.insertAdjacentElement("afterend", wrapper);
  wrapper.append(chips, search);

  function sync() {
    input.value = chosen.map((person) => person.handle).join(", ");
    chips.innerHTML = "";
    chips.hidden = !chosen.length;
    chosen.forEach((person) => {
      const chip = document.createElement("li");
      chip.className = "list-inline-item badge rounded-pill text-bg-light border person-chip";
      chip.dataset.handle = person.handle;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "btn-close btn-close-sm ms-1";
      remove.dataset.removePerson = "";
      remove.setAttribute("aria-label", (input.dataset.removeLabel || "Remove {name}").replace("{name}", person.name));
      chip.append(document.createTextNode(`${person.name} `), remove);
      chips.appendChild(chip);
    });
  }

  attachListbox(search, {
    id: `person-box-${counter}`,
    className: "person-box",
    enterSubmits: false, // Enter picks from the list; it never sends the form half filled in
    url() {
      const query = search.value.trim();
      if (!query) return null;
      const own = input.dataset.self === "0" ? "&self=0" : "";
      return `${input.dataset.optionsUrl}?q=${encodeURIComponent(query)}${own}`;
    },
    pick(item) {
      const person = { handle: item.dataset.handle, name: item.dataset.name || item.dataset.handle };
      if (multiple) {
        if (!chosen.some((other) => other.handle === person.handle)) chosen.push(person);
      } else {
        chosen = [person];
      }
      search.value = "";
      sync();
    },
  });
  chips.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-person]");
    if (!button) return;
    const handle = button.closest(".person-chip").dataset.handle;
    chosen = chosen.filter((person) => person.handle !== handle);
    sync();
    search.focus();
  });
  // A handle or address typed and not picked from the list is sent too: the server resolves it.
  const form = input.form;
  if (form) {
    form.addEventListener("submit", () => {
      const typed = search.value.trim().replace(/^@/, "");
      if (!typed) return;
      input.value = multiple ? [input.value, typed].filter(Boolean).join(", ") : typed;
    });
  }
  sync();
}

export function enhancePeoplePickers(root) {
  if (root.querySelectorAll) root.querySelectorAll("input[data-person-picker]").forEach(setup);
}

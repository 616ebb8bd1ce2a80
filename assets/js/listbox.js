// The one combobox over a server-rendered listbox (ARIA 1.2 pattern), used by the @mention
// autocomplete and the recipient picker. The field (textarea or text input) asks `url()` for HTML
// with `[role="option"][data-handle]` items; arrow keys move, Enter or Tab picks, Escape closes, a
// click picks too. `url()` returns null when there is nothing to look up (the list closes).
export function attachListbox(field, { id, className, url, pick, onClose = () => {}, enterSubmits = true }) {
  const box = document.createElement("div");
  box.id = id;
  box.className = `${className} position-relative`;
  box.hidden = true;
  field.insertAdjacentElement("afterend", box);
  field.setAttribute("role", "combobox");
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-expanded", "false");
  field.setAttribute("aria-controls", box.id);

  let active = -1;
  let controller = null;
  let timer = null;

  const options = () => Array.from(box.querySelectorAll('[role="option"][data-handle]'));

  function close() {
    box.hidden = true;
    box.innerHTML = "";
    active = -1;
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
    onClose();
  }

  function highlight(index) {
    const items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      item.classList.toggle("active", i === active);
    });
    field.setAttribute("aria-activedescendant", items[active].id);
  }

  function choose(item) {
    if (!item) return;
    pick(item);
    close();
    field.focus();
  }

  async function lookup() {
    const target = url();
    if (!target) return close();
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(target, {
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
        signal: controller.signal,
      });
      if (!response.ok) return close();
      box.innerHTML = await response.text();
      box.hidden = false;
      field.setAttribute("aria-expanded", "true");
      highlight(0);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !enterSubmits) event.preventDefault(); // e.g. a search field inside a form
    if (box.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active - 1);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && options().length) {
      event.preventDefault();
      choose(options()[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  field.addEventListener("blur", () => setTimeout(close, 150));
  box.addEventListener("mousedown", (event) => {
    const item = event.target.closest('[role="option"][data-handle]');
    if (item) {
      event.preventDefault();
      choose(item);
    }
  });
  return { close };
}

// @mention autocomplete for textareas marked data-mentions-url (the community's mention endpoint).
// Typing "@" and a few letters asks the server for a listbox of people who can read the community;
// arrow keys move, Enter or Tab picks, Escape closes. The textarea acts as an ARIA combobox.
const MENTION_BEFORE_CARET = /(^|[^\w.+\-@/=&%])@([\w.\-]{1,60})$/;
let counter = 0;

function setup(textarea) {
  if (textarea.dataset.mentionsBound) return;
  textarea.dataset.mentionsBound = "1";
  counter += 1;
  const box = document.createElement("div");
  box.id = `mention-box-${counter}`;
  box.className = "mention-box position-relative";
  box.hidden = true;
  textarea.insertAdjacentElement("afterend", box);
  textarea.setAttribute("role", "combobox");
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-expanded", "false");
  textarea.setAttribute("aria-controls", box.id);

  let active = -1;
  let match = null;
  let controller = null;
  let timer = null;

  const options = () => Array.from(box.querySelectorAll('[role="option"][data-handle]'));

  function close() {
    box.hidden = true;
    box.innerHTML = "";
    active = -1;
    match = null;
    textarea.setAttribute("aria-expanded", "false");
    textarea.removeAttribute("aria-activedescendant");
  }

  function highlight(index) {
    const items = options();
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach((item, i) => {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      item.classList.toggle("active", i === active);
    });
    textarea.setAttribute("aria-activedescendant", items[active].id);
  }

  function pick(item) {
    if (!item || !match) return;
    const caret = textarea.selectionStart;
    const start = caret - match.length;
    const text = textarea.value;
    const insert = `@${item.dataset.handle} `;
    textarea.value = text.slice(0, start) + insert + text.slice(caret);
    const position = start + insert.length;
    textarea.setSelectionRange(position, position);
    close();
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    textarea.focus();
  }

  async function lookup() {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const found = MENTION_BEFORE_CARET.exec(before);
    if (!found) {
      close();
      return;
    }
    match = `@${found[2]}`;
    if (controller) controller.abort();
    controller = new AbortController();
    const url = `${textarea.dataset.mentionsUrl}?q=${encodeURIComponent(found[2])}`;
    try {
      const response = await fetch(url, {
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
        signal: controller.signal,
      });
      if (!response.ok) return close();
      box.innerHTML = await response.text();
      box.hidden = false;
      textarea.setAttribute("aria-expanded", "true");
      highlight(0);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(lookup, 150);
  });
  textarea.addEventListener("keydown", (event) => {
    if (box.hidden) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight(active - 1);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0 && options().length) {
      event.preventDefault();
      pick(options()[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  textarea.addEventListener("blur", () => setTimeout(close, 150));
  box.addEventListener("mousedown", (event) => {
    const item = event.target.closest('[role="option"][data-handle]');
    if (item) {
      event.preventDefault();
      pick(item);
    }
  });
}

export function enhanceMentions(root) {
  root.querySelectorAll("textarea[data-mentions-url]").forEach(setup);
}

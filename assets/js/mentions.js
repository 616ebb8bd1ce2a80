// @mention autocomplete for textareas marked data-mentions-url (the community's mention endpoint).
// Typing "@" and a few letters asks the server for a listbox of people who can read the community
// (the shared combobox of listbox.js: arrow keys move, Enter or Tab picks, Escape closes).
import { attachListbox } from "./listbox.js";

// Unicode-aware (the u flag, \p{L} letters with their combining marks \p{M}): "@Jür" and "@Zoë"
// look people up like "@jue" does. An "@" inside a word or an address (anna@example.com) is not a
// mention.
const MENTION_BEFORE_CARET = /(^|[^\p{L}\p{M}\p{N}_.+\-@/=&%])@([\p{L}\p{M}\p{N}_.\-]{1,60})$/u;
let counter = 0;

function setup(textarea) {
  if (textarea.dataset.mentionsBound) return;
  textarea.dataset.mentionsBound = "1";
  counter += 1;
  let match = null;

  attachListbox(textarea, {
    id: `mention-box-${counter}`,
    className: "mention-box",
    url() {
      const before = textarea.value.slice(0, textarea.selectionStart);
      const found = MENTION_BEFORE_CARET.exec(before);
      if (!found) return null;
      match = `@${found[2]}`;
      return `${textarea.dataset.mentionsUrl}?q=${encodeURIComponent(found[2])}`;
    },
    pick(item) {
      if (!match) return;
      const caret = textarea.selectionStart;
      const start = caret - match.length;
      const text = textarea.value;
      const insert = `@${item.dataset.handle} `;
      textarea.value = text.slice(0, start) + insert + text.slice(caret);
      const position = start + insert.length;
      textarea.setSelectionRange(position, position);
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
    onClose() {
      match = null;
    },
  });
}

export function enhanceMentions(root) {
  root.querySelectorAll("textarea[data-mentions-url]").forEach(setup);
}

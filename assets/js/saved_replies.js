// Saved replies: a click on an option from the picker (loaded by htmx) puts its text into the
// textarea it names, at the cursor, and closes the picker. The text arrives already filled in by
// the server; it is inserted as plain text (no HTML is interpreted).
function insertText(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? textarea.value.length;
  const before = textarea.value.slice(0, start);
  const after = textarea.value.slice(end);
  const glue = before && !before.endsWith("\n") ? "\n" : "";
  textarea.value = before + glue + text + after;
  const caret = (before + glue + text).length;
  textarea.setSelectionRange(caret, caret);
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
  textarea.focus();
}

export function enableSavedReplies() {
  document.addEventListener("click", (event) => {
    const option = event.target.closest("[data-saved-reply-target]");
    if (!option) return;
    const textarea = document.getElementById(option.dataset.savedReplyTarget);
    if (!textarea) return;
    event.preventDefault();
    insertText(textarea, option.dataset.savedReplyText || "");
    const picker = option.closest("details");
    if (picker) picker.open = false;
  });
}

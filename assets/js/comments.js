// Answering threads on a post page: a thread's "Reply" disclosure (a <details> that works without
// JavaScript) puts the focus into its text field when it opens; the reply is sent by htmx and
// appended to the thread in place, the form empties and closes, and an error shows in the form.
// The same reply can also arrive through the live comment stream: the first copy is kept.

function dedupeComments(root) {
  const seen = new Set();
  root.querySelectorAll('article[id^="comment-"]').forEach((item) => {
    if (seen.has(item.id)) item.remove();
    else seen.add(item.id);
  });
}

function setup(box) {
  if (box.dataset.replyBound) return;
  box.dataset.replyBound = "1";
  const form = box.querySelector("form");
  const field = form.querySelector("textarea");
  const error = form.querySelector(".reply-error");
  const toggle = box.querySelector("summary");
  box.addEventListener("toggle", () => {
    if (box.open) field.focus();
  });
  form.querySelector("[data-reply-cancel]").addEventListener("click", () => {
    box.open = false;
    toggle.focus();
  });
  form.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.elt !== form) return;
    if (event.detail.successful) {
      if (error) error.textContent = "";
      field.value = "";
      box.open = false;
      const thread = document.getElementById(`replies-${box.dataset.replyBox}`);
      const added = thread ? thread.lastElementChild : null;
      if (added) added.classList.add("comment-new");
      toggle.focus();
    } else if (error) {
      const xhr = event.detail.xhr;
      error.textContent = xhr && xhr.status >= 400 && xhr.status < 500 ? xhr.responseText : box.dataset.failed || "";
    }
  });
}

export function enhanceComments(root) {
  if (!root.querySelectorAll) return;
  root.querySelectorAll("details[data-reply-box]").forEach(setup);
  const list = document.getElementById("comment-list");
  if (list) dedupeComments(list);
}

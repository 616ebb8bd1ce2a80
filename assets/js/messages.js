// Direct messages in the browser: the open conversation (live messages, typing, presence, compose)
// and the recipient picker of the "New message" page. Events come from live.js as CustomEvents on
// document.body ("live:message-created", "live:typing", "live:presence", "live:presence-snapshot");
// a new message is re-fetched as HTML through the permission-checked fragment view.
import { attachListbox } from "./listbox.js";

const TYPING_SEND_EVERY = 3000; // ms between two "typing" messages while someone keeps typing
const TYPING_SHOWN_FOR = 5000; // ms a "typing" notice stays without a fresh one

function conversationPage(root) {
  if (root.dataset.messagesBound) return;
  root.dataset.messagesBound = "1";
  const topic = root.dataset.topic;
  const conversationId = Number(root.dataset.conversationId);
  const viewerId = Number(root.dataset.viewerId);
  const list = root.querySelector("#message-list");
  const form = root.querySelector("#compose-form");
  const textarea = form ? form.querySelector("textarea[name=body]") : null;
  const typingLine = root.querySelector("#typing-indicator");
  const typers = new Map();
  let lastTypingSent = 0;

  const scrollToEnd = () => {
    list.scrollTop = list.scrollHeight;
  };

  // The sender's own message arrives twice (the form's answer and the live event): keep the first.
  const dedupe = () => {
    const seen = new Set();
    list.querySelectorAll("[data-message-id]").forEach((item) => {
      if (seen.has(item.dataset.messageId)) item.remove();
      else seen.add(item.dataset.messageId);
    });
    const empty = list.querySelector("#messages-empty");
    if (empty && seen.size) empty.remove();
  };

  async function fetchMessage(messageId) {
    if (list.querySelector(`#message-${messageId}`)) return;
    const url = root.dataset.fragmentUrl.replace(/\/0\/$/, `/${messageId}/`);
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } });
      if (!response.ok) return;
      const html = await response.text();
      if (list.querySelector(`#message-${messageId}`)) return;
      const nearEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 120;
      list.insertAdjacentHTML("beforeend", html);
      const added = list.querySelector(`#message-${messageId}`);
      if (added) added.classList.add("message-new");
      dedupe();
      if (nearEnd) scrollToEnd();
    } catch (error) {
      // A lost connection: the message shows on the next load of the page.
    }
  }

  function renderTypers() {
    if (!typingLine) return;
    const names = Array.from(typers.values()).map((entry) => entry.name);
    typingLine.textContent = names.length ? root.dataset.typingLabel.replace("{name}", names.join(", ")) : "";
  }

  function setPresence(userId, online) {
    root.querySelectorAll(`[data-presence-user="${userId}"]`).forEach((item) => {
      const dot = item.querySelector(".presence-dot");
      const label = item.querySelector(".presence-label");
      if (dot) dot.classList.toggle("is-online", online);
      if (label) label.textContent = online ? root.dataset.onlineLabel : root.dataset.offlineLabel;
      item.dataset.online = online ? "1" : "0";
    });
  }

  document.body.addEventListener("live:message-created", (event) => {
    const detail = event.detail || {};
    if (Number(detail.conversation_id) !== conversationId) return;
    typers.clear();
    renderTypers();
    fetchMessage(Number(detail.message_id));
  });

  document.body.addEventListener("live:typing", (event) => {
    const detail = event.detail || {};
    if (detail.topic !== topic || Number(detail.user_id) === viewerId) return;
    const previous = typers.get(detail.user_id);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      typers.delete(detail.user_id);
      renderTypers();
    }, TYPING_SHOWN_FOR);
    typers.set(detail.user_id, { name: detail.name || "…", timer });
    renderTypers();
  });

  document.body.addEventListener("live:presence-snapshot", (event) => {
    const detail = event.detail || {};
    if (detail.topic !== topic) return;
    const online = new Set((detail.user_ids || []).map(Number));
    root.querySelectorAll("[data-presence-user]").forEach((item) => {
      setPresence(item.dataset.presenceUser, online.has(Number(item.dataset.presenceUser)));
    });
  });

  document.body.addEventListener("live:presence", (event) => {
    const detail = event.detail || {};
    if (detail.topic !== topic) return;
    setPresence(detail.user_id, Boolean(detail.online));
    if (!detail.online && typers.has(detail.user_id)) {
      clearTimeout(typers.get(detail.user_id).timer);
      typers.delete(detail.user_id);
      renderTypers();
    }
  });

  if (form && textarea) {
    textarea.addEventListener("input", () => {
      const now = Date.now();
      if (!textarea.value.trim() || now - lastTypingSent < TYPING_SEND_EVERY) return;
      lastTypingSent = now;
      if (window.intranetLive) window.intranetLive.send({ type: "typing", topic });
    });
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        if (textarea.value.trim()) form.requestSubmit();
      }
    });
    form.addEventListener("htmx:afterRequest", (event) => {
      if (event.detail.elt !== form) return;
      if (event.detail.successful && event.detail.target === list) {
        // htmx has already appended the answer (no swap delay): tidy up and show it.
        dedupe();
        scrollToEnd();
        form.reset();
        lastTypingSent = 0;
        const errors = form.querySelector("#compose-errors");
        if (errors) errors.innerHTML = "";
        textarea.focus();
      }
    });
  }
  scrollToEnd();
}

function recipientPicker(input) {
  if (input.dataset.pickerBound) return;
  input.dataset.pickerBound = "1";
  const chips = document.getElementById("recipient-chips");
  const max = Number(input.dataset.maxRecipients || 9);
  const picked = () => Array.from(chips.querySelectorAll("input[name=to]")).map((el) => el.value);

  function addChip(handle, name) {
    if (picked().includes(handle) || picked().length >= max) return;
    const chip = document.createElement("li");
    chip.className = "list-inline-item badge rounded-pill text-bg-light border recipient-chip";
    chip.dataset.handle = handle;
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "to";
    hidden.value = handle;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-close-sm ms-1";
    remove.dataset.removeRecipient = "";
    remove.setAttribute("aria-label", (input.dataset.removeLabel || "Remove {name}").replace("{name}", name));
    chip.append(hidden, document.createTextNode(`${name} `), remove);
    chips.appendChild(chip);
  }

  attachListbox(input, {
    id: "people-box",
    className: "people-box",
    // Enter never submits the form from the search field.
    enterSubmits: false,
    url() {
      const query = input.value.trim();
      return query ? `${input.dataset.peopleUrl}?q=${encodeURIComponent(query)}` : null;
    },
    pick(item) {
      addChip(item.dataset.handle, item.dataset.name);
      input.value = "";
    },
  });
  chips.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-recipient]");
    if (button) {
      button.closest(".recipient-chip").remove();
      input.focus();
    }
  });
}

export function enhanceMessages(root) {
  if (root.querySelector) {
    const page = root.id === "conversation" ? root : root.querySelector("#conversation[data-topic]");
    if (page) conversationPage(page);
    root.querySelectorAll("input[data-people-url]").forEach(recipientPicker);
  }
}

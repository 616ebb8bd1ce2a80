// Live updates: one websocket per tab to the platform's /ws/ endpoint (signed-in pages only; the
// body carries data-live-socket). The socket subscribes every topic named by a data-live-topic
// attribute in the page, also in content htmx swaps in later, and leaves topics whose elements are
// gone. Every event received is dispatched on document.body as a CustomEvent named "live:" + the
// event type with dots as hyphens ("post.created" -> "live:post-created"), detail = the event, so
// templates listen with plain htmx: hx-trigger="live:post-created from:body".
// After a lost connection it reconnects with growing pauses, subscribes again and dispatches
// "live:reconnected" so pages can catch up on what they missed.

const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30000;
const HEARTBEAT_MS = 25000;

function eventName(type) {
  return `live:${String(type).replace(/\./g, "-")}`;
}

function dispatch(type, detail) {
  document.body.dispatchEvent(new CustomEvent(eventName(type), { detail, bubbles: true }));
}

function topicsInPage() {
  const found = new Set();
  document.querySelectorAll("[data-live-topic]").forEach((el) => {
    el.dataset.liveTopic
      .split(/\s+/)
      .filter(Boolean)
      .forEach((topic) => found.add(topic));
  });
  return found;
}

class LiveConnection {
  constructor(url) {
    this.url = url;
    this.socket = null;
    this.pageTopics = new Set(); // named by the page
    this.manualTopics = new Set(); // asked for through window.intranetLive.subscribe
    this.revoked = new Set(); // the server took them away: do not ask again on this page
    this.confirmed = new Set(); // the server said "subscribed" (shown on body[data-live-topics])
    this.delay = RECONNECT_MIN_MS;
    this.opened = false;
    this.heartbeat = null;
    this.syncScheduled = false;
  }

  get wanted() {
    const all = new Set([...this.pageTopics, ...this.manualTopics]);
    this.revoked.forEach((topic) => all.delete(topic));
    return all;
  }

  connect() {
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      this.retry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      const reconnected = this.opened;
      this.opened = true;
      this.delay = RECONNECT_MIN_MS;
      this.wanted.forEach((topic) => this.send({ type: "subscribe", topic }));
      this.heartbeat = window.setInterval(() => this.send({ type: "ping" }), HEARTBEAT_MS);
      document.body.dataset.liveState = "open";
      dispatch(reconnected ? "reconnected" : "connected", {});
    });
    socket.addEventListener("message", (message) => this.receive(message.data));
    socket.addEventListener("close", () => {
      window.clearInterval(this.heartbeat);
      document.body.dataset.liveState = "closed";
      this.confirmed.clear();
      this.showConfirmed();
      if (this.socket === socket) {
        this.socket = null;
        this.retry();
      }
    });
  }

  retry() {
    const pause = this.delay + Math.random() * this.delay * 0.3;
    this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
    window.setTimeout(() => this.connect(), pause);
  }

  isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  send(message) {
    if (!this.isOpen()) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  receive(data) {
    let event;
    try {
      event = JSON.parse(data);
    } catch (error) {
      return;
    }
    if (!event || typeof event.type !== "string") return;
    if (event.type === "subscribed") {
      this.confirmed.add(event.topic);
      (Array.isArray(event.topics) ? event.topics : []).forEach((topic) => this.confirmed.add(topic));
      this.showConfirmed();
    } else if (event.type === "topic.revoked" || event.type === "unsubscribed") {
      if (event.type === "topic.revoked") this.revoked.add(event.topic);
      this.confirmed.delete(event.topic);
      this.showConfirmed();
    }
    dispatch(event.type, event);
  }

  showConfirmed() {
    document.body.dataset.liveTopics = Array.from(this.confirmed).sort().join(" ");
  }

  // Compare the page's topics with what we hold; subscribe the new ones, leave the vanished ones.
  sync() {
    this.syncScheduled = false;
    const before = this.wanted;
    this.pageTopics = topicsInPage();
    const after = this.wanted;
    after.forEach((topic) => {
      if (!before.has(topic)) this.send({ type: "subscribe", topic });
    });
    before.forEach((topic) => {
      if (!after.has(topic)) this.send({ type: "unsubscribe", topic });
    });
  }

  scheduleSync() {
    if (this.syncScheduled) return;
    this.syncScheduled = true;
    window.setTimeout(() => this.sync(), 0);
  }

  subscribe(topic) {
    this.revoked.delete(topic);
    const had = this.wanted.has(topic);
    this.manualTopics.add(topic);
    if (!had) this.send({ type: "subscribe", topic });
  }

  unsubscribe(topic) {
    this.manualTopics.delete(topic);
    if (!this.wanted.has(topic)) this.send({ type: "unsubscribe", topic });
  }
}

// Counters ----------------------------------------------------------------------------------------

function commentsText(count) {
  const strings = document.getElementById("live-strings");
  if (!strings) return null;
  if (count === 1) return strings.dataset.commentsOne;
  return (strings.dataset.commentsOther || "").replace("7", String(count));
}

function updateReactionBar(bar, counts) {
  if (!bar) return;
  bar.querySelectorAll("[data-reaction]").forEach((el) => {
    const count = Number((counts || {})[el.dataset.reaction] || 0);
    let number = el.querySelector(".reaction-count");
    if (el.tagName === "BUTTON") {
      if (count > 0) {
        if (!number) {
          el.append(" ");
          number = document.createElement("span");
          number.className = "reaction-count";
          el.append(number);
        }
        number.textContent = String(count);
      } else if (number) {
        const space = number.previousSibling;
        if (space && space.nodeType === Node.TEXT_NODE && !space.textContent.trim()) space.remove();
        number.remove();
      }
    } else {
      if (number) number.textContent = String(count);
      el.classList.toggle("d-none", count === 0);
    }
  });
}

function onPostCounters(event) {
  const detail = event.detail || {};
  const text = commentsText(Number(detail.comment_count || 0));
  if (text) {
    document.querySelectorAll(`[data-live-comments="${Number(detail.post_id)}"]`).forEach((el) => {
      el.textContent = text;
    });
  }
  updateReactionBar(document.getElementById(`reactions-post-${Number(detail.post_id)}`), detail.reaction_counts);
}

function onCommentCounters(event) {
  const detail = event.detail || {};
  updateReactionBar(document.getElementById(`reactions-comment-${Number(detail.comment_id)}`), detail.reaction_counts);
}

// Hidden and restored posts -----------------------------------------------------------------------
// "post.hidden" / "post.restored" say only which post changed: who still sees it differs (its author
// and moderators do), so every card of it asks its permission-checked card URL. A 404 greys the card
// (a placeholder keeps its place, so a restore can fill it again); a 200 replaces it (moderators get
// the card with its "hidden" badge). On the post page itself the article is greyed with a notice.

function liveString(name) {
  const strings = document.getElementById("live-strings");
  return (strings && strings.dataset[name]) || "";
}

function fetchCard(article) {
  const url = article.dataset.cardUrl;
  if (!url) return Promise.resolve(null);
  return fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } }).then((response) => {
    if (response.status === 404) return { gone: true };
    if (!response.ok) return null;
    return response.text().then((html) => ({ gone: false, html }));
  });
}

function greyCard(article) {
  article.classList.add("opacity-50");
  article.dataset.postGone = "1";
  const body = article.querySelector(".card-body") || article;
  const note = document.createElement("p");
  note.className = "text-body-secondary fst-italic mb-0";
  note.dataset.postTombstone = "1";
  note.textContent = liveString("postHidden");
  body.replaceChildren(note);
}

function replaceCard(article, html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const fresh = template.content.firstElementChild;
  if (!fresh) return;
  article.replaceWith(fresh);
  if (window.htmx) window.htmx.process(fresh);
}

function markPostPage(article, hidden, visibleToMe) {
  const notice = article.querySelector("[data-post-hidden-notice]");
  let badge = article.querySelector("[data-post-status]");
  if (hidden && !visibleToMe) {
    article.classList.add("opacity-50");
    article.dataset.postGone = "1";
    if (notice) notice.hidden = false;
  } else if (hidden) {
    if (!badge) {
      const row = article.querySelector(".card-body > .d-flex");
      badge = document.createElement("span");
      badge.className = "badge text-bg-warning";
      badge.dataset.postStatus = "1";
      badge.textContent = liveString("postHiddenBadge");
      if (row) row.append(badge);
    }
  } else {
    article.classList.remove("opacity-50");
    delete article.dataset.postGone;
    if (notice) notice.hidden = true;
    if (badge) badge.remove();
  }
}

function onPostVisibility(event) {
  const detail = event.detail || {};
  const hidden = detail.type === "post.hidden";
  const id = Number(detail.post_id);
  if (!id) return;
  document.querySelectorAll(`[data-post="${id}"]`).forEach((article) => {
    fetchCard(article).then((answer) => {
      if (!answer) return;
      if (article.hasAttribute("data-post-page")) {
        markPostPage(article, hidden || answer.gone, !answer.gone);
      } else if (answer.gone) {
        greyCard(article);
      } else {
        replaceCard(article, answer.html);
      }
      document.body.dispatchEvent(new CustomEvent("live:post-visibility-done", { detail, bubbles: true }));
    });
  });
}

// Start -------------------------------------------------------------------------------------------

export function startLive() {
  const path = document.body && document.body.dataset.liveSocket;
  if (!path || !("WebSocket" in window) || window.intranetLive) return;
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  const live = new LiveConnection(`${scheme}//${window.location.host}${path}`);
  window.intranetLive = {
    send: (message) => live.send(message),
    subscribe: (topic) => live.subscribe(topic),
    unsubscribe: (topic) => live.unsubscribe(topic),
    topics: () => Array.from(live.wanted),
  };
  live.pageTopics = topicsInPage();
  document.body.addEventListener("live:post-counters", onPostCounters);
  document.body.addEventListener("live:comment-counters", onCommentCounters);
  document.body.addEventListener("live:post-hidden", onPostVisibility);
  document.body.addEventListener("live:post-restored", onPostVisibility);
  // Content swapped in (htmx:load) may name topics; swapped-out content may have named some.
  document.addEventListener("htmx:load", () => live.scheduleSync());
  document.addEventListener("htmx:afterSettle", () => live.scheduleSync());
  live.connect();
}

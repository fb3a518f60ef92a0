// The web chat page: shows one sandbox group as a chat and posts into it as its members.
// Its requests carry this run's key in a cookie the server set when the printed address
// (/?token=...) was opened; the browser sends it to this page's own server only.
// What people typed is only ever set with textContent; the bot's messages arrive as HTML the
// server has already cleaned down to Telegram's tags.
"use strict";

const NEW_MEMBER = "new";
// The reactions Telegram's apps offer first, from its standard set.
const REACTIONS = ["👍", "❤", "🔥", "🎉", "🤔", "👏", "😁", "😢", "🙏", "👌", "💯", "🤝"];
const MAX_UNITS = 4096; // Telegram's limit for one message, in UTF-16 code units (JS length)
const COMMANDS = [
  ["/curious ", "say what you are curious about today"],
  ["/curiosities", "what members are curious about"],
  ["/digest", "today's digest so far"],
  ["/week", "this week's digest so far"],
  ["/today", "today's passage again"],
  ["/settime 09:00", "admins: morning post time"],
  ["/setdigest 21:00", "admins: evening digest time"],
  ["/suggest ", "suggest a passage (or reply to a message with /suggest)"],
  ["/upcoming", "what the next seven days bring"],
  ["/suggestions", "admins: the suggestions waiting"],
  ["/status", "time zone and next post"],
  ["/help", "all commands"],
];

const state = {
  chatId: null,
  botId: null,
  botName: "",
  chatType: null,
  nodes: new Map(),
  views: new Map(),
  replyTo: null,
  quote: null, // {text, offset}: the part of the replied-to message the reply quotes
  selection: null, // {messageId, text, offset}: text selected in a message, ready to quote
  pendingJump: null, // a message to show once the chat it is in has loaded
  timezone: undefined, // the chat's time zone, once the clock has said it (else the browser's)
  heldWhileLoading: null, // live events that came while a snapshot of the chat was loading
};
const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

function setStatus(text, isError = false) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", isError);
}

function timeOf(unix) {
  // The clock moves across days, so say which day too; 24-hour, in the chat's zone, as the
  // clock bar and the bot write times.
  const options = { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  return new Date(unix * 1000).toLocaleString([], { ...options, timeZone: state.timezone });
}

function hueOf(id) {
  return (Math.abs(Number(id)) * 47) % 360;
}

// Rendering ---------------------------------------------------------------------------------

function renderBody(view) {
  const body = el("div", "body");
  if (view.html !== null) {
    body.innerHTML = view.html; // cleaned server-side to Telegram's tags
  } else {
    body.textContent = view.text;
  }
  if (view.media) body.prepend(el("span", "media", `[${view.media}] `));
  if (view.document) {
    const link = el("a", "document", view.document.name);
    link.href = view.document.url;
    link.setAttribute("download", view.document.name);
    body.append(el("br"), link);
  }
  return body;
}

function renderHeader(view) {
  const header = el("div", "meta");
  const author = el("span", "author", view.from.name);
  author.style.color = view.from.is_bot ? "" : `hsl(${hueOf(view.from.id)} 55% 38%)`;
  header.append(author);
  const parent = state.views.get(view.reply_to);
  if (parent) header.append(el("span", "to", `↳ to ${parent.from.name}`));
  header.append(el("time", "time", timeOf(view.date) + (view.edited ? " · edited" : "")));
  return header;
}

function renderCard(view) {
  if (view.service) return el("div", "service", view.service);
  const card = el("article", view.from.is_bot ? "msg bot" : "msg");
  card.dataset.id = view.message_id;
  card.dataset.author = view.from.name;
  if (view.reply_to !== null && !state.views.has(view.reply_to)) {
    card.append(el("div", "orphan", "↳ reply to a message that is no longer here"));
  }
  const reply = el("button", "reply-btn", "Reply");
  reply.type = "button";
  reply.addEventListener("click", () => startReply(view.message_id));
  const quote = el("button", "reply-btn quote-btn", "Reply quoting the selection");
  quote.type = "button";
  quote.hidden = true;
  // Pressing the button must not clear the selection it is about to quote.
  quote.addEventListener("mousedown", (event) => event.preventDefault());
  quote.addEventListener("click", () => startQuotedReply(view.message_id));
  card.append(renderHeader(view));
  if (view.quote) card.append(el("blockquote", "quoted", view.quote));
  card.append(renderBody(view));
  if (view.buttons && view.buttons.length) card.append(renderKeyboard(view));
  if (view.poll) card.append(renderPoll(view));
  card.append(renderReactions(view), reply, reactButton(view), quote);
  return card;
}

// An inline keyboard under a bot message: a press goes as the member chosen below.
function renderKeyboard(view) {
  const keyboard = el("div", "keyboard");
  for (const row of view.buttons) {
    const line = el("div", "keyboard-row");
    for (const button of row) {
      const press = el("button", "inline-btn", button.text);
      press.type = "button";
      press.addEventListener("click", () => pressButton(view.message_id, button.data));
      line.append(press);
    }
    keyboard.append(line);
  }
  return keyboard;
}

async function pressButton(messageId, data) {
  if ($("member").value === NEW_MEMBER) return setStatus("Choose who presses it first.", true);
  const body = {
    chat_id: state.chatId, user_id: Number($("member").value), message_id: messageId, data,
  };
  try {
    const { answer } = await api("/api/press", body);
    setStatus(answer.text ? `${state.botName}: ${answer.text}` : "", false);
  } catch (error) {
    setStatus(`Not pressed: ${error.message}`, true);
  }
}


// Voices without words: reactions under each message, and the bot's poll -----------------

function renderReactions(view) {
  const row = el("div", "reactions");
  for (const [emoji, total] of Object.entries(view.reactions || {})) {
    const chip = el("button", "reaction", `${emoji} ${total}`);
    chip.type = "button";
    chip.title = "React with this too (again to take it back)";
    chip.addEventListener("click", () => react(view.message_id, emoji));
    row.append(chip);
  }
  return row;
}

function reactButton(view) {
  const button = el("button", "reply-btn react-btn", "React");
  button.type = "button";
  button.addEventListener("click", () => togglePicker(button, view.message_id));
  return button;
}

function togglePicker(button, messageId) {
  const open = button.parentElement.querySelector(":scope > .picker");
  if (open) return open.remove();
  const picker = el("div", "picker");
  for (const emoji of REACTIONS) {
    const choice = el("button", "pick", emoji);
    choice.type = "button";
    choice.addEventListener("click", () => {
      picker.remove();
      react(messageId, emoji);
    });
    picker.append(choice);
  }
  button.after(picker);
}

function showReactions(messageId, reactions) {
  const view = state.views.get(messageId);
  if (!view) return;
  view.reactions = reactions;
  const card = state.nodes.get(messageId)?.firstChild;
  card?.querySelector(":scope > .reactions")?.replaceWith(renderReactions(view));
}

async function react(messageId, emoji) {
  try {
    const body = { chat_id: state.chatId, message_id: messageId, emoji, ...sender() };
    const { reactions } = await api("/api/react", body);
    showReactions(messageId, reactions);
  } catch (error) {
    setStatus(`Could not react: ${error.message}`, true);
  }
}

function renderPoll(view) {
  const poll = el("div", view.poll.closed ? "poll closed" : "poll");
  poll.append(el("div", "question", view.poll.question + (view.poll.closed ? " (closed)" : "")));
  view.poll.options.forEach((option, index) => {
    const answer = el("button", "answer", `${option.text} · ${option.votes}`);
    answer.type = "button";
    answer.disabled = view.poll.closed;
    answer.addEventListener("click", () => vote(view.message_id, index));
    poll.append(answer);
  });
  return poll;
}

async function vote(messageId, option) {
  try {
    const body = { chat_id: state.chatId, message_id: messageId, option, ...sender() };
    await api("/api/vote", body);
  } catch (error) {
    setStatus(`Could not vote: ${error.message}`, true);
  }
}

function sender() {
  const chosen = $("member").value;
  if (chosen === NEW_MEMBER) return { name: $("new-member").value.trim() };
  return { user_id: Number(chosen) };
}

function insertOrdered(container, node, id) {
  const after = [...container.children].find((child) => Number(child.dataset.id) > id);
  container.insertBefore(node, after || null);
}

function upsert(view, live = false) {
  state.views.set(view.message_id, view);
  let node = state.nodes.get(view.message_id);
  if (node) {
    node.replaceChild(renderCard(view), node.firstChild);
    return;
  }
  $("empty").hidden = true;
  node = el("div", "node");
  node.dataset.id = view.message_id;
  node.append(renderCard(view), el("div", "replies"));
  const parent = state.nodes.get(view.reply_to);
  const container = parent ? parent.lastChild : $("messages");
  insertOrdered(container, node, view.message_id);
  state.nodes.set(view.message_id, node);
  if (live) {
    node.firstChild.classList.add("fresh");
    node.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

function remove(messageId) {
  const node = state.nodes.get(messageId);
  if (!node) return;
  // Replies to a deleted message stay in place, as on Telegram.
  node.firstChild.replaceWith(el("div", "service", "message deleted"));
  state.views.delete(messageId);
}

function renderAll(messages) {
  state.nodes.clear();
  state.views.clear();
  const list = $("messages");
  list.replaceChildren($("empty"));
  $("empty").hidden = messages.length > 0;
  $("empty").textContent = "No messages yet.";
  for (const view of messages) upsert(view);
  list.scrollTop = list.scrollHeight;
}

function renderMembers(members, selectId) {
  const picker = $("member");
  const keep = selectId ?? picker.value;
  picker.replaceChildren();
  for (const member of members) {
    const label = member.admin ? `${member.name} (admin)` : member.name;
    const option = el("option", "", label);
    option.value = member.id;
    picker.append(option);
  }
  const other = el("option", "", "+ New member…");
  other.value = NEW_MEMBER;
  if (state.chatType !== "private") picker.append(other);
  if (keep && [...picker.options].some((o) => o.value === String(keep))) picker.value = keep;
  $("member-count").textContent = state.chatType === "private"
    ? "a private chat with the bot"
    : `${members.length} ${members.length === 1 ? "member" : "members"}`;
  toggleNewMember();
}

function renderChats(chats, botName) {
  const picker = $("chat-picker");
  picker.replaceChildren();
  for (const chat of chats) {
    const label = chat.type === "private" ? `${chat.title} ↔ ${botName} (private)` : chat.title;
    const option = el("option", "", label);
    option.value = chat.id;
    picker.append(option);
  }
  picker.value = state.chatId;
  picker.hidden = chats.length < 2;
}

// Actions -----------------------------------------------------------------------------------

function startReply(messageId, quote = null) {
  const view = state.views.get(messageId);
  if (!view) return;
  state.replyTo = messageId;
  state.quote = quote;
  $("replying-how").textContent = quote ? "Quoting" : "Replying to";
  $("replying-name").textContent = view.from.name;
  const snippet = quote ? `“${quote.text}”` : view.text ?? (new DOMParser().parseFromString(view.html, "text/html").body.textContent || "");
  $("replying-text").textContent = snippet.length > 80 ? `${snippet.slice(0, 80)}…` : snippet;
  $("replying").hidden = false;
  $("text").focus();
}

function startQuotedReply(messageId) {
  const selected = state.selection;
  if (!selected || selected.messageId !== messageId) return startReply(messageId);
  startReply(messageId, { text: selected.text, offset: selected.offset });
}

function cancelReply() {
  state.replyTo = null;
  state.quote = null;
  $("replying").hidden = true;
}

// Text selected inside one message's body can be quoted in a reply, as on Telegram.
function noteSelection() {
  const selection = document.getSelection();
  const text = selection && !selection.isCollapsed ? selection.toString().trim() : "";
  const startBody = text ? selection.getRangeAt(0).startContainer.parentElement?.closest(".body") : null;
  const endBody = text ? selection.getRangeAt(0).endContainer.parentElement?.closest(".body") : null;
  for (const button of document.querySelectorAll(".quote-btn")) button.hidden = true;
  state.selection = null;
  if (!startBody || startBody !== endBody) return;
  const card = startBody.closest("article.msg");
  const before = document.createRange();
  before.setStart(startBody, 0);
  before.setEnd(selection.getRangeAt(0).startContainer, selection.getRangeAt(0).startOffset);
  state.selection = { messageId: Number(card.dataset.id), text, offset: before.toString().length };
  card.querySelector(":scope > .quote-btn").hidden = false;
}

function toggleNewMember() {
  const isNew = $("member").value === NEW_MEMBER;
  $("new-member").hidden = !isNew;
  if (isNew) $("new-member").focus();
}

async function send(event) {
  event.preventDefault();
  const text = $("text").value;
  if (!text.trim()) return;
  const body = { chat_id: state.chatId, text, reply_to: state.replyTo };
  if (state.quote) body.quote = state.quote;
  if ($("member").value === NEW_MEMBER) {
    body.name = $("new-member").value.trim();
    if (!body.name) return setStatus("Type the new member's name first.", true);
  } else {
    body.user_id = Number($("member").value);
  }
  try {
    // A text over Telegram's limit comes back as the several messages it went as.
    const { message, messages } = await api("/api/send", body);
    for (const part of messages) upsert(part, true);
    $("text").value = "";
    $("new-member").value = "";
    cancelReply();
    if (body.name) await refreshMembers(message.from.id);
    setStatus("");
  } catch (error) {
    setStatus(`Not sent: ${error.message}`, true);
  }
}

// Links to messages ------------------------------------------------------------------------

function showMessage(messageId) {
  const node = state.nodes.get(messageId);
  if (!node || !state.views.has(messageId)) {
    setStatus("That message is no longer here.", true);
    return;
  }
  const card = node.firstChild;
  card.scrollIntoView({ block: "center", behavior: "smooth" });
  card.classList.remove("highlight");
  void card.offsetWidth; // restart the animation on a second click
  card.classList.add("highlight");
}

function followLink(event) {
  const link = event.target.closest("a.msg-link");
  if (!link) return false;
  event.preventDefault();
  const chatId = Number(link.dataset.chat);
  const messageId = Number(link.dataset.message);
  if (chatId === state.chatId) {
    showMessage(messageId);
  } else {
    state.pendingJump = messageId;
    switchChat(chatId);
  }
  return true;
}

function switchChat(chatId) {
  state.chatId = chatId;
  cancelReply();
  listen();
}

async function openPrivateChat() {
  const userId = Number($("member").value);
  if (!userId) return setStatus("Pick a member first.", true);
  try {
    const { chat } = await api("/api/private", { user_id: userId });
    switchChat(chat.id);
  } catch (error) {
    setStatus(`Could not open the private chat: ${error.message}`, true);
  }
}

async function refreshMembers(selectId) {
  const data = await api(`/api/state?chat_id=${state.chatId}`);
  renderMembers(data.members, selectId);
}

async function load() {
  const query = state.chatId === null ? "" : `?chat_id=${state.chatId}`;
  const data = await api(`/api/state${query}`);
  state.chatId = data.chat.id;
  state.botId = data.bot.id;
  state.botName = data.bot.name;
  state.chatType = data.chat.type;
  const isPrivate = data.chat.type === "private";
  const title = isPrivate ? `${data.chat.title} ↔ ${data.bot.name}` : data.chat.title;
  $("chat-title").textContent = title;
  document.title = `${title}: Commons Bot`;
  renderChats(data.chats, data.bot.name);
  renderMembers(data.members);
  $("private").hidden = isPrivate;
  await refreshClock(); // first: its time zone is the one message times are written in
  renderAll(data.messages);
  if (state.pendingJump !== null) {
    showMessage(state.pendingJump);
    state.pendingJump = null;
  }
  return data;
}

// Live updates ------------------------------------------------------------------------------

let source = null;

function listen() {
  if (source) source.close();
  const query = state.chatId === null ? "" : `?chat_id=${state.chatId}`;
  source = new EventSource(`/api/events${query}`);
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    // On every (re)connection, reload, so nothing sent while disconnected is missed. What
    // arrives while the page loads may be newer than the snapshot being loaded: it is held
    // and shown once the snapshot is drawn, never drawn over by it.
    if (data.type === "hello") {
      state.chatId = data.chat_id;
      state.heldWhileLoading = [];
      load()
        .catch((error) => setStatus(`Could not load the chat: ${error.message}`, true))
        .finally(() => {
          const held = state.heldWhileLoading || [];
          state.heldWhileLoading = null;
          for (const each of held) showLive(each);
        });
    } else if (state.heldWhileLoading) {
      state.heldWhileLoading.push(data);
    } else {
      showLive(data);
    }
  };
  source.onerror = () => {
    // A refused stream (no key) is closed for good; a dropped one reconnects by itself.
    if (source.readyState === EventSource.CLOSED) {
      setStatus("The web chat refused this page: open the address `python -m bot run` printed.", true);
    } else {
      setStatus("Reconnecting to the chat…");
    }
  };
  source.onopen = () => setStatus("");
}

function showLive(data) {
  if (data.type === "message" || data.type === "edited") {
    upsert(data.message, true);
  } else if (data.type === "deleted") {
    remove(data.message_id);
  } else if (data.type === "reactions") {
    showReactions(data.message_id, data.reactions);
  } else if (data.type === "members") {
    renderMembers(data.members);
  }
}

// Wiring ------------------------------------------------------------------------------------

function addCommandHints() {
  for (const [command, help] of COMMANDS) {
    const chip = el("button", "chip", command.trim());
    chip.type = "button";
    chip.title = help;
    chip.addEventListener("click", () => {
      $("text").value = command;
      $("text").focus();
    });
    $("commands").append(chip);
  }
}

// Telegram's apps send a long text as several messages; say so before it goes.
function noteLength() {
  const length = $("text").value.length;
  if (length > MAX_UNITS) {
    setStatus(`${length} characters: it goes as several messages of at most ${MAX_UNITS}, as on Telegram.`);
  } else if ($("status").textContent.includes("goes as several messages")) {
    setStatus("");
  }
}

function toggleFormatting(event) {
  if (followLink(event)) return;
  const spoiler = event.target.closest(".tg-spoiler");
  if (spoiler) spoiler.classList.add("revealed");
  const quote = event.target.closest("blockquote.expandable");
  if (quote) quote.classList.toggle("open");
}

function wire() {
  addCommandHints();
  $("send-form").addEventListener("submit", send);
  $("text").addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    $("send-form").requestSubmit();
  });
  $("text").addEventListener("input", noteLength);
  $("member").addEventListener("change", toggleNewMember);
  $("cancel-reply").addEventListener("click", cancelReply);
  wireClock();
  $("private").addEventListener("click", openPrivateChat);
  document.addEventListener("selectionchange", noteSelection);
  $("messages").addEventListener("click", toggleFormatting);
  $("chat-picker").addEventListener("change", (event) => switchChat(Number(event.target.value)));
}

// The server has kept the key from the address in a cookie: take it out of the address bar,
// history and any screenshot.
function hideKey() {
  if (new URLSearchParams(location.search).has("token")) history.replaceState(null, "", "/");
}

hideKey();
wire();
listen();

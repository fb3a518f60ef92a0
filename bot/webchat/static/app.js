// The web chat page: shows one sandbox group as a chat and posts into it as its members.
// What people typed is only ever set with textContent; the bot's messages arrive as HTML the
// server has already cleaned down to Telegram's tags.
"use strict";

const NEW_MEMBER = "new";
const COMMANDS = [
  ["/curious ", "say what you are curious about today"],
  ["/curiosities", "what members are curious about"],
  ["/digest", "today's digest so far"],
  ["/week", "this week's digest so far"],
  ["/today", "today's passage again"],
  ["/settime 09:00", "admins: morning post time"],
  ["/setdigest 21:00", "admins: evening digest time"],
  ["/status", "time zone and next post"],
  ["/help", "all commands"],
];

const state = { chatId: null, botId: null, nodes: new Map(), views: new Map(), replyTo: null };
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
  return new Date(unix * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
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
  card.append(renderHeader(view), renderBody(view), reply);
  return card;
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
  picker.append(other);
  if (keep && [...picker.options].some((o) => o.value === String(keep))) picker.value = keep;
  $("member-count").textContent = `${members.length} members`;
  toggleNewMember();
}

function renderChats(chats) {
  const picker = $("chat-picker");
  picker.replaceChildren();
  for (const chat of chats) {
    const option = el("option", "", chat.title);
    option.value = chat.id;
    picker.append(option);
  }
  picker.value = state.chatId;
  picker.hidden = chats.length < 2;
}

// Actions -----------------------------------------------------------------------------------

function startReply(messageId) {
  const view = state.views.get(messageId);
  if (!view) return;
  state.replyTo = messageId;
  $("replying-name").textContent = view.from.name;
  const snippet = view.text ?? (new DOMParser().parseFromString(view.html, "text/html").body.textContent || "");
  $("replying-text").textContent = snippet.length > 80 ? `${snippet.slice(0, 80)}…` : snippet;
  $("replying").hidden = false;
  $("text").focus();
}

function cancelReply() {
  state.replyTo = null;
  $("replying").hidden = true;
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
  if ($("member").value === NEW_MEMBER) {
    body.name = $("new-member").value.trim();
    if (!body.name) return setStatus("Type the new member's name first.", true);
  } else {
    body.user_id = Number($("member").value);
  }
  try {
    const { message } = await api("/api/send", body);
    upsert(message, true);
    $("text").value = "";
    $("new-member").value = "";
    cancelReply();
    if (body.name) await refreshMembers(message.from.id);
    setStatus("");
  } catch (error) {
    setStatus(`Not sent: ${error.message}`, true);
  }
}

async function skipToEvening() {
  setStatus("Skipping to evening: asking the bot for the digest…");
  try {
    await api("/api/evening", { chat_id: state.chatId });
    setStatus("The bot is posting the evening digest.");
  } catch (error) {
    setStatus(`Could not skip to evening: ${error.message}`, true);
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
  $("chat-title").textContent = data.chat.title;
  document.title = `${data.chat.title}: Commons Bot`;
  renderChats(data.chats);
  renderMembers(data.members);
  renderAll(data.messages);
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
    // On every (re)connection, reload, so nothing sent while disconnected is missed.
    if (data.type === "hello") {
      state.chatId = data.chat_id;
      load().catch((error) => setStatus(`Could not load the chat: ${error.message}`, true));
    } else if (data.type === "message" || data.type === "edited") {
      upsert(data.message, true);
    } else if (data.type === "deleted") {
      remove(data.message_id);
    } else if (data.type === "members") {
      renderMembers(data.members);
    }
  };
  source.onerror = () => setStatus("Reconnecting to the chat…");
  source.onopen = () => setStatus("");
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

function toggleFormatting(event) {
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
  $("member").addEventListener("change", toggleNewMember);
  $("cancel-reply").addEventListener("click", cancelReply);
  $("evening").addEventListener("click", skipToEvening);
  $("messages").addEventListener("click", toggleFormatting);
  $("chat-picker").addEventListener("change", (event) => {
    state.chatId = Number(event.target.value);
    cancelReply();
    listen();
  });
}

wire();
listen();

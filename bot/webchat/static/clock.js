// The bot's clock on the web chat page: where it is, and the buttons that move it forward.
// Loaded before app.js, whose helpers ($, api, setStatus, state) it uses when called.
"use strict";

const CLOCK_BUTTONS = { evening: "to-evening", morning: "to-morning", week: "to-week" };

function renderClock(clock) {
  $("clock").hidden = !clock || !clock.local;
  if (!clock || !clock.local) return;
  state.timezone = clock.timezone;
  $("now").textContent = `${clock.local} (${clock.timezone})`;
  for (const [target, id] of Object.entries(CLOCK_BUTTONS)) {
    const when = clock.targets[target];
    $(id).title = when === clock.local ? "Already here: nothing more is due" : `Move the clock to ${when}`;
  }
  $("day").min = clock.today;
}

async function refreshClock() {
  const { clock } = await api(`/api/clock?chat_id=${state.chatId}`);
  renderClock(clock);
}

async function moveClock(to) {
  const buttons = document.querySelectorAll("#clock button");
  for (const button of buttons) button.disabled = true;
  setStatus("Moving the clock: the bot posts whatever falls due on the way…");
  try {
    const { clock } = await api("/api/clock", { chat_id: state.chatId, to });
    renderClock(clock);
    // The bot says it, in the chat's language, counting what this chat received.
    setStatus(clock.summary);
  } catch (error) {
    setStatus(`Could not move the clock: ${error.message}`, true);
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

function wireClock() {
  for (const id of Object.values(CLOCK_BUTTONS)) {
    $(id).addEventListener("click", (event) => moveClock(event.currentTarget.dataset.to));
  }
  $("day-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if ($("day").value) moveClock($("day").value);
  });
}

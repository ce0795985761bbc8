// The live coach: says, shows and vibrates each change of the plan a few seconds before it and at it.
// Time plans follow the clock; route plans follow GPS along the route (geometry.js) and fall back to the clock,
// saying so, when the fix is poor, lost, off the route or going the other way. Everything needed is cached
// (service worker) and the state lives in localStorage, so a reload, or no network, does not end a walk; what
// was done waits in an outbox until it reaches the session log.
import { Tracker, prepareRoute, stepAt, stepAtTime } from "./geometry.js";

const data = JSON.parse(document.getElementById("walk-data").textContent);
const segments = data.segments;
const onRoute = data.kind === "route" && data.route !== null;
const KEY = `retrowalk-walk-${data.id}`;
const OUTBOX = "retrowalk-outbox";
const PRE_CUE_S = 10;
const TICK_MS = 250;
const mph = data.units === "mph";
const $ = (id) => document.getElementById(id);
// Every word comes from the page (walks/live.py WORDS), in the walker's language, with its %(name)s places.
const W = data.words;
const tx = (key, vars = {}) => (W[key] ?? key).replace(/%\((\w+)\)s|%%/g,
  (match, name) => (name ? String(vars[name]) : "%"));
const plural = (forms, n) => (n === 1 ? forms[0] : forms[1]);

const fresh = () => ({
  status: "ready", startedAt: null, pausedAt: null, pausedMs: 0, skipS: 0, minIndex: 0, index: -1, preCued: -1,
  backwardS: 0, forwardS: 0, runS: 0, along: 0, alongAtS: 0, startAlong: null, skipped: [], anySkipped: false,
  mode: onRoute ? "route" : "time", reason: onRoute ? "start" : "", firstBoutDone: false, scores: {},
  facing: "forward",  // the way she was last told to face: "face forward" is said only to someone who turned
});
let s = Object.assign(fresh(), JSON.parse(localStorage.getItem(KEY) || "null") || {});
const save = () => localStorage.setItem(KEY, JSON.stringify(s));

const route = onRoute ? prepareRoute(data.route.lat, data.route.lon, data.route.dist) : null;
// After a reload the walker is looked for near where the walk had got to.
const tracker = onRoute ? new Tracker(route, undefined, s.along) : null;
let watchId = null;
let needsTap = false;  // after a reload: sound and speech need a tap first
let timer = null;
let audio = null;
let wakeLock = null;

// --- output: speech, vibration, sound ---------------------------------------------------------------------------

// Each cue is spoken and also written to a live region, so a screen reader announces it too (the ticking
// countdown itself is not live: it would be read out four times a second).
function say(text) {
  const region = $("announce");
  if (region) region.textContent = text;
  if ("speechSynthesis" in window) {
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = data.lang;
    window.speechSynthesis.speak(utterance);
  }
}

function vibrate(pattern) {
  if (navigator.vibrate) navigator.vibrate(pattern);
}

function beep(times) {
  if (!audio) return;
  for (let i = 0; i < times; i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.25;
    osc.connect(gain).connect(audio.destination);
    const at = audio.currentTime + i * 0.3;
    osc.start(at);
    osc.stop(at + 0.18);
  }
}

// --- words ----------------------------------------------------------------------------------------------------------

const clock = (seconds) => {
  const t = Math.max(0, Math.round(seconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const sec = String(t % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
};
const spokenTime = (seconds) => {
  const t = Math.round(seconds);
  if (t < 60) return tx("seconds", { n: t });
  const m = Math.floor(t / 60);
  const rest = t % 60;
  return rest ? tx(plural(W.minutes_seconds, m), { n: m, s: rest }) : tx(plural(W.minutes, m), { n: m });
};
const distance = (metres) => {
  if (mph) {
    const feet = metres / 0.3048;
    return feet < 1000 ? `${Math.round(feet / 10) * 10} ft` : `${(metres / 1609.344).toFixed(2)} mi`;
  }
  return metres < 1000 ? `${Math.round(metres / 5) * 5} m` : `${(metres / 1000).toFixed(2)} km`;
};
const speed = (kmh) => (mph ? `${(kmh / 1.609344).toFixed(1)} mph` : `${kmh.toFixed(1)} km/h`);

// Backward only where the plan says so and it is safe to say it now: not a bout the walker skipped, and on a
// route only while GPS shows them going the planned way (10 m of forward progress first: someone starting, or
// starting again, in the wrong direction is never told to walk backward, which that way would be downhill).
function wayOf(seg, index = s.index) {
  if (seg.direction !== "backward" || s.skipped.includes(index)) return "forward";
  if (!onRoute) return "backward";
  const moving = s.startAlong !== null && s.along - s.startAlong >= 10;
  return s.reason === "" && moving ? "backward" : "forward";
}

function detail(seg) {
  const parts = [];
  if (seg.terrain && seg.terrain !== "mixed" && seg.terrain !== "unknown") parts.push(tx(seg.terrain));
  if (data.kind === "treadmill" || data.kind === "deadmill") {
    if (seg.speed_kmh) parts.push(speed(seg.speed_kmh));
    if (seg.incline_pct !== null && seg.incline_pct !== undefined) parts.push(tx("incline", { n: seg.incline_pct }));
  }
  return parts.join(", ");
}

function preCueText(next, current) {
  if (!next) return tx("pre_end", { n: PRE_CUE_S });
  const nextIndex = segments.indexOf(next);
  if (next.direction === "backward" && !s.skipped.includes(nextIndex) && s.reason !== "reverse") {
    const slow = current && current.speed_kmh && next.speed_kmh && next.speed_kmh < current.speed_kmh
      && data.kind === "treadmill";
    return slow ? tx("pre_slow_turn", { n: PRE_CUE_S, speed: speed(next.speed_kmh) }) : tx("pre_turn", { n: PRE_CUE_S });
  }
  return s.facing === "backward" ? tx("pre_face", { n: PRE_CUE_S }) : null;
}

function atCueText(seg, previous) {
  const length = spokenTime(seg.duration_s);
  const ground = seg.terrain && seg.terrain !== "mixed" && seg.terrain !== "unknown" ? tx(seg.terrain) : "";
  let text;
  if (seg.direction === "backward" && s.reason === "reverse") {
    text = tx("keep_reverse");
  } else if (seg.direction === "backward" && wayOf(seg) === "forward") {
    text = onRoute && !s.skipped.includes(s.index)
      ? tx("keep_until_gps") : tx("keep");
  } else if (seg.direction === "backward") {
    // On a belt she holds the rails and keeps her hips to the console (DOMAIN.md:53-55, S4, S5); looking
    // back over a shoulder is for paths.
    text = data.kind === "treadmill" ? tx("turn_treadmill", { length })
      : data.kind === "deadmill" ? tx("turn_deadmill", { length })
        : ground ? tx("turn_outdoor_on", { length, ground }) : tx("turn_outdoor", { length });
    if (!s.firstBoutDone) {
      text += ` ${data.safety.slice(0, 2).join(" ")}`;
      s.firstBoutDone = true;
    }
  } else {
    // Only someone facing backward is told to face forward: not at the start, not after a bout she did not
    // turn for (skipped, switched off, or one she joined half-way by starting the coach mid-route).
    const face = s.facing !== "backward" ? ""
      : `${tx(data.kind === "treadmill" ? "face_treadmill" : data.kind === "deadmill" ? "face_deadmill" : "face")} `;
    text = face + tx("forward_for", { length });
  }
  if (data.kind === "treadmill" && seg.speed_kmh && (!previous || previous.speed_kmh !== seg.speed_kmh)) {
    text += ` ${tx("belt_at", { speed: speed(seg.speed_kmh) })}`;
  }
  if (data.kind === "treadmill" && seg.incline_pct !== null && (!previous || previous.incline_pct !== seg.incline_pct)) {
    text += ` ${tx("incline_spoken", { n: seg.incline_pct })}`;
  }
  return text;
}

// --- where are we ---------------------------------------------------------------------------------------------------

// Seconds walked (pauses left out); the plan's clock adds what Skip jumped over.
function runningS(now) {
  if (!s.startedAt) return 0;
  const paused = s.pausedAt ? now - s.pausedAt : 0;
  return (now - s.startedAt - s.pausedMs - paused) / 1000;
}

function elapsedS(now) {
  return runningS(now) + s.skipS;
}

// Route mode: metres along from GPS; when the clock has to stand in, the last known position plus the plan's
// speed since then (dead reckoning), so the steps go on at about the right place.
function position(now) {
  const t = elapsedS(now);
  if (!onRoute) return { t, along: null, ...stepAtTime(segments, t) };
  const state = tracker.state(now / 1000);
  if (tracker.along === null) {
    s.alongAtS = t;  // no fix yet (or location refused): stand still rather than guess
  } else if (state.mode === "route") {
    s.along = Math.max(s.along, state.along);
    if (s.startAlong === null) s.startAlong = s.along;
    s.alongAtS = t;
  } else {
    const seg = segments[Math.min(Math.max(s.index, 0), segments.length - 1)];
    const planned = (seg.speed_kmh || 3.0) / 3.6;  // route steps carry the speed they were planned at
    s.along += planned * Math.max(0, t - s.alongAtS);
    s.alongAtS = t;
  }
  noticeMode(state);
  return { t, along: s.along, ...stepAt(segments, s.along) };
}

function noticeMode(state) {
  const reason = state.mode === "route" ? "" : state.reason;
  if (reason === s.reason) return;
  const was = s.reason;
  const current = s.index >= 0 && s.index < segments.length ? segments[s.index] : null;
  const wayBefore = current ? wayOf(current) : null;
  s.reason = reason;
  s.mode = reason ? "time" : "route";
  if (s.status !== "running") return;
  const words = reason === "start" ? "" : reason === "" ? (was === "start" ? "" : tx("back_on")) : tx(reason);
  if (words) say(words);
  // The step itself may have changed with the mode (a bout switched off, or on again): say it afresh.
  if (current && wayOf(current) !== wayBefore) announce(current, null);
}

function announce(seg, previous) {
  say(atCueText(seg, previous));
  s.facing = wayOf(seg);
  if (wayOf(seg) === "backward") { vibrate([400, 150, 400, 150, 400]); beep(3); } else { vibrate([600]); beep(2); }
}

// --- the loop -------------------------------------------------------------------------------------------------------

function tick() {
  const now = Date.now();
  if (s.status !== "running") return render(now);
  // Time walked since the last tick, uncapped: a phone that throttles timers in a pocket still counts it all.
  const ran = runningS(now);
  const dt = Math.max(0, ran - s.runS);
  s.runS = ran;
  const pos = position(now);
  let index = Math.max(pos.index, s.minIndex);
  const current = segments[Math.min(s.index, segments.length - 1)];
  if (s.index >= 0 && s.index < segments.length) {
    if (wayOf(current) === "backward") s.backwardS += dt; else s.forwardS += dt;
  }
  if (index !== s.index) {
    const previous = s.index >= 0 ? segments[s.index] : null;
    s.index = index;
    if (index >= segments.length) return finish(true);
    announce(segments[index], previous);
  } else if (s.preCued !== index) {
    const seg = segments[index];
    const toEndS = onRoute ? pos.toEndM / Math.max(tracker.speed > 0.3 ? tracker.speed : 0, (seg.speed_kmh || 2.4) / 3.6)
      : pos.toEndS;
    if (toEndS <= PRE_CUE_S && (!onRoute || pos.toEndM > 0)) {
      s.preCued = index;
      const next = segments[index + 1];
      const words = next && wayOf(next) === "forward" && wayOf(seg) === "forward" ? null : preCueText(next, seg);
      if (words) {
        say(words);
        vibrate([200]);
        beep(1);
      }
    }
  }
  save();
  render(now, pos);
}

function render(now, pos = null) {
  const root = $("walk");
  root.dataset.state = s.status;
  const modes = ["off", "lost", "weak", "reverse", "start"];
  $("mode").textContent = tx(s.status === "ready" ? "mode_ready" : s.status === "paused" ? "mode_paused"
    : s.status === "done" ? "mode_done" : onRoute ? (s.reason === "" ? "mode_gps"
      : modes.includes(s.reason) ? `mode_${s.reason}` : "mode_clock") : "mode_clock");
  $("continue").hidden = !needsTap;
  for (const id of ["start", "pause", "resume", "skip", "stop"]) $(id).hidden = true;
  if (s.status === "ready") $("start").hidden = false;
  if (s.status === "running") { $("pause").hidden = false; $("skip").hidden = false; $("stop").hidden = false; }
  if (s.status === "paused") { $("resume").hidden = false; $("stop").hidden = false; }
  $("finish").hidden = !(s.status === "done" || s.status === "stopped");
  if (s.index < 0 || s.index >= segments.length) {
    root.dataset.way = s.status === "done" || s.status === "stopped" ? "done" : "forward";
    if (s.status === "done" || s.status === "stopped") {
      $("now-way").textContent = tx(s.status === "done" ? "complete" : "stopped");
      $("now-count").textContent = tx("backward_total", { time: clock(s.backwardS) });
      $("now-detail").textContent = tx("forward_total", { time: clock(s.forwardS) });
      $("next").textContent = "";
    }
    return;
  }
  const seg = segments[s.index];
  const way = wayOf(seg);
  root.dataset.way = way;
  pos = pos || position(now);
  $("now-way").textContent = tx(way === "backward" ? "now_backward" : "now_forward");
  if (onRoute) {
    const v = Math.max(tracker.speed > 0.3 ? tracker.speed : 0, (seg.speed_kmh || 2.4) / 3.6);
    $("now-count").textContent = distance(pos.toEndM);
    $("now-detail").textContent = tx("about_to_turn", { time: clock(pos.toEndM / v) }) + (detail(seg) ? ` · ${detail(seg)}` : "");
  } else {
    $("now-count").textContent = clock(pos.toEndS);
    $("now-detail").textContent = tx("to_turn") + (detail(seg) ? ` · ${detail(seg)}` : "");
  }
  const next = segments[s.index + 1];
  $("next").textContent = next
    ? tx(next.direction === "backward" ? "next_backward" : "next_forward", { time: clock(next.duration_s) })
      + (detail(next) ? ` · ${detail(next)}` : "")
    : tx("next_end");
  $("progress").value = onRoute ? Math.min(1, pos.along / segments[segments.length - 1].end_m) : Math.min(1, pos.t / data.total_s);
}

// --- controls -------------------------------------------------------------------------------------------------------

async function keepAwake() {
  try {
    if ("wakeLock" in navigator && document.visibilityState === "visible") wakeLock = await navigator.wakeLock.request("screen");
  } catch { /* not allowed here: the walk goes on, the screen may sleep */ }
}

function watch() {
  if (!onRoute || watchId !== null || !("geolocation" in navigator)) return;
  watchId = navigator.geolocation.watchPosition((p) => {
    tracker.update({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy, t: Date.now() / 1000 });
    tick();
  }, () => { /* denied or unavailable: the clock stands in (tracker reports it) */ },
  { enableHighAccuracy: true, maximumAge: 0, timeout: 20000 });
}

function unwatch() {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
}

function run() {
  if (timer === null) timer = setInterval(tick, TICK_MS);
  watch();
  keepAwake();
}

function halt() {
  clearInterval(timer);
  timer = null;
  unwatch();
  if (wakeLock) wakeLock.release().catch(() => {});
  wakeLock = null;
}

$("start").addEventListener("click", () => {
  audio = audio || (window.AudioContext ? new AudioContext() : null);
  s = fresh();
  s.status = "running";
  s.startedAt = Date.now();
  save();
  run();
  tick();
});
$("continue").addEventListener("click", () => {
  audio = audio || (window.AudioContext ? new AudioContext() : null);
  needsTap = false;
  if (s.index >= 0 && s.index < segments.length) announce(segments[s.index], null);
  render(Date.now());
});
$("pause").addEventListener("click", () => {
  s.status = "paused";
  s.pausedAt = Date.now();
  save();
  halt();
  say(tx("paused"));
  render(Date.now());
});
$("resume").addEventListener("click", () => {
  audio = audio || (window.AudioContext ? new AudioContext() : null);
  s.pausedMs += Date.now() - s.pausedAt;
  s.pausedAt = null;
  s.status = "running";
  if (tracker) tracker.restart(Date.now() / 1000);  // the walker may have moved or stood: start from the next fix
  save();
  say(tx("resuming"));
  run();
  tick();
});
// Skip: by time, jump to the next step. On a route the steps are places, so a bout can be skipped (it is walked
// forward instead) but the ground cannot: skipping a forward stretch only says where the next bout starts.
$("skip").addEventListener("click", () => {
  const pos = position(Date.now());
  const index = Math.max(pos.index, s.minIndex);
  const seg = segments[index];
  if (!seg) return;
  s.anySkipped = true;
  if (!onRoute) {
    s.skipS += pos.toEndS;
    s.minIndex = index + 1;
  } else if (seg.direction === "backward") {
    if (!s.skipped.includes(index)) s.skipped.push(index);
    say(tx("skipped"));
  } else {
    const next = segments.slice(index + 1).find((x) => x.direction === "backward");
    say(next ? tx("next_bout_in", { distance: distance(next.start_m - s.along) }) : tx("no_more"));
  }
  save();
  tick();
});
$("stop").addEventListener("click", () => finish(false));
document.addEventListener("visibilitychange", () => { if (s.status === "running") keepAwake(); });

function finish(complete, quiet = false) {
  halt();
  s.status = complete ? "done" : "stopped";
  if (s.pausedAt) { s.pausedMs += Date.now() - s.pausedAt; s.pausedAt = null; }
  if (!quiet) say(tx(complete ? "well_done" : "stopped_said"));
  save();
  $("done-summary").textContent = tx(onRoute ? "summary_route" : "summary",
    { backward: clock(s.backwardS), forward: clock(s.forwardS), distance: onRoute ? distance(s.along) : "" });
  render(Date.now());
}

// The 0–10 scales after the walk: big buttons, one press each.
for (const scale of document.querySelectorAll(".scale")) {
  for (let i = 0; i <= 10; i++) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = String(i);
    b.setAttribute("aria-pressed", "false");
    b.addEventListener("click", () => {
      s.scores[scale.dataset.name] = i;
      for (const other of scale.children) other.setAttribute("aria-pressed", String(other === b));
      save();
    });
    scale.appendChild(b);
  }
}

$("finish").addEventListener("submit", (event) => {
  event.preventDefault();
  if (s.scores.pain_during === undefined || s.scores.effort === undefined) {
    $("sync").textContent = tx("choose_scores");
    return;
  }
  const today = new Date();
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
  const outbox = JSON.parse(localStorage.getItem(OUTBOX) || "[]");
  const ref = (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).slice(0, 40);
  outbox.push({ id: ref, url: data.log_url, body: {
    ref, plan_id: data.id, day, followed: s.status === "done" && !s.anySkipped, setting: data.kind,
    backward_s: Math.round(s.backwardS), forward_s: Math.round(s.forwardS),
    distance_m: onRoute && s.startAlong !== null ? Math.round(s.along - s.startAlong) : null,
    pain_during: s.scores.pain_during, effort: s.scores.effort, notes: tx("logged_note"),
  } });
  localStorage.setItem(OUTBOX, JSON.stringify(outbox));
  localStorage.removeItem(KEY);
  s = fresh();
  $("finish").hidden = true;
  $("sync").textContent = tx("saved_here");
  sync();
});

// --- the outbox: sent when there is a network -------------------------------------------------------------------

// One sender at a time, across tabs too (Web Locks where the browser has them); items are removed by their id,
// never by position, and each carries a ref the server takes once, so a resend after a reload or a lost answer
// does not log the walk twice. The page's own CSRF token is used: the one current for this login.
let syncing = false;
async function sync() {
  if (navigator.locks) return navigator.locks.request("retrowalk-outbox", sendAll);
  if (syncing) return undefined;
  syncing = true;
  try { await sendAll(); } finally { syncing = false; }
  return undefined;
}

function dropFromOutbox(id) {
  const rest = JSON.parse(localStorage.getItem(OUTBOX) || "[]").filter((x) => x.id !== id);
  localStorage.setItem(OUTBOX, JSON.stringify(rest));
}

async function sendAll() {
  for (const item of JSON.parse(localStorage.getItem(OUTBOX) || "[]")) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST", credentials: "same-origin", body: JSON.stringify(item.body),
        headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
      });
    } catch {
      $("sync").textContent = tx("saved_offline");
      return;
    }
    if (response.status === 201 || response.status === 200) {
      const answer = await response.json();
      dropFromOutbox(item.id);
      $("sync").textContent = tx("in_log", { reason: answer.reason });
    } else if (response.status === 400 || response.status === 404 || response.status === 422) {
      const problem = await response.json().catch(() => ({}));
      dropFromOutbox(item.id);  // the log will never take it: say why rather than retry for ever
      $("sync").textContent = tx("refused", { detail: problem.detail || response.status });
    } else {
      $("sync").textContent = tx("not_yet");
      return;
    }
  }
}
window.addEventListener("online", sync);

// --- offline: this page and its files kept by the service worker ------------------------------------------------

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/walk-sw.js", { scope: "/" }).catch(() => {});
}
if ("caches" in window) {
  caches.open("retrowalk-walk-v2").then((cache) => cache.addAll([location.pathname, ...data.assets])).catch(() => {});
}

// A walk in progress survives a reload (the browser wants a tap before it speaks again).
if (s.status === "running") {
  needsTap = true;
  run();
} else if (s.status === "done" || s.status === "stopped") {
  finish(s.status === "done", true);
}
render(Date.now());
sync();

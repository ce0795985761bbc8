// The live coach's geometry, under node's test runner (`node --test tests/js/`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { LIMITS, Tracker, localFrame, prepareRoute, project, stepAt, stepAtTime } from
  "../../src/retrowalk/web/static/retrowalk/geometry.js";

const M = 1 / 111195;  // degrees of latitude per metre

// A straight route north from (47, 8), `n` points every `step` metres.
function straight(n = 201, step = 5) {
  const lat = [], lon = [], dist = [];
  for (let i = 0; i < n; i++) { lat.push(47 + i * step * M); lon.push(8); dist.push(i * step); }
  return prepareRoute(lat, lon, dist);
}

// An out-and-back: north 500 m, a hairpin, back south 500 m, 10 m to the side.
function hairpin() {
  const lat = [], lon = [], dist = [];
  const east = 10 / (111195 * Math.cos((47 * Math.PI) / 180));
  for (let i = 0; i <= 100; i++) { lat.push(47 + i * 5 * M); lon.push(8); dist.push(i * 5); }
  for (let i = 0; i <= 100; i++) { lat.push(47 + (500 - i * 5) * M); lon.push(8 + east); dist.push(510 + i * 5); }
  return prepareRoute(lat, lon, dist);
}

// A reproducible random number in [-1, 1).
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 31) - 1;
}

test("the local frame measures metres", () => {
  const f = localFrame(47, 8);
  const [x, y] = f(47 + 100 * M, 8);
  assert.ok(Math.abs(x) < 1e-9 && Math.abs(y - 100) < 1e-6);
});

test("a point beside the route projects to its distance along and its offset", () => {
  const route = straight();
  const east = 20 / (111195 * Math.cos((47 * Math.PI) / 180));
  const hit = project(route, 47 + 333 * M, 8 + east);
  assert.ok(Math.abs(hit.along - 333) < 0.01, `${hit.along}`);
  assert.ok(Math.abs(hit.offset - 20) < 0.05, `${hit.offset}`);
});

test("beyond either end a point projects onto the end", () => {
  const route = straight();
  assert.equal(project(route, 47 - 50 * M, 8).along, 0);
  assert.equal(project(route, 47 + 2000 * M, 8).along, 1000);
});

test("on an out-and-back the search near the last position picks the right leg", () => {
  const route = hairpin();
  const onReturn = project(route, 47 + 200 * M, 8 + 9 / (111195 * Math.cos((47 * Math.PI) / 180)), 700, 1100);
  assert.ok(Math.abs(onReturn.along - 810) < 1, `${onReturn.along}`);
});

test("clean fixes at walking pace follow the true distance within a metre or two", () => {
  const route = straight();
  const tracker = new Tracker(route);
  let state;
  for (let t = 0; t <= 600; t++) {
    state = tracker.update({ lat: 47 + 1.3 * t * M, lon: 8, accuracy: 5, t });
  }
  assert.equal(state.mode, "route");
  assert.ok(Math.abs(state.along - 1.3 * 600) < 3, `${state.along}`);
});

test("noisy fixes (±15 m) cross a boundary within 10 m of it and never cross back", () => {
  const route = straight(401, 5);
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const noise = rng(seed);
    const tracker = new Tracker(route);
    const boundary = 700;
    let crossedAt = null;
    let crossings = 0;
    let wasPast = false;
    for (let t = 0; t <= 1500; t++) {
      const truth = 1.3 * t;
      const s = tracker.update({ lat: 47 + (truth + 15 * noise()) * M, lon: 8 + 15 * noise() * M, accuracy: 15, t });
      const past = s.along >= boundary;
      if (past && !wasPast) { crossings += 1; crossedAt ??= truth; }
      wasPast = past;
    }
    assert.equal(crossings, 1, `seed ${seed}`);
    assert.ok(Math.abs(crossedAt - boundary) <= 10, `seed ${seed}: crossed at ${crossedAt.toFixed(1)} m`);
  }
});

test("fixes worse than 30 m are not used", () => {
  const tracker = new Tracker(straight());
  tracker.update({ lat: 47 + 100 * M, lon: 8, accuracy: 5, t: 0 });
  const s = tracker.update({ lat: 47 + 600 * M, lon: 8, accuracy: 80, t: 1 });
  assert.ok(Math.abs(s.along - 100) < 1);
});

test("a single wild fix is ignored; a walker who really moved is followed", () => {
  const tracker = new Tracker(straight());
  for (let t = 0; t < 10; t++) tracker.update({ lat: 47 + (100 + t) * M, lon: 8, accuracy: 5, t });
  let s = tracker.update({ lat: 47 + 400 * M, lon: 8, accuracy: 10, t: 10 });
  assert.ok(s.along < 120, `${s.along}`);
  s = tracker.update({ lat: 47 + 111 * M, lon: 8, accuracy: 5, t: 11 });
  assert.ok(s.along < 120);
});

test("more than 50 m off the route falls back to time, and back on it returns to the route", () => {
  const tracker = new Tracker(straight());
  tracker.update({ lat: 47 + 100 * M, lon: 8, accuracy: 5, t: 0 });
  const off = tracker.update({ lat: 47 + 102 * M, lon: 8 + 80 / (111195 * Math.cos(0.82)), accuracy: 5, t: 2 });
  assert.deepEqual([off.mode, off.reason], ["time", "off"]);
  const back = tracker.update({ lat: 47 + 104 * M, lon: 8, accuracy: 5, t: 4 });
  assert.equal(back.mode, "route");
});

test("no usable fix for 15 s (a tunnel) means the signal is lost", () => {
  const tracker = new Tracker(straight());
  tracker.update({ lat: 47 + 100 * M, lon: 8, accuracy: 5, t: 0 });
  assert.equal(tracker.state(10).mode, "route");
  assert.deepEqual([tracker.state(16).mode, tracker.state(16).reason], ["time", "lost"]);
});

test("walking the route the other way is noticed", () => {
  const tracker = new Tracker(straight());
  let s;
  for (let t = 0; t <= 80; t++) s = tracker.update({ lat: 47 + (600 - 1.3 * t) * M, lon: 8, accuracy: 5, t });
  assert.deepEqual([s.mode, s.reason], ["time", "reverse"]);
});

test("standing still keeps the position and the route mode", () => {
  const tracker = new Tracker(straight());
  const noise = rng(9);
  let s;
  for (let t = 0; t <= 120; t++) s = tracker.update({ lat: 47 + (300 + 8 * noise()) * M, lon: 8, accuracy: 8, t });
  assert.equal(s.mode, "route");
  assert.ok(Math.abs(s.along - 300) < 12, `${s.along}`);
});

test("steps by distance and by time", () => {
  const segments = [{ start_m: 0, end_m: 100, start_s: 0, duration_s: 60 }, { start_m: 100, end_m: 160, start_s: 60, duration_s: 45 }];
  assert.deepEqual(stepAt(segments, 99), { index: 0, toEndM: 1 });
  assert.deepEqual(stepAt(segments, 100), { index: 1, toEndM: 60 });
  assert.equal(stepAt(segments, 500).index, 2);
  assert.deepEqual(stepAtTime(segments, 59), { index: 0, toEndS: 1 });
  assert.deepEqual(stepAtTime(segments, 60), { index: 1, toEndS: 45 });
  assert.ok(LIMITS.offRouteM === 50 && LIMITS.maxAccuracyM === 30);
});

// A closed loop of about 1.9 km: the start and the end are the same place.
function loop() {
  const lat = [], lon = [], dist = [];
  const k = 111195 * Math.cos((47 * Math.PI) / 180);
  for (let i = 0; i <= 360; i++) {
    const a = (i * Math.PI) / 180;
    lat.push(47 + (300 * Math.sin(a)) / 111195);
    lon.push(8 + (300 * (1 - Math.cos(a))) / k);
    dist.push((2 * Math.PI * 300 * i) / 360);
  }
  return prepareRoute(lat, lon, dist);
}

test("on a loop the first fix at the start is the start, not the end", () => {
  const tracker = new Tracker(loop());
  const s = tracker.update({ lat: 47 + 2 * M, lon: 8, accuracy: 8, t: 0 });
  assert.ok(s.along < 20, `${s.along}`);
});

test("after a reload the walker is looked for near where they were", () => {
  const route = loop();
  const tracker = new Tracker(route, LIMITS, 1860);  // saved position: 20 m before the end
  const s = tracker.update({ lat: 47 - 1 * M, lon: 8, accuracy: 8, t: 0 });
  assert.ok(s.along > 1800, `${s.along}`);
});

test("a pause does not carry the position ahead, and the walk goes on from where it stood", () => {
  const tracker = new Tracker(straight());
  let s;
  for (let t = 0; t <= 200; t++) s = tracker.update({ lat: 47 + 1.3 * t * M, lon: 8, accuracy: 5, t });
  const before = s.along;
  tracker.restart(500);  // five minutes paused, standing still
  s = tracker.update({ lat: 47 + 260 * M, lon: 8, accuracy: 5, t: 501 });
  assert.ok(Math.abs(s.along - before) < 5 && s.mode === "route", `${before} -> ${s.along}`);
  for (let t = 502; t <= 560; t++) s = tracker.update({ lat: 47 + (260 + 1.3 * (t - 501)) * M, lon: 8, accuracy: 5, t });
  assert.ok(Math.abs(s.along - (260 + 1.3 * 59)) < 5 && s.mode === "route", `${s.along} ${s.reason}`);
});

test("a signal gap while standing still does not jump ahead either", () => {
  const tracker = new Tracker(straight());
  let s;
  for (let t = 0; t <= 200; t++) s = tracker.update({ lat: 47 + 1.3 * t * M, lon: 8, accuracy: 5, t });
  s = tracker.update({ lat: 47 + 262 * M, lon: 8, accuracy: 5, t: 400 });
  assert.ok(s.along < 270 && s.mode === "route", `${s.along} ${s.reason}`);
});

// Where on the planned route a walker is, from GPS fixes: the one small module the live coach's route mode
// stands on. Pure functions and one small class, no DOM: tested with node's test runner (tests/js/).
//
// Distances are metres along the route as the plan counts them (the route's own cumulative distance at each
// vertex), so a bout "from 440 m to 500 m" means the same here as on the plan page and in the GPX.

const EARTH_M_PER_DEG = 111195.0;

export const LIMITS = Object.freeze({
  maxAccuracyM: 30,      // a fix less precise than this is not used (issue 6: accuracy > 30 m)
  offRouteM: 50,         // further from the route than this: off the route, follow time instead
  lostAfterS: 15,        // no usable fix for this long: signal lost, follow time
  maxSpeedMs: 3.0,       // faster than a brisk walk (or backward shuffle) is a jump, not walking
  searchAheadM: 400,     // where to look for the walker: near where they were, not across the loop
  reverseAfterM: 40,     // this far backwards along the route (filtered) means walking the route in reverse
});

// Equirectangular metres around a reference point: exact enough over a walk (errors < 0.1 % within 20 km).
export function localFrame(lat0, lon0) {
  const k = Math.cos((lat0 * Math.PI) / 180);
  return (lat, lon) => [(lon - lon0) * k * EARTH_M_PER_DEG, (lat - lat0) * EARTH_M_PER_DEG];
}

// The route prepared for projection: local x/y of each vertex and its distance along the route.
export function prepareRoute(lat, lon, dist) {
  if (lat.length !== lon.length || lat.length !== dist.length || lat.length < 2) {
    throw new Error("a route needs at least two points, with a distance for each");
  }
  const frame = localFrame(lat[0], lon[0]);
  const x = new Float64Array(lat.length);
  const y = new Float64Array(lat.length);
  for (let i = 0; i < lat.length; i++) {
    [x[i], y[i]] = frame(lat[i], lon[i]);
  }
  return { frame, x, y, dist: Float64Array.from(dist), length: dist[dist.length - 1] };
}

// The point of the route nearest to (lat, lon), searched among the segments whose distance lies in
// [fromM, toM] (all of it when not given): { along, offset, segment }.
export function project(route, lat, lon, fromM = -Infinity, toM = Infinity) {
  const [px, py] = route.frame(lat, lon);
  const { x, y, dist } = route;
  let best = { along: 0, offset: Infinity, segment: -1 };
  for (let i = 0; i < x.length - 1; i++) {
    if (dist[i + 1] < fromM || dist[i] > toM) continue;
    const dx = x[i + 1] - x[i];
    const dy = y[i + 1] - y[i];
    const len2 = dx * dx + dy * dy;
    let t = len2 > 0 ? ((px - x[i]) * dx + (py - y[i]) * dy) / len2 : 0;
    t = Math.max(0, Math.min(1, t));
    const qx = x[i] + t * dx - px;
    const qy = y[i] + t * dy - py;
    const offset = Math.hypot(qx, qy);
    if (offset < best.offset) {
      best = { along: dist[i] + t * (dist[i + 1] - dist[i]), offset, segment: i };
    }
  }
  return best;
}

// Follows one walker along one route. update(fix) takes { lat, lon, accuracy, t } (t in seconds) and returns
// the state the coach acts on:
//   mode: "route" (distance drives the steps) or "time" (the clock does, for the reason given)
//   along: filtered metres along the route, never decreasing while walking forward (a boundary once crossed
//          stays crossed: noise must not cue a turn twice)
//   reason: why the mode is "time" ("weak", "off", "lost", "reverse", "start"), or "" in route mode
export class Tracker {
  // startAt: where along the route the walker is expected (0 at the start; the saved position after a reload).
  // The first fix is looked for near there: on a loop or an out-and-back the start and the end are the same place.
  constructor(route, limits = LIMITS, startAt = 0) {
    this.route = route;
    this.limits = limits;
    this.along = null;     // filtered distance along (alpha-beta filter)
    this.speed = 0;        // filtered speed along, m/s
    this.shown = startAt;  // monotone output
    this.lastT = null;     // time of the last used fix
    this.lastFixT = null;  // time of the last fix of any kind
    this.reason = "start";
    this.jumps = 0;
    this.behind = 0;       // how far the raw positions run behind the output (reverse walking)
    this.restarting = false;
  }

  // A fix: position, accuracy in metres, time in seconds.
  update({ lat, lon, accuracy, t }) {
    this.lastFixT = t;
    if (!(accuracy <= this.limits.maxAccuracyM)) {
      if (this.along === null || t - (this.lastT ?? t) > this.limits.lostAfterS) this.reason = "weak";
      return this.state(t);
    }
    // After a gap (a pause, a tunnel) the filter's speed would carry the position far ahead: start it again
    // from the next fix, near where the walker was.
    const fresh = this.along === null || this.restarting
      || (this.lastT !== null && t - this.lastT > this.limits.lostAfterS);
    this.restarting = false;
    const near = fresh ? this.shown : this.along;
    let hit = project(this.route, lat, lon, near - this.limits.searchAheadM / 4, near + this.limits.searchAheadM);
    if (hit.offset > this.limits.offRouteM) {
      const anywhere = project(this.route, lat, lon);  // on the route somewhere else (a shortcut, a late start)
      if (anywhere.offset <= this.limits.offRouteM) hit = anywhere;
    }
    if (hit.offset > this.limits.offRouteM) {
      this.reason = "off";
      this.lastT = t;
      return this.state(t);
    }
    if (fresh) {
      this.along = hit.along;
      this.speed = 0;
      this.jumps = 0;
      this.behind = 0;
      this.shown = this.lastT === null ? hit.along : Math.max(this.shown, hit.along);
      this.lastT = t;
      this.reason = "";
      return this.state(t);
    }
    const dt = Math.max(0.2, t - this.lastT);
    const predicted = this.along + this.speed * dt;
    const residual = hit.along - predicted;
    // A jump no walker makes (a reflected signal): ignored, unless the fixes keep saying so (then it is real).
    if (Math.abs(residual) > Math.max(30, this.limits.maxSpeedMs * dt + accuracy) && this.jumps < 3) {
      this.jumps += 1;
      return this.state(t);
    }
    this.jumps = 0;
    const alpha = 0.35;
    const beta = 0.06;
    this.along = predicted + alpha * residual;
    this.speed = Math.max(-this.limits.maxSpeedMs, Math.min(this.limits.maxSpeedMs, this.speed + (beta * residual) / dt));
    this.lastT = t;
    if (this.along > this.shown) {
      this.shown = this.along;
      this.behind = 0;
    } else {
      this.behind = this.shown - this.along;
    }
    this.reason = this.behind > this.limits.reverseAfterM ? "reverse" : "";
    return this.state(t);
  }

  // Resuming after a pause at time t: the next fix starts the filter again (see update), and the time paused
  // is not a lost signal.
  restart(t) {
    this.restarting = true;
    if (this.lastT !== null) this.lastT = t;
  }

  // The state at time t (seconds) without a new fix: after lostAfterS with none usable, the signal is lost.
  state(t) {
    let reason = this.reason;
    if (!reason && this.lastT !== null && t - this.lastT > this.limits.lostAfterS) reason = "lost";
    return {
      mode: reason ? "time" : "route",
      reason,
      along: this.shown,
      speed: this.speed,
      lastFixAgo: this.lastT === null ? Infinity : t - this.lastT,
    };
  }
}

// Which step of the plan a distance along the route falls in, and how far to its end.
export function stepAt(segments, alongM) {
  for (let i = 0; i < segments.length; i++) {
    if (alongM < segments[i].end_m) return { index: i, toEndM: segments[i].end_m - alongM };
  }
  return { index: segments.length, toEndM: 0 };
}

// Which step a time (seconds from the start) falls in, and the seconds to its end.
export function stepAtTime(segments, seconds) {
  for (let i = 0; i < segments.length; i++) {
    const end = segments[i].start_s + segments[i].duration_s;
    if (seconds < end) return { index: i, toEndS: end - seconds };
  }
  return { index: segments.length, toEndS: 0 };
}

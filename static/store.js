// The page's state, in one place: the last full snapshot (docs/wire.md, delta ticks merged in), the
// group the panels show and this page's role. Parts of the page read it with select() and hear of
// changes through subscribe(); only the functions below change it.
import { applyDelta } from "./delta.js";
import { CONSTANTS } from "./constants.js";

const state = {
  snap: null,
  groupId: null,
  role: document.body.dataset.role === "viewer" ? "viewer" : "presenter",
};
const listeners = [];

/** What `selector` reads from the state: select((s) => s.role). */
export function select(selector) {
  return selector(state);
}

/** fn(state, change) after every change; change is "snapshot" (a full state, the page starts over),
 * "tick" (the simulation moved on), "group" (another group is shown) or "role". */
export function subscribe(fn) {
  listeners.push(fn);
}

function publish(change) {
  for (const fn of listeners) fn(state, change);
}

/** The group the panels show: the one picked, else the scenario's main group (listed first). */
export function selectedGroup(s) {
  const groups = (s.snap && s.snap.groups) || [];
  return groups.find((g) => g.group_id === s.groupId) || groups[0] || null;
}

function take(snap) {
  state.snap = snap;
  const group = selectedGroup(state);
  if (group) state.groupId = group.group_id;
}

export function receiveSnapshot(snap) {
  take(snap);
  publish("snapshot");
}

/** A tick: a full state, or a delta merged into the last one (docs/wire.md); without a base, wait for a full tick. */
export function receiveTick(msg) {
  if (msg.delta && !state.snap) return;
  const snap = msg.delta ? applyDelta(state.snap, msg) : { ...msg };
  // Keys the server sends in snapshots only (the scenario catalogue): a full tick keeps the ones we have.
  if (state.snap) for (const k of CONSTANTS.snapshot_only) if (!(k in snap) && k in state.snap) snap[k] = state.snap[k];
  if (!state.snap || snap.time_ms < state.snap.time_ms) {
    // First data, or the simulation was reset without a snapshot reaching us.
    receiveSnapshot(snap);
    return;
  }
  take(snap);
  publish("tick");
}

export function selectGroup(groupId) {
  state.groupId = groupId;
  take(state.snap);
  publish("group");
}

export function setRole(role) {
  state.role = role === "viewer" ? "viewer" : "presenter";
  publish("role");
}

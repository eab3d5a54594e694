// What the page does to its form controls: leave one alone while the user edits it (one clock,
// performance.now), send a committed value once, and disable it for viewers or while the simulation
// makes it meaningless. Controls carry data-control in the template (and where they are built).
import { el } from "./dom.js";
import { select } from "./store.js";

const HOLD_MS = 1500;     // after the user changes a control, ticks leave it alone this long

const holds = new WeakMap();      // control -> performance.now() until which ticks leave it alone
const sent = new WeakMap();       // control -> {value, at}: the value it last sent
const offBySim = new WeakSet();   // controls the simulation has disabled (a crashed member's buttons, Step while running)

/** Ticks leave `node` alone for `ms` (Infinity: until release). */
export function hold(node, ms = HOLD_MS) {
  holds.set(node, performance.now() + ms);
}

export function release(node) {
  holds.delete(node);
}

export function isHeld(node) {
  return (holds.get(node) ?? 0) > performance.now();
}

/** The user is busy with `node`: it has the focus or is held. */
export function busy(node) {
  return document.activeElement === node || isHeld(node);
}

/** Write a server value into a control unless the user is busy with it. */
export function syncValue(node, value) {
  if (busy(node)) return;
  const s = String(value);
  if (node.value !== s) node.value = s;
}

/** Enter and the change event both commit a number input: true when `value` was just sent. */
export function justSent(node, value) {
  const now = performance.now();
  const last = sent.get(node);
  if (last && last.value === value && now - last.at < 1000) return true;
  sent.set(node, { value, at: now });
  return false;
}

/** Disable a control while the simulation makes it meaningless (`off`); a viewer's controls stay disabled. */
export function setDisabled(node, off) {
  if (off) offBySim.add(node); else offBySim.delete(node);
  const d = select((s) => s.role) === "viewer" || !!off;
  if (node.disabled !== d) node.disabled = d;
}

/** After a role change: every control follows the role (and the simulation's own state). */
export function applyDisabled() {
  const viewer = select((s) => s.role) === "viewer";
  for (const node of document.querySelectorAll("[data-control]")) node.disabled = viewer || offBySim.has(node);
}

/** Show `value` in a select of numbers, adding an option labelled `label` when the list lacks it. */
/** A select's options become exactly `values` (in order), rebuilt only when they differ. */
export function syncOptions(node, values) {
  const have = [...node.options].map((o) => o.value);
  if (have.length === values.length && have.every((v, i) => v === values[i])) return;
  node.replaceChildren(...values.map((v) => el("option", { value: v }, v)));
}

export function syncOption(node, value, label) {
  if (busy(node)) return;
  const v = Number(value);
  let opt = [...node.options].find((o) => Number(o.value) === v);
  if (!opt) {
    opt = el("option", { value: String(value) }, label);
    node.append(opt);
  }
  if (node.value !== opt.value) node.value = opt.value;
}

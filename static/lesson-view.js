// A lesson step's view (groupviz/classroom/lessons/script.py): {group, member, tab, chart}. When a step is entered,
// forward or back, on the presenter's page and on every viewer's (the step is in the snapshot), the page
// shows the step's group in every panel, its tab (board or Kafka details) and outlines its chart. The chart
// ids and what they point at come from the server (CONSTANTS.lesson_charts), never listed here.
// The view is applied once per step: a presenter who picks another group during the step keeps it.
import { CONSTANTS } from "./constants.js";
import { select, selectGroup } from "./store.js";
import { showScreen } from "./hooks.js";

/** How many renders (ticks, ~10 a second) a view waits for its group to appear before it gives up. */
const PATIENCE = 50;

let pending = null;   // {view, renders}: the view of the step just entered, not yet applied
let outlined = null;  // the element the current step points at

function charts() {
  return CONSTANTS.lesson_charts || {};
}

function outline(node) {
  if (outlined && outlined !== node) outlined.removeAttribute("data-lesson-focus");
  outlined = node || null;
  if (!outlined) return;
  outlined.setAttribute("data-lesson-focus", "");
}

/** Scroll what the step points at into view, where the page is one screen per tab (not on a phone). */
function reveal(node, separateScreens) {
  if (!node || !separateScreens) return;
  requestAnimationFrame(() => {
    const r = node.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) node.scrollIntoView({ block: "nearest" });
  });
}

function apply(view, snap) {
  const groups = (snap && snap.groups) || [];
  if (view.group && groups.some((g) => g.group_id === view.group) && select((s) => s.groupId) !== view.group) {
    selectGroup(view.group);
  }
  const chart = view.chart ? charts()[view.chart] : null;
  const tab = view.tab || (chart && chart.tab);
  let separate = true;
  if (tab) for (const show of showScreen) separate = show(tab) !== false && separate;
  if (chart && chart.press) {
    const button = document.querySelector(`[data-testid="${chart.press}"]`);
    if (button && button.getAttribute("aria-selected") !== "true") button.click();
  }
  const found = chart ? document.querySelector(chart.selector) : null;
  const node = found ? found.closest("figure.chart") || found : null;     // a plot is outlined with its caption
  outline(node);
  reveal(node, separate);
  if (view.member && separate) requestAnimationFrame(() => showCard(view.member));
}

/** The member the step talks about: its card scrolled into view inside the cards (they may overflow). */
function showCard(memberId) {
  const cardsBox = document.querySelector('[data-testid="consumers"]');
  const card = cardsBox && [...cardsBox.querySelectorAll('[data-testid="consumer"]')].find((c) => c.dataset.memberId === memberId);
  if (card) card.scrollIntoView({ block: "nearest", inline: "nearest" });
}

/** The step just entered (its script's view, or nothing): applied at the next render that has its group. */
export function enter(view) {
  pending = { view: view && typeof view === "object" ? view : {}, renders: 0 };
  if (!Object.keys(pending.view).length) { pending = null; outline(null); }
}

/** Leave the lesson: nothing is pointed at any more. */
export function leave() {
  pending = null;
  outline(null);
}

/** On every render: apply the pending view once its group is in the snapshot (a group the step's actions add
 * arrives with the same tick as the step), or after PATIENCE renders without it. Deferred to a microtask:
 * selecting a group renders the page again, which must not happen in the middle of this render. */
export function render(snap) {
  if (!pending) return;
  const { view } = pending;
  const ready = !view.group || ((snap && snap.groups) || []).some((g) => g.group_id === view.group);
  if (!ready && ++pending.renders < PATIENCE) return;
  pending = null;
  queueMicrotask(() => apply(view, select((s) => s.snap)));
}

// The group panel: its assignor (or a share group's competition), protocol and chance line, and one
// card per consumer (state, phase, partitions, throughput, lag, rate; pause / stop / kill), in the
// member's colour.
import { t, applyStatic } from "./i18n.js";
import { el, q, reconcile, setText, setAttr, setHidden, fmtInt, fmtRate } from "./dom.js";
import { hold, syncValue, syncOptions, justSent, setDisabled } from "./controls.js";
import { assignorsFor } from "./constants.js";
import { colorFor } from "./palette.js";
import { select } from "./store.js";
import { send } from "./commands.js";
import { appNodes, renderApp } from "./consumer-app.js";
import { faultNodes, renderFaults, addCommand, renderStaticAdd } from "./consumer-faults.js";
import { isDispatch } from "./dispatch-i18n.js";
import { keepFitting } from "./fit.js";

const DENSITY = ["", "snug", "compact", "tight"];   // cards slim down as they multiply (fit.js, style.css)

let ui = null;

// ---------------------------------------------------------------- a card

function cardNodes(m) {
  const id = m.member_id;
  const n = {
    name: el("span", { class: "c-name" }, id),
    leader: el("span", { class: "c-leader", "data-i18n": "card.leader", "data-i18n-title": "card.leader.title", hidden: true }),
    instance: el("span", { class: "c-leader c-static", "data-testid": "consumer-instance-id", hidden: true }),
    pill: el("span", { class: "c-state" }),
    phase: el("span", { class: "c-phase", "data-i18n-title": "phase.title" }),
    parts: el("div", { class: "c-parts" }),
    note: el("div", { class: "c-note", "data-testid": "consumer-note", hidden: true }),
    tp: el("span", { class: "num v w5" }),
    lag: el("span", { class: "num v w5" }),
    lagKey: el("span", { class: "k", "data-i18n": "card.lag" }),
    processed: el("span", { class: "num v w6" }),
    rate: el("input", {
      type: "number", min: "0", max: "1000", step: "1", class: "num c-rate", "data-testid": "consumer-rate",
      "data-control": true, "data-i18n-title": "card.rate.title", "aria-label": id,
    }),
    wins: el("span", { class: "num v w5", "data-testid": "consumer-wins" }),
    redelivered: el("span", { class: "num v w5" }),
    pauseBtn: el("button", { type: "button", class: "btn sm", "data-testid": "pause-consumer", "data-control": true }),
    stopBtn: el("button", { type: "button", class: "btn sm", "data-testid": "stop-consumer", "data-control": true,
      "data-i18n": "card.stop", "data-i18n-title": "card.stop.title" }),
    killBtn: el("button", { type: "button", class: "btn sm danger", "data-testid": "kill-consumer", "data-control": true,
      "data-i18n": "card.kill", "data-i18n-title": "card.kill.title" }),
    app: appNodes(id),       // a classic consumer's application: stall, slow, failed commits
  };
  n.faults = faultNodes(id, n.app);   // "⋯": stall, slow, restart, cut off (classic groups only)
  n.share = el("div", { class: "c-share", hidden: true }, [
    el("span", { class: "k", "data-i18n": "card.wins", "data-i18n-title": "card.wins.title" }), n.wins,
    el("span", { class: "k", "data-i18n": "card.redelivered", "data-i18n-title": "card.redelivered.title" }), n.redelivered,
  ]);
  return n;
}

function cardRoot(m, n) {
  const stat = (key, node, unit) => el("div", { class: "c-stat" }, [
    key,
    el("span", { class: "vv" }, unit ? [node, el("span", { class: "unit", "data-i18n": unit })] : [node]),
  ]);
  const k = (name) => el("span", { class: "k", "data-i18n": name });
  return el("article", { class: "card", "data-testid": "consumer", "data-member-id": m.member_id, "data-state": m.state }, [
    el("header", { class: "c-head" }, [el("span", { class: "swatch", "aria-hidden": "true" }), n.name, n.instance, n.leader, n.phase, n.pill]),
    el("div", { class: "c-mid" }, [n.parts, el("div", { class: "c-actions" },
      [n.pauseBtn, n.stopBtn, n.killBtn, n.faults.more])]),
    el("div", { class: "c-stats" }, [
      stat(k("card.throughput"), n.tp, "card.unit.rps"),
      stat(n.lagKey, n.lag),
      stat(k("card.processed"), n.processed),
      el("label", { class: "c-stat c-rate-wrap", "data-i18n-title": "card.rate.title" }, [k("card.rate"), n.rate]),
    ]),
    n.share,
    n.note,
    n.app.line,
    n.app.fail,
    n.faults.menu,
  ]);
}

function createCard(m) {
  const id = m.member_id;
  const view = { ...cardNodes(m), partsKey: null, member: m };
  view.root = cardRoot(m, view);
  applyStatic(view.root);
  view.pauseBtn.addEventListener("click", () => {
    send({ op: view.member.state === "paused" ? "resume_consumer" : "pause_consumer", member_id: id });
  });
  view.stopBtn.addEventListener("click", () => send({ op: "stop_consumer", member_id: id }));
  view.killBtn.addEventListener("click", () => send({ op: "kill_consumer", member_id: id }));
  const rate = view.rate;
  const commitRate = () => {
    const v = Number(rate.value);
    if (rate.value === "" || !Number.isFinite(v)) return;
    if (Math.abs(Number(view.member.rate) - v) < 1e-9) return;
    if (justSent(rate, v)) return;
    hold(rate);
    send({ op: "set_consumer_rate", member_id: id, rate: v });
  };
  rate.addEventListener("change", commitRate);
  rate.addEventListener("keydown", (e) => { if (e.key === "Enter") { commitRate(); rate.blur(); } });
  return view;
}

function crashNote(m, snap, group) {
  const key = group.type === "share" ? "group.share.session.timeout.ms" : "session.timeout.ms";
  const timeout = group.config && group.config[key];
  if (timeout === undefined || m.last_heartbeat_ms === undefined || m.last_heartbeat_ms === null) {
    return t("card.crashed.now");
  }
  const left = m.last_heartbeat_ms + timeout - snap.time_ms;
  return left > 0 ? t("card.crashed.in", { s: (left / 1000).toFixed(1) }) : t("card.crashed.now");
}

function renderParts(view, m, snap) {
  const parts = (m.partitions || []).map((p) => (Array.isArray(p) ? p : [p.topic, p.partition]));
  const multiTopic = (snap.topics || []).length > 1;
  const key = parts.map((p) => p.join("-")).join(",");
  if (key !== view.partsKey) {
    view.partsKey = key;
    if (!parts.length) {
      view.parts.replaceChildren(el("span", { class: "chip none" }, t("card.partitions.none")));
    } else {
      view.parts.replaceChildren(...parts.map(([topic, p]) =>
        el("span", { class: "chip", "data-partition": p, "data-topic": topic }, multiTopic ? `${topic}-${p}` : `P${p}`)));
    }
  } else if (!parts.length) {
    setText(view.parts.firstElementChild, t("card.partitions.none"));
  }
}

function renderStats(view, m, group) {
  setText(view.tp, fmtRate(m.throughput));
  setText(view.lag, m.lag === null || m.lag === undefined ? "-" : fmtInt(m.lag));
  setText(view.processed, fmtInt(m.processed));
  const isShare = group.type === "share";
  const dispatch = isDispatch(group);
  setHidden(view.share, !isShare && !dispatch);
  // In a share group the card's "lag" is the records this member holds under an acquisition lock; in random
  // dispatch, the records handed to it and not processed yet.
  const lagKey = isShare ? "card.locked" : dispatch ? "card.backlog" : "card.lag";
  if (view.lagKey.dataset.i18n !== lagKey) {
    view.lagKey.dataset.i18n = lagKey;
    setText(view.lagKey, t(lagKey));
    view.lagKey.title = isShare ? t("card.locked.title") : dispatch ? t("card.backlog.title") : "";
  }
  if (isShare || dispatch) {
    setText(view.wins, fmtInt(m.wins));
    setText(view.redelivered, dispatch ? "–" : fmtInt(m.redelivered));
  }
  if (m.rate !== undefined && m.rate !== null) syncValue(view.rate, String(Math.round(Number(m.rate) * 10) / 10));
}

// Issue 16: a bounced process, a member cut off from its coordinator, a zombie, a failed commit, a static member.
function faultOf(m) {
  if (m.state === "restarting") return "restarting";
  if (m.zombie) return "zombie";
  if (m.partitioned) return "partitioned";
  return m.commit_error ? "commit" : "";
}

function faultNote(m, fault) {
  if (fault === "restarting") return t("card.restarting");
  if (fault === "zombie") return t("card.zombie", { n: fmtInt(m.zombie_processed || 0) });
  if (fault === "partitioned") return t("card.partitioned");
  return fault === "commit" ? t("card.commit_error", { e: m.commit_error }) : "";
}

function renderActions(view, m, snap, group) {
  let note = "";
  if (m.state === "crashed") note = crashNote(m, snap, group);
  else if (m.state === "leaving") note = t("card.leaving");
  else if (m.state === GONE) note = t("card.gone");
  const fault = faultOf(m);
  setAttr(view.root, "data-fault", fault);
  if (!note) note = faultNote(m, fault);
  setText(view.note, note);
  view.pill.title = m.state === "paused" ? t("card.paused") : note;
  setHidden(view.note, !note);
  const gone = m.state === "crashed" || m.state === "leaving" || m.state === "restarting" || m.state === GONE;
  const paused = m.state === "paused";
  setText(view.pauseBtn, t(paused ? "card.resume" : "card.pause"));
  view.pauseBtn.title = t(paused ? "card.resume.title" : "card.pause.title");
  setAttr(view.pauseBtn, "data-testid", paused ? "resume-consumer" : "pause-consumer");
  for (const b of [view.pauseBtn, view.stopBtn, view.killBtn, view.rate]) setDisabled(b, gone);
}

function updateCard(view, m, snap, group) {
  view.member = m;
  setAttr(view.root, "data-testid", m.state === GONE ? "consumer-gone" : "consumer");
  const color = colorFor(m.color);
  if (view.root.style.getPropertyValue("--c") !== color) view.root.style.setProperty("--c", color);
  setAttr(view.root, "data-state", m.state);
  setText(view.pill, t(`ms.${m.state}`) === `ms.${m.state}` ? m.state : t(`ms.${m.state}`));
  setHidden(view.leader, group.leader !== m.member_id);
  setText(view.instance, m.instance_id || "");           // a static member's group.instance.id (KIP-345)
  setHidden(view.instance, !m.instance_id);
  view.instance.title = m.instance_id ? t("card.static", { id: m.instance_id }) : "";
  const ph = m.phase && !["crashed", "leaving", "restarting"].includes(m.state) ? t(`phase.${m.phase}`) : "";
  setText(view.phase, ph === `phase.${m.phase}` ? m.phase : ph);
  renderParts(view, m, snap);
  renderStats(view, m, group);
  renderActions(view, m, snap, group);
  renderApp(view.app, m, group);
  renderFaults(view.faults, m, group);
  setHidden(view.stopBtn, group.type === "flink");     // a subtask is not stopped alone (wire.md)
}

// ---------------------------------------------------------------- the panel

function memberSort(a, b) {
  const ca = Number.isInteger(a.color) ? a.color : 1e9;
  const cb = Number.isInteger(b.color) ? b.color : 1e9;
  if (ca !== cb) return ca - cb;
  return String(a.member_id).localeCompare(String(b.member_id));
}

function renderHeading(group, members) {
  setText(ui.groupName, group ? group.group_id : "");
  // Only the assignors this group's protocol takes (none for a share group or a Flink job: hidden then).
  const choices = assignorsFor(group);
  syncOptions(ui.assignor, choices.length || !group?.assignor ? choices : [group.assignor]);
  if (group && group.assignor) syncValue(ui.assignor, group.assignor);
  const isShare = !!group && group.type === "share";
  const isFlink = !!group && group.type === "flink";      // a Flink job: no assignor to pick, no members to add
  const dispatch = isDispatch(group);                      // the seed's random dispatch: not a Kafka mode, say so
  const coop = group && (group.protocol === "cooperative" || group.assignor === "cooperative-sticky");
  setHidden(ui.assignor.closest("label"), isShare || isFlink || dispatch);
  setHidden(ui.add, isFlink);
  renderStaticAdd(ui.addStatic, group);
  setHidden(ui.competition, !isShare && !isFlink && !dispatch);
  setAttr(ui.competition, "data-kind", group ? group.type : "");
  // A share group's members pull batches from the partitions assigned to them (Kafka): who fetches decides.
  if (isShare) setText(ui.competition, t("comp.share"));
  if (isFlink) setText(ui.competition, t("group.flink.split"));
  if (dispatch) setText(ui.competition, t("dispatch.label"));
  ui.competition.title = isShare ? `${t("group.pwin.share.title")} ${t(`group.competition.${group.competition}.title`)}`
    : isFlink ? t("fl.explain") : dispatch ? t("dispatch.label.title") : "";
  setText(ui.protocol, !group ? "" : t(isFlink ? "group.protocol.flink" : isShare ? "group.protocol.share"
    : dispatch ? "group.protocol.dispatch" : coop ? "group.protocol.cooperative" : "group.protocol.eager"));
  const active = members.filter((m) => m.state === "active" || m.state === "paused").length;
  const firstFree = isShare && group.competition === "first-free";
  const pwin = dispatch ? "dispatch" : firstFree ? "firstfree" : isShare ? "share" : null;
  setText(ui.pwin, t(pwin ? `group.pwin.${pwin}` : "group.pwin", { n: active }));
  ui.pwin.dataset.i18nTitle = pwin ? `group.pwin.${pwin}.title` : "group.pwin.title";
  ui.pwin.title = t(ui.pwin.dataset.i18nTitle);
}

// ---------------------------------------------------------------- places kept after a kill

const GONE = "gone";           // a card whose member left the group, kept in its place for a while
const REBALANCING = new Set(["PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling"]);
const OUTGOING = new Set(["crashed", "leaving", "restarting"]);   // a card on its way out (or back)
const places = { groupId: undefined, seen: new Map(), gone: new Map(), order: [], pointerIn: false, last: null,
                 held: false };

/** The cards' density waits while the pointer is on them right after a kill, a leave or a restart (until
 * the rebalance that follows ends and it moves off): otherwise the next card's buttons could slide under
 * it. At other times a pointer resting on the cards does not stop them from fitting the panel. */
function densityHeld() {
  return places.pointerIn && (places.gone.size > 0 || [...places.seen.values()].some((m) => OUTGOING.has(m.state)));
}

/** The members plus the ones that just left, each in its old place, until the rebalance that follows
 * ends and the pointer is off the cards: the card after a killed one does not slide under the pointer
 * (its Kill button where the last Kill was). */
function keepPlaces(group, members) {
  const gid = group ? group.group_id : null;
  if (gid !== places.groupId) { places.groupId = gid; places.seen.clear(); places.gone.clear(); places.order = []; }
  const now = new Map(members.map((m) => [m.member_id, m]));
  for (const [id, m] of places.seen) {
    if (!now.has(id)) places.gone.set(id, { ...m, state: GONE, lag: null, throughput: 0 });   // same chips: same height
  }
  for (const id of now.keys()) places.gone.delete(id);
  places.seen = now;
  if (!places.pointerIn && !(group && REBALANCING.has(group.state))) places.gone.clear();
  const out = [...members];
  places.order.forEach((id, i) => {      // each gone card back at the index it was drawn at
    if (places.gone.has(id)) out.splice(Math.min(i, out.length), 0, places.gone.get(id));
  });
  places.order = out.map((m) => m.member_id);
  return out;
}

/** Whether the pointer is over the cards, from the pointer's own moves only: a card that changes size
 * under a still pointer makes Chromium send enter/leave events without any move, and the gone card
 * must not give up its place for that (the next card would slide under the pointer after all). A
 * finger is on the cards until it lifts. */
function watchPointer() {
  let x = null, y = null;
  const set = (inside) => {
    if (inside === places.pointerIn) return;
    places.pointerIn = inside;
    // even while the simulation is paused: gone cards give up their places, a postponed refit runs
    if (!inside && places.last) render(...places.last);
  };
  const follow = (e, always) => {
    if (!always && e.clientX === x && e.clientY === y) return;    // a layout change, not a move
    x = e.clientX; y = e.clientY;
    set(ui.cards.contains(e.target));
  };
  document.addEventListener("pointermove", (e) => { if (e.pointerType === "mouse") follow(e, false); }, { passive: true });
  document.addEventListener("pointerdown", (e) => follow(e, true), { passive: true });
  for (const end of ["pointerup", "pointercancel"]) {
    document.addEventListener(end, (e) => { if (e.pointerType !== "mouse") set(false); }, { passive: true });
  }
  document.documentElement.addEventListener("pointerleave", () => { x = y = null; set(false); });
}

export function render(snap, group) {
  places.last = [snap, group];
  const members = keepPlaces(group, group ? [...(group.members || [])].sort(memberSort) : []);
  renderHeading(group, members);
  reconcile(ui.cards, members, (m) => m.member_id, createCard, (view, m) => updateCard(view, m, snap, group));
  const held = densityHeld();
  ui.refit(places.held && !held);      // a hold that ends: fit what came meanwhile
  places.held = held;
  setHidden(ui.empty, members.length > 0);
  // An observed group's members are not ours to list (the cluster may not even describe them).
  const emptyKey = snap.backend && snap.backend.observe ? "group.empty.observe" : "group.empty";
  if (ui.empty.dataset.i18n !== emptyKey) {
    ui.empty.dataset.i18n = emptyKey;
    setText(ui.empty, t(emptyKey));
  }
  setDisabled(ui.add, !group);
}

export function init() {
  ui = {
    groupName: document.querySelector(".group-name"), assignor: q("assignor"), competition: q("competition"),
    add: q("add-consumer"), addStatic: document.querySelector(".add-static"), protocol: document.querySelector(".protocol"), pwin: document.querySelector(".pwin"),
    cards: q("consumers"), empty: document.querySelector(".group .empty"),
  };
  ui.refit = keepFitting(ui.cards, ui.cards.closest(".panel"), DENSITY, densityHeld);
  watchPointer();
  ui.assignor.addEventListener("change", () => {
    hold(ui.assignor);
    send({ op: "set_assignor", group_id: select((s) => s.groupId), assignor: ui.assignor.value });
  });
  ui.add.addEventListener("click", () => send(addCommand(q("add-static"), places.last?.[1] ?? { group_id: select((s) => s.groupId) })));
}

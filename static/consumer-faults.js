// Free-play controls for what happens to a classic consumer from outside its poll loop (issue 16): bounce
// its process (`restart_consumer`), cut it off from its coordinator (`partition_consumer`), and start a
// static member (`add_consumer {instance_id}`). They sit with the application's stall / slow buttons in a
// small "⋯" menu on the card, so the card keeps three buttons at every density (fit.js). Other kinds of
// group (share, KIP-848, Flink, random dispatch) refuse these commands: the menu and the checkbox are not
// shown there. Refusals come back as toasts (commands.js send), like every other control's.
import { addMessages, t } from "./i18n.js";
import { el, setText, setHidden, setAttr, toggleClass } from "./dom.js";
import { setDisabled } from "./controls.js";
import { send } from "./commands.js";
import { classicGroup, classicMember, stallMs, SLOW_MS } from "./consumer-app.js";

addMessages({
  en: {
    "fault.more.title": "More: stall or slow the application, restart the process, cut it off from the coordinator",
    "fault.menu.app": "application (poll loop)",
    "fault.menu.process": "process and network",
    "fault.stall": "stall {s} s (no poll())",
    "fault.slow": "slow: {ms} ms per record",
    "fault.restart": "restart {s} s",
    "fault.restart.title": "Bounce this consumer's process for {s} s (restart_consumer). A static member (group.instance.id) "
      + "sends no LeaveGroup: back within session.timeout.ms ({st} s) it gets the same partitions, no rebalance. "
      + "A dynamic member sends LeaveGroup on close: the group rebalances now and again when it is back",
    "fault.restartLong": "restart {s} s (> session timeout)",
    "fault.restartLong.title": "Bounce the process for {s} s, longer than session.timeout.ms ({st} s): the coordinator "
      + "expels even a static member when its session expires and the group rebalances; it joins again when it is back",
    "fault.cut": "cut off {s} s",
    "fault.cut.title": "A network partition between this consumer and its coordinator for {s} s (partition_consumer): "
      + "heartbeats and commits are lost while it keeps fetching and processing. After session.timeout.ms ({st} s) the "
      + "coordinator expels it and gives its partitions to others: a zombie, its records processed twice, its commit failing",
    "group.addStatic": "static",
    "group.addStatic.title": "Add the next consumer as a static member: group.instance.id app-<n> (KIP-345). Closing, it "
      + "sends no LeaveGroup; a restart within session.timeout.ms keeps its partitions without a rebalance",
  },
  zh: {
    "fault.more.title": "更多：让应用阻塞或变慢、重启进程、切断它与协调者的网络",
    "fault.menu.app": "应用（poll 循环）",
    "fault.menu.process": "进程与网络",
    "fault.stall": "阻塞 {s} 秒（不调用 poll()）",
    "fault.slow": "变慢：每条 {ms} ms",
    "fault.restart": "重启 {s} 秒",
    "fault.restart.title": "让这个消费者的进程停 {s} 秒再启动（restart_consumer）。静态成员（group.instance.id）关闭时不发送 "
      + "LeaveGroup：在 session.timeout.ms（{st} 秒）内回来，分区不变，不发生再均衡。动态成员关闭时发送 LeaveGroup：组立即再均衡，"
      + "回来时再均衡一次",
    "fault.restartLong": "重启 {s} 秒（超过会话超时）",
    "fault.restartLong.title": "让进程停 {s} 秒，比 session.timeout.ms（{st} 秒）更久：会话过期后协调者连静态成员也会移出，组再均衡；"
      + "进程回来后重新加入",
    "fault.cut": "断网 {s} 秒",
    "fault.cut.title": "在这个消费者和协调者之间制造 {s} 秒的网络分区（partition_consumer）：心跳和提交都丢失，它却继续拉取和处理。"
      + "过了 session.timeout.ms（{st} 秒）协调者把它移出组，分区交给别人：它成了僵尸，记录被处理两次，提交失败",
    "group.addStatic": "静态",
    "group.addStatic.title": "下一个消费者作为静态成员加入：group.instance.id 为 app-<n>（KIP-345）。关闭时不发送 LeaveGroup；"
      + "在 session.timeout.ms 内重启，分区保留，不发生再均衡",
  },
});

const MAX_MS = 600000;            // commands.py MAX_DOWN_MS
const OVER_SESSION_MS = 4000;     // "longer than the session timeout": 10 s at the classroom default of 6 s
const secs = (ms) => String(Math.round(ms / 100) / 10);

/** The three durations the menu offers, from the group's session.timeout.ms. */
function durations(group) {
  const session = Number(group?.config?.["session.timeout.ms"]) || 45000;
  const long = Math.min(session + OVER_SESSION_MS, MAX_MS);
  return { session, short: Math.max(1000, Math.min(3000, Math.floor(session / 2))), long, cut: long };
}

// ---------------------------------------------------------------- the menu (one open at a time)

let open = null;      // the nodes whose menu is open

function place(n) {
  const r = n.more.getBoundingClientRect();
  const m = n.menu.getBoundingClientRect();
  const left = Math.max(4, Math.min(r.right - m.width, window.innerWidth - m.width - 4));
  let top = r.bottom + 2;
  if (top + m.height > window.innerHeight - 4) top = Math.max(4, r.top - m.height - 2);
  n.menu.style.left = `${Math.round(left)}px`;
  n.menu.style.top = `${Math.round(top)}px`;
}

function close() {
  if (!open) return;
  setHidden(open.menu, true);
  setAttr(open.more, "aria-expanded", "false");
  open = null;
}

function toggle(n) {
  const wasOpen = open === n;
  close();
  if (wasOpen) return;
  open = n;
  setHidden(n.menu, false);
  setAttr(n.more, "aria-expanded", "true");
  place(n);
  n.menu.querySelector("button:not([disabled]):not([hidden])")?.focus();
}

document.addEventListener("pointerdown", (e) => {
  if (open && !open.menu.contains(e.target) && !open.more.contains(e.target)) close();
});
document.addEventListener("keydown", (e) => {
  if (e.key !== "Escape" || !open) return;
  const more = open.more;
  close();
  more.focus();
});
window.addEventListener("resize", close);
// a scroll that moves the card (the page, the panel; a click scrolls its target into view first): the menu follows
document.addEventListener("scroll", (e) => { if (open && e.target.contains?.(open.more)) place(open); }, true);

/** The card's "⋯" button and its menu: the application's buttons (`app`, consumer-app.js) and the faults. */
export function faultNodes(memberId, app) {
  const item = (testid) => el("button", { type: "button", class: "c-menu-item", role: "menuitem", "data-testid": testid,
    "data-control": true });
  const n = {
    more: el("button", { type: "button", class: "btn sm more", "data-testid": "consumer-more", "data-control": true,
      "aria-haspopup": "menu", "aria-expanded": "false", "data-i18n-title": "fault.more.title",
      "data-i18n-aria": "fault.more.title" }, "⋯"),
    restart: item("restart-consumer"), restartLong: item("restart-consumer-long"), cut: item("partition-consumer"),
    stall: app.stallBtn, slow: app.slowBtn, group: null,
  };
  for (const b of [app.stallBtn, app.slowBtn]) {
    b.classList.add("c-menu-item");
    setAttr(b, "role", "menuitem");
    b.removeAttribute("data-i18n");      // the menu's own words, with the duration (renderFaults)
  }
  n.menu = el("div", { class: "c-menu", role: "menu", "data-testid": "consumer-menu", hidden: true }, [
    el("div", { class: "c-menu-k", "data-i18n": "fault.menu.app" }), app.stallBtn, app.slowBtn,
    el("div", { class: "c-menu-k", "data-i18n": "fault.menu.process" }), n.restart, n.restartLong, n.cut,
  ]);
  n.more.addEventListener("click", () => toggle(n));
  const act = (node, cmd) => node.addEventListener("click", () => { close(); send({ ...cmd(durations(n.group)), member_id: memberId }); });
  act(n.restart, (d) => ({ op: "restart_consumer", down_ms: d.short }));
  act(n.restartLong, (d) => ({ op: "restart_consumer", down_ms: d.long }));
  act(n.cut, (d) => ({ op: "partition_consumer", ms: d.cut }));
  for (const b of [app.stallBtn, app.slowBtn]) b.addEventListener("click", close);
  return n;
}

function label(node, key, ms, session) {
  setText(node, t(key, { s: secs(ms) }));
  node.title = t(`${key}.title`, { s: secs(ms), st: secs(session) });
}

/** Show the "⋯" only on a classic consumer's card; the faults only for a member whose process runs. */
export function renderFaults(n, m, group) {
  n.group = group;
  const classic = classicMember(m, group);
  setHidden(n.more, !classic);
  const live = m.state === "active" || m.state === "paused";
  setDisabled(n.more, !classic || !live);
  if (open === n && (!classic || !live)) close();
  if (!classic) return;
  if (open === n) place(n);          // the card may have moved (a denser level, a card gone before it)
  const d = durations(group);
  setText(n.stall, t("fault.stall", { s: secs(stallMs(group)) }));
  setText(n.slow, t("fault.slow", { ms: SLOW_MS }));
  label(n.restart, "fault.restart", d.short, d.session);
  label(n.restartLong, "fault.restartLong", d.long, d.session);
  label(n.cut, "fault.cut", d.cut, d.session);
  // already cut off: the items stay, and the engine's refusal (a toast) says to wait for the partition to heal
  for (const b of [n.restart, n.restartLong, n.cut]) setDisabled(b, !live);
  toggleClass(n.more, "on", !!(m.partitioned || m.zombie || m.stalled_ms > 0 || m.processing_ms));
}

// ---------------------------------------------------------------- "+ Add consumer" as a static member

/** The first app-<n> no member of the group holds (a held one would fence it, or be refused while it restarts). */
export function nextInstanceId(group) {
  const taken = new Set((group?.members || []).map((m) => m.instance_id).filter(Boolean));
  for (const c of group?.coordinator_members || []) if (c.instance_id) taken.add(c.instance_id);
  let i = 1;
  while (taken.has(`app-${i}`)) i += 1;
  return `app-${i}`;
}

/** The add_consumer command: with `instance_id` when the "static" box is ticked on a classic group. */
export function addCommand(box, group) {
  const cmd = { op: "add_consumer", group_id: group?.group_id ?? undefined };
  if (box.checked && classicGroup(group)) cmd.instance_id = nextInstanceId(group);
  return cmd;
}

export function renderStaticAdd(wrap, group) {
  setHidden(wrap, !classicGroup(group));
}

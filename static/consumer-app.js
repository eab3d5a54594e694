// A classic consumer's application on its card (issue 16): what it is doing between two poll() calls
// (blocked, processing a batch, left on its poll timeout) and its failed commits; buttons to stall it
// or give it a processing time per record (in the card's "⋯" menu, consumer-faults.js). The snapshot fields are described in docs/wire.md.
import { addMessages, t } from "./i18n.js";
import { el, setText, setHidden, toggleClass } from "./dom.js";
import { hold, release, syncValue, setDisabled } from "./controls.js";
import { send } from "./commands.js";

addMessages({
  en: {
    "app.stalled": "blocked {s} s more, no poll() for {p} s (max.poll.interval.ms {m} s)",
    "app.batch": "processing: {n} records left, {ms} ms each · no poll() for {p} s",
    "app.slow": "{ms} ms per record, up to {r} per poll() (max.poll.records)",
    "app.left": "left the group: consumer poll timeout has expired; still holds its batch until its next poll()",
    "app.title": "The application's poll loop: between two poll() calls it processes; the heartbeat thread sends LeaveGroup once max.poll.interval.ms passes without a poll()",
    "app.commitfail": "commit failed ×{n}: {e}",
    "app.commitfail.title": "{how} failed at {at} s: {msg}",
    "app.how.auto": "auto-commit", "app.how.sync": "commitSync", "app.how.async": "commitAsync",
    "app.how.revoke": "the commit in onPartitionsRevoked", "app.how.leave": "the commit before leaving",
    "app.stall": "stall",
    "app.stall.title": "Block this consumer's application for max.poll.interval.ms + 5 s without calling poll() (stall_consumer); its heartbeats go on",
    "app.slowbtn": "slow",
    "app.slowbtn.title": "Toggle a processing time of 50 ms per record (set_processing_ms): a poll() returns up to max.poll.records records",
    "app.mode.title": "How the applications commit (set_commit_mode): auto-commit inside poll() every auto.commit.interval.ms, commitSync or commitAsync after each batch, or never",
    "app.mode.auto": "commit: auto", "app.mode.sync": "commit: sync", "app.mode.async": "commit: async", "app.mode.none": "commit: none",
    "app.listener": "+ on revoke",
    "app.listener.title": "A ConsumerRebalanceListener commits in onPartitionsRevoked (rebalance_listener_commits); Kafka's default has none",
    "app.sum.stalled": "{n} not polling",
    "app.sum.left": "{n} left on poll timeout",
    "app.sum.failed": "{n} failed commits",
  },
  zh: {
    "app.stalled": "还要阻塞 {s} 秒，已 {p} 秒没有 poll()（max.poll.interval.ms 为 {m} 秒）",
    "app.batch": "处理中：还剩 {n} 条，每条 {ms} ms · 已 {p} 秒没有 poll()",
    "app.slow": "每条 {ms} ms，一次 poll() 最多 {r} 条（max.poll.records）",
    "app.left": "已离开组：consumer poll timeout has expired；在下一次 poll() 之前仍拿着这批记录",
    "app.title": "应用的 poll 循环：两次 poll() 之间在处理记录；超过 max.poll.interval.ms 没有 poll()，心跳线程就发送 LeaveGroup",
    "app.commitfail": "提交失败 ×{n}：{e}",
    "app.commitfail.title": "{how}在 {at} 秒失败：{msg}",
    "app.how.auto": "自动提交", "app.how.sync": "commitSync", "app.how.async": "commitAsync",
    "app.how.revoke": "onPartitionsRevoked 里的提交", "app.how.leave": "离开前的提交",
    "app.stall": "阻塞",
    "app.stall.title": "让这个消费者的应用阻塞 max.poll.interval.ms + 5 秒，不调用 poll()（stall_consumer）；心跳照常",
    "app.slowbtn": "变慢",
    "app.slowbtn.title": "切换每条记录 50 ms 的处理时间（set_processing_ms）：一次 poll() 最多返回 max.poll.records 条",
    "app.mode.title": "应用如何提交位移（set_commit_mode）：在 poll() 内每隔 auto.commit.interval.ms 自动提交、每批之后 commitSync 或 commitAsync，或者从不提交",
    "app.mode.auto": "提交：自动", "app.mode.sync": "提交：同步", "app.mode.async": "提交：异步", "app.mode.none": "提交：无",
    "app.listener": "+ 撤销时",
    "app.listener.title": "ConsumerRebalanceListener 在 onPartitionsRevoked 里提交（rebalance_listener_commits）；Kafka 默认没有监听器",
    "app.sum.stalled": "{n} 个没在 poll",
    "app.sum.left": "{n} 个因 poll 超时离开",
    "app.sum.failed": "{n} 次提交失败",
  },
});

export const SLOW_MS = 50;
/** How long the stall button blocks the application: max.poll.interval.ms + 5 s, so the member leaves. */
export const stallMs = (group) => Math.min((Number(group?.config?.["max.poll.interval.ms"]) || 300000) + 5000, 600000);
const secs = (ms) => (ms / 1000).toFixed(1);

/** The card's nodes: a status line, a failed-commit mark and two buttons (added to the card by group.js). */
export function appNodes(memberId) {
  const n = {
    line: el("div", { class: "c-app", "data-testid": "consumer-app", hidden: true }),
    fail: el("div", { class: "c-commitfail", "data-testid": "commit-failed", hidden: true }),
    stallBtn: el("button", { type: "button", class: "btn sm app", "data-testid": "stall-consumer", "data-control": true,
      "data-i18n": "app.stall", "data-i18n-title": "app.stall.title" }),
    slowBtn: el("button", { type: "button", class: "btn sm app", "data-testid": "slow-consumer", "data-control": true,
      "data-i18n": "app.slowbtn", "data-i18n-title": "app.slowbtn.title" }),
    member: null, group: null,
  };
  n.stallBtn.addEventListener("click", () => send({ op: "stall_consumer", member_id: memberId, ms: stallMs(n.group) }));
  n.slowBtn.addEventListener("click", () => {
    send({ op: "set_processing_ms", member_id: memberId, ms: n.member?.processing_ms ? 0 : SLOW_MS });
  });
  return n;
}

function statusLine(m, group) {
  const cfg = group.config || {};
  const p = secs(m.since_poll_ms || 0);
  if (m.phase === "unjoined" && m.poll_timeouts > 0 && (m.partitions || []).length) return t("app.left");
  if (m.stalled_ms > 0) {
    return t("app.stalled", { s: secs(m.stalled_ms), p, m: secs(cfg["max.poll.interval.ms"] || 0) });
  }
  if (m.in_flight > 0) return t("app.batch", { n: m.in_flight, ms: m.processing_ms, p });
  if (m.processing_ms > 0) return t("app.slow", { ms: m.processing_ms, r: cfg["max.poll.records"] ?? 500 });
  return "";
}

/** A classic consumer group of the simulation (not KIP-848, share, Flink, random dispatch or real Kafka's view). */
export const classicGroup = (g) => !!g && g.type === "consumer" && g.group_protocol !== "consumer" && !!g.commit_mode;
/** A member of one, whose application the engine models (its row carries processing_ms). */
export const classicMember = (m, g) => !!g && g.type === "consumer" && g.group_protocol !== "consumer" && "processing_ms" in m;

/** Update the nodes from the member's row; classic consumer groups only (other kinds hide them). */
export function renderApp(n, m, group) {
  n.member = m;
  n.group = group;
  const classic = classicMember(m, group);
  const line = classic ? statusLine(m, group) : "";
  setText(n.line, line);
  n.line.title = line ? t("app.title") : "";
  setHidden(n.line, !line);
  toggleClass(n.line, "left", line === t("app.left"));
  const f = classic ? m.last_commit_failure : null;
  setHidden(n.fail, !f);
  if (f) {
    setText(n.fail, t("app.commitfail", { n: m.commit_failures, e: f.error }));
    n.fail.title = t("app.commitfail.title", { how: t(`app.how.${f.how}`), at: secs(f.time_ms), msg: f.message });
  }
  for (const b of [n.stallBtn, n.slowBtn]) {
    setHidden(b, !classic);
    setDisabled(b, m.state !== "active");
  }
  toggleClass(n.slowBtn, "on", !!m.processing_ms);
}

// ---------------------------------------------------------------- the Kafka details' overview row

const MODES = ["auto", "sync", "async", "none"];

/** A classic group's commit mode, its listener and a summary of its applications, for the overview row. */
export function commitCell(gid) {
  const mode = el("select", { "data-testid": "overview-commit-mode", "data-control": true, "aria-label": `${gid} commit mode`,
    "data-i18n-title": "app.mode.title" }, MODES.map((m) => el("option", { value: m, "data-i18n": `app.mode.${m}` })));
  const listener = el("input", { type: "checkbox", "data-testid": "overview-listener-commits", "data-control": true });
  const n = {
    mode, listener,
    listenerLabel: el("label", { class: "kz-listener", "data-i18n-title": "app.listener.title" },
      [listener, el("span", { "data-i18n": "app.listener" })]),
    summary: el("span", { class: "kz-appsum", "data-testid": "overview-app-summary" }),
    group: null,
  };
  n.root = el("div", { class: "kz-commit" }, [mode, n.listenerLabel, n.summary]);
  for (const node of [mode, n.listenerLabel]) node.addEventListener("click", (e) => e.stopPropagation());
  const apply = async (extra) => {
    hold(mode);
    const res = await send({ op: "set_commit_mode", group_id: gid, mode: mode.value, ...extra });
    if (!res || res.ok !== true) { release(mode); mode.value = n.group?.commit_mode ?? "auto"; }
  };
  mode.addEventListener("change", () => apply({}));
  listener.addEventListener("change", () => apply({ rebalance_listener_commits: listener.checked }));
  return n;
}

export function renderCommitCell(n, g) {
  n.group = g;
  const classic = classicGroup(g);
  setHidden(n.root, !classic);
  if (!classic) return;
  for (const o of n.mode.options) setText(o, t(`app.mode.${o.value}`));     // the language may have changed
  setText(n.listenerLabel.lastElementChild, t("app.listener"));
  n.mode.title = t("app.mode.title");
  n.listenerLabel.title = t("app.listener.title");
  syncValue(n.mode, g.commit_mode);
  if (n.listener.checked !== !!g.rebalance_listener_commits) n.listener.checked = !!g.rebalance_listener_commits;
  const ms = g.members || [];
  const parts = [];
  const stalled = ms.filter((m) => m.stalled_ms > 0 || m.in_flight > 0).length;
  const left = ms.filter((m) => m.phase === "unjoined" && m.poll_timeouts > 0 && (m.partitions || []).length).length;
  const failed = ms.reduce((a, m) => a + (m.commit_failures || 0), 0);
  if (stalled) parts.push(t("app.sum.stalled", { n: stalled }));
  if (left) parts.push(t("app.sum.left", { n: left }));
  if (failed) parts.push(t("app.sum.failed", { n: failed }));
  setText(n.summary, parts.join(" · "));
  toggleClass(n.summary, "bad", failed > 0 || left > 0);
}

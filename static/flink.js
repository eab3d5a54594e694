// The Flink jobs on the topic (type "flink", docs/wire.md "Flink jobs"): one card per job, its source
// subtasks with their splits → its sink, the checkpoints (completed / failed) and the restarts, kill on a
// subtask and the parallelism (a rescale through a savepoint). Plugged in through panels.js; the chart
// marks are flink-chart.js; text via textContent only.
import "./flink-i18n.js";
import { t, applyStatic } from "./i18n.js";
import { el, q, reconcile, setText, setAttr, toggleClass, setHidden, fmtInt, fmtSeconds } from "./dom.js";
import { hold, release, syncValue, setDisabled } from "./controls.js";
import { selectGroup, select } from "./store.js";
import { send } from "./commands.js";
import { colors } from "./palette.js";
import { chartMarks } from "./hooks.js";
import { flinkMarks } from "./flink-chart.js";

const CHIPS = 12;          // checkpoints drawn as chips (the snapshot keeps 40)
const PARALLELISM = [1, 2, 3, 4, 5, 6, 8, 12, 16];

let ui = null;

// ------------------------------------------------------------------ subtasks

function createSubtask(m) {
  const name = el("b", { class: "fl-st-name" });
  const state = el("span", { class: "fl-task", "data-testid": "flink-task-state" });
  const splits = el("span", { class: "fl-splits num", "data-testid": "flink-splits" });
  const rate = el("span", { class: "fl-rate num" });
  const kill = el("button", { type: "button", class: "btn sm danger", "data-testid": "flink-kill", "data-control": true,
    "data-i18n": "fl.kill", "data-i18n-title": "fl.kill.title" });
  kill.addEventListener("click", () => send({ op: "kill_consumer", member_id: m.member_id }));
  const root = el("div", { class: "fl-subtask", "data-testid": "flink-subtask", "data-member-id": m.member_id,
    "data-subtask": String(m.subtask) }, [
    el("div", { class: "fl-st-head" }, [name, rate]), splits, el("div", { class: "fl-st-foot" }, [state, kill])]);
  applyStatic(root);
  return { root, name, state, splits, rate, kill };
}

function updateSubtask(v, m, job) {
  setText(v.name, t("fl.subtask", { i: m.subtask }));
  v.root.style.setProperty("--member", colors.get(m.member_id));
  setText(v.state, t(`task.${m.task_state}`));
  setAttr(v.state, "data-task", m.task_state);
  toggleClass(v.root, "down", m.task_state !== "RUNNING");
  const parts = (m.partitions || []).map(([, p], i) => `p${p}@${fmtInt(m.positions ? m.positions[i] : null)}`);
  setText(v.splits, parts.length ? parts.join("  ") : t("fl.nosplits"));
  setText(v.rate, `${(m.throughput ?? 0).toFixed(1)}/s`);
  setDisabled(v.kill, job.state !== "RUNNING" || m.state === "crashed");
}

// ------------------------------------------------------------------ checkpoints, restarts, sink

function chipText(cp) {
  const status = t(`fl.st.${cp.status}`);
  return t(cp.savepoint ? "fl.cp.savepoint" : "fl.cp.chip", { id: cp.id, status });
}

function createChip(cp) {
  const root = el("span", { class: "fl-chip num", "data-testid": "flink-checkpoint", "data-id": String(cp.id) });
  return { root };
}

function updateChip(v, cp) {
  setText(v.root, `${cp.savepoint ? "S" : ""}${cp.id}`);
  setAttr(v.root, "data-status", cp.status);
  v.root.title = chipText(cp);
}

function restartText(job) {
  const last = (job.restarts || [])[job.restarts.length - 1];
  if (!last) return t("fl.none");
  if (last.running_ms === null || last.running_ms === undefined) {
    const wait = Math.max(0, last.failed_ms + (job.config["restart-strategy.fixed-delay.delay"] || 0) - job.now);
    return t("fl.restart.waiting", { s: fmtSeconds(wait), cp: last.checkpoint ?? "-" });
  }
  if (last.kind === "rescale") return t("fl.rescale.last", { p: last.parallelism, cp: last.checkpoint });
  const s = fmtSeconds(last.running_ms - last.failed_ms);
  return t(last.checkpoint === null ? "fl.restart.start" : "fl.restart.last", { cp: last.checkpoint, s });
}

function stat(testid, key, title) {
  const value = el("b", { class: "num", "data-testid": testid });
  const root = el("span", { class: "fl-kv", "data-i18n-title": title || null }, [
    el("span", { class: "k", "data-i18n": key }), value]);
  return { root, value };
}

// ------------------------------------------------------------------ a job card

function createJobHead(v, gid) {
  v.state = el("span", { class: "badge gs", "data-testid": "flink-state" });
  v.attempt = el("span", { class: "muted num fl-attempt" });
  v.parallelism = el("select", { "data-testid": "flink-parallelism", "data-control": true,
    "data-i18n-title": "fl.parallelism.title" }, PARALLELISM.map((p) => el("option", { value: String(p) }, String(p))));
  v.parallelism.addEventListener("change", async () => {
    hold(v.parallelism, Infinity);
    const res = await send({ op: "set_parallelism", group_id: gid, parallelism: Number(v.parallelism.value) });
    release(v.parallelism);
    if (!res || res.ok !== true) v.parallelism.value = String(v.job.parallelism);
  });
  v.show = el("button", { type: "button", class: "btn sm", "data-testid": "flink-show", "data-i18n": "fl.show",
    "data-i18n-title": "fl.show.title" });
  v.show.addEventListener("click", () => selectGroup(gid));
  return el("h2", {}, [el("span", { class: "tag", "data-i18n": "fl.title" }), el("span", { class: "fl-gid" }, gid),
    v.state, v.attempt,
    el("label", { class: "field" }, [el("span", { "data-i18n": "fl.parallelism" }), v.parallelism]), v.show]);
}

function createSink(v) {
  v.sinkName = el("b", { class: "fl-sink-name", "data-testid": "flink-sink" });
  v.results = stat("flink-results", "fl.results");
  v.dupResults = stat("flink-results-dup", "fl.dupresults");
  v.pending = stat("flink-pending", "fl.pending");
  v.aborted = stat("flink-aborted", "fl.aborted");
  return el("div", { class: "fl-sink" }, [v.sinkName, v.results.root, v.dupResults.root, v.pending.root,
    v.aborted.root]);
}

function createJob(job) {
  const gid = job.group_id;
  const v = { job };
  const head = createJobHead(v, gid);
  v.subtasks = el("div", { class: "fl-subtasks", "data-testid": "flink-subtasks" });
  v.chips = el("span", { class: "fl-chips", "data-testid": "flink-checkpoints" });
  v.cpDone = el("span", { class: "num", "data-testid": "flink-cp-completed" });
  v.cpFailed = el("span", { class: "num", "data-testid": "flink-cp-failed" });
  v.reprocessed = stat("flink-duplicates", "fl.reprocessed", "fl.reprocessed.title");
  v.restarts = stat("flink-restarts", "fl.restarts");
  v.restartText = el("span", { class: "fl-restart", "data-testid": "flink-restart" });
  v.config = el("p", { class: "muted fl-config", "data-i18n-title": "fl.config.title" });
  v.root = el("article", { class: "panel flink-job", "data-testid": "flink-job", "data-group-id": gid }, [
    head,
    el("div", { class: "fl-flow" }, [v.subtasks, el("span", { class: "fl-arrow", "aria-hidden": "true" }, "→"),
      createSink(v)]),
    el("div", { class: "fl-cps" }, [el("span", { class: "k", "data-i18n": "fl.checkpoints" }), v.chips, v.cpDone,
      v.cpFailed]),
    el("div", { class: "fl-restarts" }, [v.restarts.root, v.restartText, v.reprocessed.root]),
    v.config,
  ]);
  applyStatic(v.root);
  return v;
}

function updateSink(v, job) {
  const sink = job.sink || {};
  setText(v.sinkName, t(`fl.sink.${sink.type}`));
  v.sinkName.title = t(`fl.sink.${sink.type}.title`);
  setAttr(v.root, "data-sink", sink.type);
  setText(v.results.value, fmtInt(sink.sent));
  setText(v.dupResults.value, fmtInt(sink.duplicated));
  toggleClass(v.dupResults.root, "some", (sink.duplicated || 0) > 0);
  const tx = sink.type === "two-phase-commit";
  setHidden(v.pending.root, !tx);
  setHidden(v.aborted.root, !tx);
  setText(v.pending.value, fmtInt(sink.pending));
  setText(v.aborted.value, fmtInt(sink.aborted));
}

function updateJob(v, job) {
  v.job = job;
  setText(v.state, job.state);
  setAttr(v.state, "data-state", job.state);
  v.state.title = t(`gs.${job.state}`);
  setText(v.attempt, `#${job.generation}`);
  v.attempt.title = t("fl.attempt", { n: job.generation });
  syncValue(v.parallelism, job.parallelism);
  setDisabled(v.parallelism, job.state !== "RUNNING");
  toggleClass(v.root, "selected", select((s) => s.groupId) === job.group_id);
  reconcile(v.subtasks, job.members || [], (m) => m.member_id, createSubtask, (sv, m) => updateSubtask(sv, m, job));
  const cps = (job.checkpoints || []).slice(-CHIPS);
  reconcile(v.chips, cps, (c) => c.id, createChip, updateChip);
  const counts = job.checkpoint_counts || {};
  setText(v.cpDone, cps.length ? t("fl.cp.completed", { n: counts.completed }) : t("fl.cp.none"));
  setText(v.cpFailed, counts.failed ? t("fl.cp.failed", { n: counts.failed }) : "");
  setText(v.restarts.value, fmtInt(job.restart_count));
  setText(v.restartText, restartText(job));
  setText(v.reprocessed.value, fmtInt(job.duplicates));
  toggleClass(v.reprocessed.root, "some", (job.duplicates || 0) > 0);
  updateSink(v, job);
  const c = job.config || {};
  setText(v.config, t("fl.config", { cp: fmtSeconds(c["execution.checkpointing.interval"]),
    rd: fmtSeconds(c["restart-strategy.fixed-delay.delay"]), dd: fmtSeconds(c["partition.discovery.interval.ms"]) }));
}

// ------------------------------------------------------------------ the panel

export function init() {
  ui = { row: q("flink-row"), jobs: q("flink-jobs") };
  chartMarks.push(flinkMarks);
}

export function render(snap) {
  if (!ui) return;
  const jobs = (snap.groups || []).filter((g) => g.type === "flink").map((g) => ({ ...g, now: snap.time_ms }));
  setHidden(ui.row, jobs.length === 0);
  toggleClass(ui.row, "two", jobs.length > 1);
  reconcile(ui.jobs, jobs, (g) => g.group_id, createJob, updateJob);
}

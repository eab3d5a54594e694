// The lesson player: pick a lesson, step back and forth, auto-play.
// The engine owns the current lesson step (snapshot.lesson = {id, step, steps}), so every
// viewer follows the presenter; the script (narration, what to notice, actions, wait_ms)
// comes from GET /api/lessons. Auto-play waits each step's wait_ms of *simulated* time,
// so slow motion and pause stretch it the way they stretch the demo. Entering a step shows its view
// (the group, tab and chart it talks about: lesson-view.js).
import { addMessages, t, getLang, onLangChange } from "./i18n.js";
import { el, q, setText, setHidden, setAttr, toggleClass } from "./dom.js";
import { syncValue, setDisabled } from "./controls.js";
import { select } from "./store.js";
import { send, toast } from "./commands.js";
import * as view from "./lesson-view.js";

addMessages({
  en: {
    "lesson.label": "Lesson",
    "lesson.none": "— free play —",
    "lesson.select.title": "Start a scripted lesson: the demo resets to the lesson's scenario",
    "lesson.prev": "Back",
    "lesson.prev.title": "Previous step (← or PageUp): shows its text again, undoes nothing",
    "lesson.next": "Next",
    "lesson.next.title": "Next step (→ or PageDown): performs the step's actions",
    "lesson.autoplay": "Auto-play",
    "lesson.autoplay.title": "Go to the next step by itself after each step's time (simulated time: follows speed and pause)",
    "lesson.step": "step {k} / {n}",
    "lesson.step.title": "Step of the current lesson",
    "lesson.notice": "What to notice",
    "lesson.countdown": "next in {s} s",
    "lesson.countdown.paused": "next in {s} s · paused",
    "lesson.does": "this step: {ops}",
    "lesson.loadfail": "Could not load the lessons: {error}",
    "lesson.refused": "This lesson cannot start: {error}",
  },
  zh: {
    "lesson.label": "课程",
    "lesson.none": "— 自由演示 —",
    "lesson.select.title": "开始一节脚本课程：演示会重置为该课程的场景",
    "lesson.prev": "上一步",
    "lesson.prev.title": "上一步（← 或 PageUp）：再次显示该步的文字，不撤销任何操作",
    "lesson.next": "下一步",
    "lesson.next.title": "下一步（→ 或 PageDown）：执行该步的操作",
    "lesson.autoplay": "自动播放",
    "lesson.autoplay.title": "每一步的时间到后自动进入下一步（按模拟时间：随速度和暂停变化）",
    "lesson.step": "第 {k} / {n} 步",
    "lesson.step.title": "当前课程的步骤",
    "lesson.notice": "注意观察",
    "lesson.countdown": "{s} 秒后下一步",
    "lesson.countdown.paused": "{s} 秒后下一步 · 已暂停",
    "lesson.does": "本步操作：{ops}",
    "lesson.loadfail": "无法加载课程：{error}",
    "lesson.refused": "无法开始这节课：{error}",
  },
});

/** Auto-play waits at least this long (simulated ms) on a step whose script says 0: time to read it. */
const READ_MS = 6000;

const ui = {};
let lessons = [];            // from /api/lessons
let current = null;          // snapshot.lesson or null
let enteredAt = null;        // simulated time at which the current step was first seen
let autoplay = false;
let pending = false;         // a lesson command is on its way
let lastSnap = null;

function pick(text) {
  if (!text || typeof text !== "object") return text ? String(text) : "";
  return text[getLang()] || text.en || "";
}

function lessonById(id) {
  return lessons.find((x) => x.id === id) || null;
}

function fillSelect() {
  const opts = [el("option", { value: "" }, t("lesson.none"))];
  for (const x of lessons) opts.push(el("option", { value: x.id }, pick(x.title)));
  ui.select.replaceChildren(...opts);
  ui.select.value = current ? current.id : "";
}

/** Send a lesson command; a refusal (say, a scenario that is not there yet) stays on screen. */
async function go(id, step, seed, auto = false) {
  // Auto-play asks once per step; a person's click or key always goes through (the engine makes
  // a repeated "go to step k" harmless: it applies each step's actions once).
  if (auto && pending) return;
  pending = true;
  const cmd = { op: "lesson", lesson: id, step };
  if (seed !== undefined) cmd.seed = seed;
  const res = await send(cmd);
  pending = false;
  if (res && res.ok) {
    showError("");
    if (res.skipped && res.skipped.length) {
      toast(res.skipped.map((s) => `${s.op}: ${s.error}`).join("; "), "error");
    }
  } else if (res && res.error && res.error !== "viewer") {
    showError(t("lesson.refused", { error: res.error }));
    setAutoplay(false);
  }
  if (!(res && res.ok)) ui.select.value = current ? current.id : "";
}

function showError(message) {
  setText(ui.error, message);
  setHidden(ui.error, !message);
  updatePanelVisibility();
}

function updatePanelVisibility() {
  setHidden(ui.panel, !current && ui.error.hidden);
  document.body.dataset.lesson = current ? current.id : "";
}

function setAutoplay(on) {
  autoplay = !!on && select((s) => s.role) !== "viewer";
  setAttr(ui.autoplay, "aria-pressed", autoplay ? "true" : "false");
  toggleClass(ui.autoplay, "on", autoplay);
  if (lastSnap) tick(lastSnap);
}

/** Step the current lesson by `delta` (+1 next, -1 previous). Returns true if it did something. */
export function stepLesson(delta) {
  if (!current || select((s) => s.role) === "viewer") return false;
  const target = current.step + delta;
  if (target < 0 || target >= current.steps) return false;
  go(current.id, target);
  return true;
}

/** Start lesson `id` at its first step (with `seed` instead of the lesson's own, when given). */
export function startLesson(id, seed) {
  go(id, 0, seed);
}

export function currentLesson() {
  return current;
}

function waitFor(lesson, step) {
  const s = lesson && lesson.script ? lesson.script[step] : null;
  const ms = s ? Number(s.wait_ms) || 0 : 0;
  return ms > 0 ? ms : READ_MS;
}

/** Auto-play: after the step's wait (simulated), go to the next step; stop at the end. */
function tick(snap) {
  let text = "";
  if (current && autoplay) {
    const lesson = lessonById(current.id);
    const last = current.step >= current.steps - 1;
    const left = waitFor(lesson, current.step) - (snap.time_ms - enteredAt);
    if (last) {
      autoplay = false;                                  // the end of the lesson: "step n / n" says it
      setAttr(ui.autoplay, "aria-pressed", "false");
      toggleClass(ui.autoplay, "on", false);
    } else if (left <= 0) {
      go(current.id, current.step + 1, undefined, true);
    } else {
      text = t(snap.running ? "lesson.countdown" : "lesson.countdown.paused", { s: (left / 1000).toFixed(1) });
    }
  }
  setText(ui.countdown, text);
}

/** Show what the current step talks about (its script's view), or nothing outside a lesson. */
function enterView() {
  const lesson = current ? lessonById(current.id) : null;
  const s = lesson && lesson.script ? lesson.script[current.step] : null;
  if (current) view.enter(s ? s.view : null); else view.leave();
}

function renderText() {
  const lesson = current ? lessonById(current.id) : null;
  const s = lesson && lesson.script ? lesson.script[current.step] : null;
  setText(ui.title, lesson ? pick(lesson.title) : (current ? current.id : ""));
  setText(ui.step, current ? t("lesson.step", { k: current.step + 1, n: current.steps }) : "");
  setText(ui.narration, s ? pick(s.narration) : "");
  setText(ui.notice, s ? pick(s.notice) : "");
  const ops = s ? (s.actions || []).map((a) => a.op) : [];
  setText(ui.actions, ops.length ? t("lesson.does", { ops: ops.join(", ") }) : "");
}

export function init() {
  Object.assign(ui, {
    select: q("lesson-select"), prev: q("lesson-prev"), next: q("lesson-next"), autoplay: q("lesson-autoplay"),
    step: q("lesson-step"), countdown: q("lesson-countdown"), panel: q("lesson"), title: q("lesson-title"),
    narration: q("lesson-narration"), notice: q("lesson-notice"), actions: q("lesson-actions"),
    error: q("lesson-error"),
  });
  fillSelect();
  ui.select.addEventListener("change", () => {
    const id = ui.select.value;
    // Hand the keyboard back to the page: a clicker's PageDown on a focused select would pick
    // the next lesson instead of the next step.
    ui.select.blur();
    if (!id) {
      // Free play: leave the lesson by restarting the lesson's scenario without it.
      if (current) send({ op: "reset" });
      setAutoplay(false);
      return;
    }
    go(id, 0);
  });
  // After a mouse click the button lets go of the focus, so Space pauses again instead of pressing it.
  const clicked = (fn) => (e) => { fn(); if (e.detail > 0) e.currentTarget.blur(); };
  ui.prev.addEventListener("click", clicked(() => stepLesson(-1)));
  ui.next.addEventListener("click", clicked(() => stepLesson(+1)));
  ui.autoplay.addEventListener("click", clicked(() => setAutoplay(!autoplay)));
  onLangChange(() => { fillSelect(); renderText(); if (lastSnap) tick(lastSnap); });
  fetch("/api/lessons")
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((data) => {
      lessons = Array.isArray(data.lessons) ? data.lessons : [];
      fillSelect();
      renderText();
      enterView();
      if (lastSnap) view.render(lastSnap);
    })
    .catch((err) => showError(t("lesson.loadfail", { error: err.message })));
}

/** When the step began: its lesson_step event if the snapshot still has it (a page opened
 * mid-step waits only what is left), else now. */
function stepStart(snap, l) {
  const events = Array.isArray(snap.events) ? snap.events : [];
  for (let i = events.length - 1; l && i >= 0; i--) {
    const e = events[i];
    if (e.type === "lesson_step" && e.lesson === l.id && e.step === l.step && e.time_ms <= snap.time_ms) return e.time_ms;
  }
  return snap.time_ms;
}

export function render(snap) {
  lastSnap = snap;
  const l = snap.lesson && typeof snap.lesson === "object" ? snap.lesson : null;
  const changed = (l && l.id) !== (current && current.id) || (l && l.step) !== (current && current.step);
  if (changed || (enteredAt !== null && snap.time_ms < enteredAt)) enteredAt = stepStart(snap, l);
  if (changed) {
    current = l ? { id: l.id, step: l.step, steps: l.steps } : null;
    if (!current) setAutoplay(false);
    syncValue(ui.select, current ? current.id : "");
    renderText();
    updatePanelVisibility();
    enterView();
  }
  view.render(snap);
  setDisabled(ui.prev, !current || current.step <= 0);
  setDisabled(ui.next, !current || current.step >= current.steps - 1);
  setDisabled(ui.autoplay, !current);
  tick(snap);
}

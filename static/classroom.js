// Classroom tools: keyboard and presenter-clicker keys, projector mode, the share dialog
// (QR code of the viewer URL), exports, command-log download and load-and-replay,
// shareable links (/?lesson=crash-vs-leave&seed=7, /?scenario=cooperative&seed=3) and the
// seed field that Reset uses.
import { addMessages, t, plural, getLang, setLang, onLangChange } from "./i18n.js";
import { q, setText, setHidden, toggleClass, setAttr } from "./dom.js";
import { hold, release, isHeld, syncValue } from "./controls.js";
import { relayout } from "./hooks.js";
import { select } from "./store.js";
import { send, toast } from "./commands.js";
import { stepLesson, startLesson, currentLesson } from "./lessons.js";

addMessages({
  en: {
    "class.bar": "Lesson and classroom tools",
    "ctl.stepms": "Step size",
    "ctl.stepms.title": "How much simulated time Step (or the . key) advances, in ms (50 ms is one engine tick)",
    "ctl.seed": "seed",
    "ctl.seed.title": "Seed for the next Reset (Enter resets): the same seed and commands give the same run",
    "share.button": "Share",
    "share.title": "Show the viewer link and its QR code for the room",
    "share.heading": "Follow along on your phone",
    "share.qr.alt": "QR code of the viewer link",
    "share.note": "Scan the code or type the address. Viewers watch live; only the presenter can change the demo.",
    "share.close": "Close",
    "share.loopback": "This server only listens on this computer (127.0.0.1): phones in the room cannot connect, and a QR code would not work.",
    "share.loopback.fix": "Stop it (Ctrl+C) and start it for the classroom:",
    "share.loopback.alt": "(or python app.py --lan; it prints the links and a QR code)",
    "export.button": "Export",
    "export.title": "Report, metrics, events, the command log and a link to this run",
    "export.report": "Download report (HTML, opens offline)",
    "export.report.open": "Report (opens in a new tab)",
    "export.csv": "Metrics (CSV)",
    "export.json": "Events and command log (JSON)",
    "export.log": "Download command log (replayable)",
    "export.load": "Load command log and replay…",
    "export.load.title": "Rebuild a run from a downloaded command log: same seed, commands and times, same state",
    "export.link": "Link to this lesson / scenario and seed",
    "export.copy": "Copy",
    "export.copied": "Link copied",
    "export.copy.manual": "Copy the selected link with Ctrl+C",
    "replay.ok": "Replayed {n} commands: the run is back at {s} s",
    "replay.ok.one": "Replayed {n} command: the run is back at {s} s",
    "replay.badjson": "{name} is not a JSON command log: {error}",
    "replay.toobig": "{name} is {kb} KB; the server accepts at most {max} KB in one message",
    "projector.button": "Projector",
    "projector.title": "Projector mode: large type, high contrast (key P)",
    "keys.hint": "Keys: Space run/pause · → / PageDown next step · ← / PageUp back · . step · a add consumer · p projector",
    "url.viewer": "The link opened a lesson or scenario, but only the presenter can start one: you follow the presenter.",
  },
  zh: {
    "class.bar": "课程与课堂工具",
    "ctl.stepms": "单步长度",
    "ctl.stepms.title": "“单步”（或 . 键）前进的模拟时间，单位毫秒（50 毫秒是引擎的一个节拍）",
    "ctl.seed": "种子",
    "ctl.seed.title": "下次“重置”使用的随机种子（按回车即重置）：相同的种子和命令得到相同的运行",
    "share.button": "分享",
    "share.title": "显示观众链接及其二维码",
    "share.heading": "用手机一起看",
    "share.qr.alt": "观众链接的二维码",
    "share.note": "扫描二维码或输入地址。观众实时观看；只有主讲人可以操作演示。",
    "share.close": "关闭",
    "share.loopback": "服务器只在本机（127.0.0.1）上监听：教室里的手机无法连接，二维码也打不开。",
    "share.loopback.fix": "请停止它（Ctrl+C），再用课堂模式启动：",
    "share.loopback.alt": "（或 python app.py --lan；它会打印链接和二维码）",
    "export.button": "导出",
    "export.title": "报告、指标、事件、命令日志以及本次运行的链接",
    "export.report": "下载报告（HTML，可离线打开）",
    "export.report.open": "报告（在新标签页中打开）",
    "export.csv": "指标（CSV）",
    "export.json": "事件与命令日志（JSON）",
    "export.log": "下载命令日志（可重放）",
    "export.load": "加载命令日志并重放…",
    "export.load.title": "用下载的命令日志重建一次运行：相同的种子、命令和时间，得到相同的状态",
    "export.link": "指向本课程/场景和种子的链接",
    "export.copy": "复制",
    "export.copied": "链接已复制",
    "export.copy.manual": "请按 Ctrl+C 复制已选中的链接",
    "replay.ok": "已重放 {n} 条命令：运行回到 {s} 秒",
    "replay.ok.one": "已重放 {n} 条命令：运行回到 {s} 秒",
    "replay.badjson": "{name} 不是 JSON 格式的命令日志：{error}",
    "replay.toobig": "{name} 有 {kb} KB；服务器单条消息最多接受 {max} KB",
    "projector.button": "投影",
    "projector.title": "投影模式：大字号、高对比度（P 键）",
    "keys.hint": "按键：空格 运行/暂停 · → / PageDown 下一步 · ← / PageUp 上一步 · . 单步 · a 添加消费者 · p 投影",
    "url.viewer": "链接指定了课程或场景，但只有主讲人可以开始：你正在跟随主讲人。",
  },
});

const PROJECTOR_KEY = "groupviz.projector";
const URL_KEYS = ["lesson", "scenario", "seed"];
const ui = {};
let urlApplied = false;
let lastSnap = null;

// ---------------------------------------------------------------- keyboard

function typingIn(target) {
  if (!target || !target.tagName) return false;
  if (target.isContentEditable) return true;
  return ["INPUT", "SELECT", "TEXTAREA"].includes(target.tagName);
}

let swallowKeyup = false;     // a button presses itself on Space's keyup: not after Space paused

let clicked = null;           // the button the pointer pressed last, until Tab moves the focus on

/** "keyboard" for a button or link reached with Tab, "mouse" for one that keeps the focus of a click. */
function clickedFocus(target) {
  if (!["BUTTON", "SUMMARY", "A"].includes(target.tagName)) return "none";
  return target === clicked ? "mouse" : "keyboard";
}

function onPointerDown(e) {
  clicked = e.target.closest ? e.target.closest("button, summary, a") : null;
}

function onKeyUp(e) {
  if ((e.key === " " || e.key === "Spacebar") && swallowKeyup) {
    swallowKeyup = false;
    e.preventDefault();
  }
}

function onKey(e) {
  if (e.key === "Tab") clicked = null;
  if (e.key === "Escape" && ui.exportMenu.open) {
    ui.exportMenu.open = false;
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
  if (typingIn(e.target) || ui.dialog.open) return;
  if (e.key === "p" || e.key === "P") {        // a local display setting: viewers may use it too
    setProjector(!document.body.classList.contains("projector"));
    e.preventDefault();
    return;
  }
  const { snap, role } = select((s) => s);
  if (role === "viewer" || !snap) return;
  switch (e.key) {
    case " ":
    case "Spacebar":
      // Space runs and pauses whatever was clicked last: a button the mouse left focused (Step, Kill)
      // is not pressed again. Only a button reached with Tab (:focus-visible) keeps its own Space.
      if (clickedFocus(e.target) === "keyboard") return;
      e.preventDefault();
      swallowKeyup = true;
      send({ op: snap.running ? "pause" : "resume" });
      break;
    case "ArrowRight":
    case "PageDown":
      if (stepLesson(+1)) e.preventDefault();
      break;
    case "ArrowLeft":
    case "PageUp":
      if (stepLesson(-1)) e.preventDefault();
      break;
    case ".": {
      e.preventDefault();
      const ms = ui.stepMs.value.trim() === "" ? 500 : Number(ui.stepMs.value);
      if (snap.running) send({ op: "pause" });
      send({ op: "step", ms });
      break;
    }
    case "a":
    case "A":
      e.preventDefault();
      send({ op: "add_consumer", group_id: select((s) => s.groupId) ?? undefined });
      break;
    default:
  }
}

// ---------------------------------------------------------------- projector mode

function setProjector(on) {
  toggleClass(document.body, "projector", on);
  setAttr(ui.projector, "aria-pressed", on ? "true" : "false");
  try { localStorage.setItem(PROJECTOR_KEY, on ? "1" : "0"); } catch (_) { /* storage may be disabled */ }
  relayout();   // the charts follow their new size and type size
}

function savedProjector() {
  try { return localStorage.getItem(PROJECTOR_KEY) === "1"; } catch (_) { return false; }
}

// ---------------------------------------------------------------- share dialog

function viewerUrl() {
  return document.body.dataset.viewerUrl || `${location.origin}/`;
}

/** Bound to loopback (`make run`), phones cannot reach the server: say so and name the fix instead of a QR code. */
function shareLoopback() {
  return document.body.dataset.shareLoopback === "1";
}

function openShare() {
  const loopback = shareLoopback();
  setHidden(ui.shareLoopback, !loopback);
  setHidden(ui.shareLan, loopback);
  if (!loopback && !ui.qr.getAttribute("src")) ui.qr.src = "/qr.svg";
  ui.qr.alt = t("share.qr.alt");
  setText(ui.viewerUrl, viewerUrl());
  if (typeof ui.dialog.showModal === "function") ui.dialog.showModal();
  else ui.dialog.setAttribute("open", "");
}

// ---------------------------------------------------------------- links

/** The shareable link for what is on screen: the lesson (or scenario) and the seed. */
function shareLink(snap) {
  const u = new URL(location.pathname, location.origin);
  const lesson = currentLesson();
  if (lesson) u.searchParams.set("lesson", lesson.id);
  else if (snap && snap.scenario) u.searchParams.set("scenario", snap.scenario);
  if (snap && snap.seed !== undefined && snap.seed !== null) u.searchParams.set("seed", String(snap.seed));
  if (getLang() !== "en") u.searchParams.set("lang", getLang());
  return u.toString();
}

async function copyLink() {
  const text = ui.link.value;
  try {
    if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
    await navigator.clipboard.writeText(text);
    toast(t("export.copied"));
  } catch (_) {
    ui.link.focus();
    ui.link.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (_e) { ok = false; }
    toast(t(ok ? "export.copied" : "export.copy.manual"));
  }
}

/** `/?lesson=…&seed=…` or `/?scenario=…&seed=…`: the presenter's page starts it once; viewers just follow. */
function applyUrl() {
  urlApplied = true;
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    // The server has set the presenter cookie: take the secret out of the address bar, which the
    // projector shows to the whole room (and which would otherwise go into bookmarks and history).
    params.delete("token");
    replaceQuery(params);
  }
  if (!URL_KEYS.some((k) => params.has(k))) return;
  if (select((s) => s.role) === "viewer") {
    toast(t("url.viewer"));
    return;
  }
  const seedText = params.get("seed");
  const seed = seedText === null || seedText.trim() === "" ? undefined : Number(seedText);
  const lesson = params.get("lesson");
  if (lesson) {
    startLesson(lesson, seed);
  } else {
    const cmd = { op: "reset" };
    if (params.get("scenario")) cmd.scenario = params.get("scenario");
    if (seed !== undefined) cmd.seed = seed;
    send(cmd);
  }
  // Reloading the page must not restart the lesson in front of the class: drop the parameters.
  for (const k of URL_KEYS) params.delete(k);
  replaceQuery(params);
}

function replaceQuery(params) {
  const rest = params.toString();
  history.replaceState(null, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
}

/** The report is written in the page's language (GET /report?lang=zh): one link opens it in a tab, one downloads it. */
function reportLink() {
  const lang = getLang() === "en" ? "" : `lang=${encodeURIComponent(getLang())}`;
  ui.openReport.setAttribute("href", lang ? `/report?${lang}` : "/report");
  ui.report.setAttribute("href", `/report?download=1${lang ? `&${lang}` : ""}`);
}

// ---------------------------------------------------------------- command log replay

async function loadLog() {
  const file = ui.loadLog.files && ui.loadLog.files[0];
  ui.exportMenu.open = false;
  if (!file) return;
  let log;
  try {
    log = JSON.parse(await file.text());
  } catch (err) {
    toast(t("replay.badjson", { name: file.name, error: err.message }), "error");
    ui.loadLog.value = "";
    return;
  }
  ui.loadLog.value = "";
  const cmd = { op: "replay", log };
  const size = new Blob([JSON.stringify(cmd)]).size;
  const max = Number(document.body.dataset.maxMessage) || 65536;
  if (size > max - 512) {
    toast(t("replay.toobig", { name: file.name, kb: Math.ceil(size / 1024), max: Math.floor(max / 1024) }), "error");
    return;
  }
  const res = await send(cmd);
  if (res && res.ok) toast(plural(res.replayed, "replay.ok", { s: (res.time_ms / 1000).toFixed(1) }));
}

// ---------------------------------------------------------------- panel hooks

export function init() {
  Object.assign(ui, {
    stepMs: q("step-ms"), seed: q("seed"), reset: q("reset"), step: q("step"), projector: q("projector"),
    share: q("share"), dialog: q("share-dialog"), qr: q("qr"), viewerUrl: q("viewer-url"),
    exportMenu: q("export-menu"), loadLog: q("load-log"), link: q("share-link"), copy: q("copy-link"),
    report: q("download-report"), openReport: q("open-report"), shareLoopback: q("share-loopback"), shareLan: q("share-lan"),
  });
  const params = new URLSearchParams(location.search);
  if (params.get("lang")) setLang(params.get("lang"));
  reportLink();
  onLangChange(reportLink);
  const proj = params.get("projector");
  setProjector(proj === null ? savedProjector() : proj === "1" || proj === "true");

  document.addEventListener("keydown", onKey);
  document.addEventListener("keyup", onKeyUp, true);
  document.addEventListener("pointerdown", onPointerDown, true);
  ui.projector.addEventListener("click", () => setProjector(!document.body.classList.contains("projector")));
  ui.share.addEventListener("click", openShare);
  ui.dialog.addEventListener("click", (e) => { if (e.target === ui.dialog) ui.dialog.close(); });  // backdrop
  ui.copy.addEventListener("click", copyLink);
  ui.loadLog.addEventListener("change", loadLog);
  document.addEventListener("click", (e) => {
    if (ui.exportMenu.open && !ui.exportMenu.contains(e.target)) ui.exportMenu.open = false;
  });
  // A seed typed for the next Reset stays until the run has it (or starts over).
  ui.seed.addEventListener("input", () => hold(ui.seed, Infinity));
  ui.seed.addEventListener("keydown", (e) => { if (e.key === "Enter") ui.reset.click(); });
  ui.stepMs.addEventListener("keydown", (e) => { if (e.key === "Enter" && !ui.step.disabled) ui.step.click(); });
}

export function render(snap) {
  const reset = lastSnap && (snap.time_ms < lastSnap.time_ms || snap.seed !== lastSnap.seed);
  lastSnap = snap;
  if (reset || (isHeld(ui.seed) && Number(ui.seed.value) === snap.seed)) release(ui.seed);
  syncValue(ui.seed, snap.seed);
  toggleClass(ui.seed, "pending", isHeld(ui.seed));
  const link = shareLink(snap);
  if (ui.link.value !== link) ui.link.value = link;
  if (!urlApplied) applyUrl();
}

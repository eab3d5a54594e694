// The producer panel: its rate (number and slider), how records get keys, sent and results back,
// and the one-line explanation of where a record goes (it follows the group shown).
import { t, plural } from "./i18n.js";
import { q, setText, setHidden, fmtInt } from "./dom.js";
import { hold, syncValue, justSent } from "./controls.js";
import { select } from "./store.js";
import { send, toast } from "./commands.js";
import { renderTopicRates } from "./topic-rates.js";

let ui = null;

function keysText(keys) {
  if (!keys) return "–";
  const count = keys.count ?? 0;
  if (keys.mode === "uniform") return plural(count, "prod.keys.uniform", {}, fmtInt);
  if (keys.mode === "null") return t("prod.keys.null");
  if (keys.mode === "hot") return plural(count, "prod.keys.hot", { share: Math.round((keys.hot_share || 0) * 100) }, fmtInt);
  return plural(count, "prod.keys.other", { mode: keys.mode ?? "?" }, fmtInt);
}

function renderExplain(group) {
  // Partitions (sharding) or records (a share group) go to a member: the whole text on hover where it is clamped.
  const key = group && group.type === "share" ? "prod.explain.share"
    : group && group.type === "random-dispatch" ? "prod.explain.dispatch" : "prod.explain";
  if (ui.explain.dataset.i18n === key) return;
  ui.explain.dataset.i18n = key;
  ui.explain.dataset.i18nTitle = key;
  setText(ui.explain, t(key));
  ui.explain.title = t(key);
}

/** Unique results beside results back; when redeliveries made results back exceed them, say why. */
function renderUnique(p) {
  const groups = Object.values(p.groups || {});
  const unique = groups.length ? groups.reduce((sum, g) => sum + (g.unique ?? 0), 0) : null;
  setText(ui.unique, unique === null ? "–" : fmtInt(unique));
  const dups = unique === null ? 0 : Math.max(0, (p.results ?? 0) - unique);
  setHidden(ui.dups, dups === 0);
  if (dups === 0) return;
  setText(ui.dups, plural(dups, "prod.dups", {}, fmtInt));
  ui.dups.title = t("prod.dups.title", { n: fmtInt(dups) });
}

/** With several groups each sends a result per record: say so beside "results back". */
function renderGroups(p) {
  const n = Object.keys(p.groups || {}).length;
  setHidden(ui.groups, n < 2);
  if (n < 2) return;
  setText(ui.groups, t("prod.groups", { n }));
  ui.groups.title = t("prod.groups.title", { n });
}

export function render(snap, group) {
  const p = snap.producer || {};
  const rate = Number(p.rate ?? 0);
  syncValue(ui.rate, String(Math.round(rate * 10) / 10));
  if (Number(ui.rateSlider.max) < rate) ui.rateSlider.max = String(Math.ceil(rate / 50) * 50);
  syncValue(ui.rateSlider, String(Math.round(rate)));
  setText(ui.keys, keysText(p.keys));
  if (p.keys && p.keys.mode) syncValue(ui.keyMode, String(p.keys.mode));
  setText(ui.sent, fmtInt(p.produced));
  setText(ui.results, fmtInt(p.results));
  renderUnique(p);
  renderGroups(p);
  setText(ui.outstanding, fmtInt(p.outstanding ?? ((p.produced ?? 0) - (p.results ?? 0))));
  const lat = p.latency_ms;
  setText(ui.latency, lat ? `${fmtInt(lat.p50)} / ${fmtInt(lat.p95)} ms` : "-");
  renderExplain(group);
  renderTopicRates(snap);
}

function commitRate() {
  const v = Number(ui.rate.value);
  if (ui.rate.value === "" || !Number.isFinite(v)) {
    toast(t("toast.failed", { op: "set_producer_rate", error: ui.rate.value || "''" }), "error");
    return;
  }
  const snap = select((s) => s.snap);
  const current = snap && snap.producer ? Number(snap.producer.rate) : null;
  if (current !== null && Math.abs(current - v) < 1e-9) return;
  if (justSent(ui.rate, v)) return;
  hold(ui.rate);
  hold(ui.rateSlider);
  send({ op: "set_producer_rate", rate: v });
}

export function init() {
  ui = {
    rate: q("producer-rate"), rateSlider: q("producer-rate-slider"), keyMode: q("key-mode"), keys: q("producer-keys"),
    sent: q("producer-sent"), results: q("producer-results"), outstanding: q("producer-outstanding"),
    unique: q("producer-unique"), dups: q("producer-dups"), groups: q("producer-groups"),
    latency: q("producer-latency"), explain: document.querySelector(".producer .explain"),
  };
  ui.rate.addEventListener("change", commitRate);
  ui.rate.addEventListener("keydown", (e) => { if (e.key === "Enter") commitRate(); });
  ui.rateSlider.addEventListener("input", () => {
    hold(ui.rateSlider);
    hold(ui.rate);
    ui.rate.value = ui.rateSlider.value;
  });
  ui.rateSlider.addEventListener("change", () => {
    ui.rate.value = ui.rateSlider.value;
    commitRate();
  });
  ui.keyMode.addEventListener("change", () => {
    hold(ui.keyMode);
    send({ op: "set_keys", mode: ui.keyMode.value });
  });
}

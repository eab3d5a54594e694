// Several topics (issue 16): the producer writes each topic at its own rate. The producer panel's main rate is
// the first topic's; this block lists the other topics, each with its own rate (set_producer_rate {topic}).
import { t } from "./i18n.js";
import { el, reconcile, setText } from "./dom.js";
import { hold, syncValue, justSent } from "./controls.js";
import { send, toast } from "./commands.js";
import { CONSTANTS } from "./constants.js";

let box = null;

function commit(input, topic) {
  const v = Number(input.value);
  if (input.value === "" || !Number.isFinite(v)) {
    toast(t("toast.failed", { op: "set_producer_rate", error: input.value || "''" }), "error");
    return;
  }
  if (justSent(input, v)) return;
  hold(input);
  send({ op: "set_producer_rate", topic, rate: v });
}

function createRow(row) {
  const input = el("input", { type: "number", min: "0", max: String(CONSTANTS.max_producer_rate), step: "1", inputmode: "decimal",
    class: "num topic-rate-input", "data-testid": "topic-rate", "data-topic": row.name, "data-control": true });
  const name = el("span", { class: "k" });
  setText(name, row.name);
  const root = el("label", { class: "rate-row topic-rate" }, [name, input, el("span", { class: "unit" })]);
  input.addEventListener("change", () => commit(input, row.name));
  input.addEventListener("keydown", (e) => { if (e.key === "Enter") commit(input, row.name); });
  return { root, input, unit: root.lastChild };
}

export function renderTopicRates(snap) {
  if (!box) box = document.querySelector("[data-testid='topic-rates']");
  if (!box) return;
  const byTopic = (snap.producer && snap.producer.topics) || {};
  const names = Object.keys(byTopic);
  box.hidden = names.length < 2;
  if (box.hidden) return;
  setText(box.firstElementChild, t("prod.topicRates", { first: names[0] }));
  const rows = names.slice(1).map((name) => ({ name, rate: byTopic[name].rate }));
  const list = box.lastElementChild;
  reconcile(list, rows, (r) => r.name, createRow, (c, r) => {
    syncValue(c.input, String(Math.round(r.rate * 10) / 10));
    setText(c.unit, "/s");
  });
}

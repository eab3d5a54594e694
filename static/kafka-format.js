// Small helpers the Kafka details share (kafka*.js): times, Burrow's rules, a group's protocol.
import { t } from "./i18n.js";

export function fmtMs(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "-";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function statusRule(status) {
  return status ? t(`kz.rule.${status}`) : t("kz.status.none");
}

export function protoLabel(g) {
  if (g.type === "share") return "share";
  if (g.type === "random-dispatch") return t("kz.proto.dispatch");     // the seed's queue: not a Kafka mode
  if (g.type === "flink") return t("fl.proto");
  if (g.group_protocol === "consumer") return t("kz.proto.consumer");
  const coop = g.protocol === "cooperative" || g.assignor === "cooperative-sticky";
  return t(coop ? "kz.proto.cooperative" : "kz.proto.eager");
}

/** A KIP-848 group row, or one of its rebalance records (their `protocol` is "consumer"). */
export function isKip848(x) {
  return !!x && (x.group_protocol === "consumer" || x.protocol === "consumer");
}

/** "gen 3" for a classic rebalance, "epoch 3" for a KIP-848 one; "gen …" while a real cluster's is not known yet. */
export function genLabel(r) {
  return t(isKip848(r) ? "tl.epoch" : "tl.gen", { g: r.generation ?? "…" });
}

/** A classic consumer group (not a share group). */
export function isClassic(g) {
  return !!g && g.type === "consumer";
}

// Formatting the competition panels share (share.js, share-model.js).
import { t } from "./i18n.js";
import { fmtInt } from "./dom.js";
import { colorFor } from "./palette.js";

export function pct(x, digits = 1) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : `${(x * 100).toFixed(digits)}%`;
}

/** Probabilities and small numbers as a class reads them: 0.2, 0.02, 2, 1.26, 0.893. */
export function num(x) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (x === 0) return "0";
  if (Math.abs(x) >= 100) return fmtInt(x);
  return String(Number(x.toPrecision(3)));
}

export function pval(p) {
  if (p === null || p === undefined || Number.isNaN(p)) return "–";
  if (p < 0.0001) return "< 0.0001";
  return p.toFixed(p < 0.01 ? 4 : 3);
}

export function competitionName(c) {
  return t(`comp.${c}`) === `comp.${c}` ? String(c) : t(`comp.${c}`);
}

export function memberColor(group, memberId) {
  const m = (group.members || []).find((x) => x.member_id === memberId);
  return m ? colorFor(m.color) : "#9ca3af";
}

// The group shown, as Burrow and kafka-lag-exporter see it: its status, lag in time and duplicates on
// the group's hint line, and a status badge and a lag-time row on each partition cell (added through
// the topic view's decorateCell hook).
import { t, plural } from "./i18n.js";
import { el, q, setText, setAttr, toggleClass, setHidden, fmtInt } from "./dom.js";
import { decorateCell } from "./topic.js";
import { fmtMs, statusRule, isClassic } from "./kafka-format.js";

/** Short in the cell (0.1 s steps), exact on hover. */
function shortMs(ms) {
  if (ms === null || ms === undefined) return "-";
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : fmtMs(ms);
}

const cellBadges = {
  create(cell) {
    const badge = el("span", { class: "pstat", "data-testid": "partition-status", tabindex: "0" });
    const k = el("span", { class: "k" });
    const ms = el("span", { class: "num" });
    const row = el("div", { class: "p-row kz-lagms" }, [k, ms]);
    cell.addToHead(badge);
    cell.addRow(row);
    return { badge, k, ms, row };
  },
  update(v, row, group) {
    const classic = isClassic(group);
    setHidden(v.badge, !classic);
    setHidden(v.row, !classic);
    if (!classic) return;
    const p = row.entry;
    const s = p ? p.status ?? null : null;
    setText(v.badge, s || "-");
    setAttr(v.badge, "data-status", s || "");
    const rule = statusRule(s);
    const win = p && p.window !== undefined && s ? `\n${t("kz.rule.window", { n: p.window })}` : "";
    const title = `${t("kz.status.title")}\n${rule}${win}`;
    if (v.badge.title !== title) v.badge.title = title;
    v.badge.setAttribute("aria-label", `Burrow ${s || "-"}: ${rule}`);
    setText(v.k, t("kz.lagms"));
    const lms = p ? p.lag_ms : null;
    setText(v.ms, shortMs(lms));
    v.row.title = `${t("kz.lagms.title")}: ${fmtMs(lms)}`;
  },
};

export function partitionBadges() {
  decorateCell.push(cellBadges);
}

export function groupHint() {
  const hint = document.querySelector(".group-hint .kz-hint");
  const stat = q("lag-status");
  const dups = q("duplicates");
  const lagms = document.querySelector(".kz-hint-lagms");
  const classicPart = document.querySelector(".group-hint .kz-classic");
  return {
    render(group) {
      const classic = isClassic(group);
      setHidden(hint, !group);
      if (!group) return;
      const s = classic ? group.status ?? null : null;
      setHidden(classicPart, !classic);      // a share group has no commits per partition for Burrow
      setText(stat, s ? t("kz.group.status", { s }) : t("kz.group.status.none"));
      setAttr(stat, "data-status", s || "");
      stat.title = `${t("kz.status.title")}\n${statusRule(s)}`;
      setText(lagms, classic && group.lag_ms !== null && group.lag_ms !== undefined
        ? t("kz.lagms.hint", { v: fmtMs(group.lag_ms) }) : "");
      lagms.title = t("kz.lagms.title");
      setText(dups, plural(group.duplicates ?? 0, "kz.dups", {}, fmtInt));
      setAttr(dups, "data-count", group.duplicates ?? 0);
      dups.title = t("kz.dups.title");
      toggleClass(dups, "some", (group.duplicates ?? 0) > 0);
    },
  };
}

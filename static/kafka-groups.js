// Every group on the topic: the overview table (click a row to show that group in the panels, change
// a classic group's assignor in place), adding a group or a partition, and the hot key's share.
import { t, getLang } from "./i18n.js";
import { el, q, reconcile, setText, setAttr, toggleClass, setHidden, fmtInt, fmtRate } from "./dom.js";
import { hold, release, busy, syncValue, syncOptions, setDisabled } from "./controls.js";
import { assignorsFor } from "./constants.js";
import { select, selectGroup } from "./store.js";
import { send } from "./commands.js";
import { fmtMs, statusRule, protoLabel, isClassic, isKip848 } from "./kafka-format.js";
import { commitCell, renderCommitCell } from "./consumer-app.js";

const OVERVIEW_COLS = ["kz.col.type", "kz.col.state", "kz.col.gen", "kz.col.assignor", "kz.col.members", "kz.col.lag",
  "kz.col.lagms", "kz.col.status", "kz.col.dups", "kz.col.tp"];

// ---------------------------------------------------------------- overview rows

function rowNodes(gid) {
  return {
    type: el("td", { class: "kz-type" }),
    state: el("span", { class: "badge gs sm" }),
    gen: el("td", { class: "r num" }),
    assignor: el("select", { "data-testid": "overview-assignor", "data-control": true, "aria-label": `${gid} assignor` },
      []),
    assignorText: el("span", { class: "kz-assignor-text" }),
    proto: el("span", { class: "kz-proto" }),
    members: el("td", { class: "r num" }),
    lag: el("td", { class: "r num" }),
    lagms: el("td", { class: "r num" }),
    status: el("span", { class: "lagstat" }),
    dups: el("td", { class: "r num kz-dupcell" }),
    tp: el("td", { class: "r num" }),
  };
}

function createRow(g) {
  const gid = g.group_id;
  const v = { ...rowNodes(gid), group: g, labelLang: null, commit: commitCell(gid) };
  v.cells = [v.type, el("td", {}, [v.state]), v.gen,
    el("td", { class: "kz-assigncell" }, [el("div", { class: "kz-assign" }, [v.assignor, v.assignorText, v.proto]),
      v.commit.root]),
    v.members, v.lag, v.lagms, el("td", {}, [v.status]), v.dups, v.tp];
  v.root = el("tr", { "data-testid": "group-row", "data-group-id": gid, tabindex: "0" },
    [el("th", { scope: "row", class: "kz-gid" }, gid), ...v.cells]);
  v.root.addEventListener("click", (e) => { if (!e.target.closest("select")) selectGroup(gid); });
  v.root.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === " ") && e.target === v.root) { e.preventDefault(); selectGroup(gid); }
  });
  v.assignor.addEventListener("click", (e) => e.stopPropagation());
  v.assignor.addEventListener("change", async () => {
    hold(v.assignor);
    const res = await send({ op: "set_assignor", group_id: gid, assignor: v.assignor.value });
    if (!res || res.ok !== true) { release(v.assignor); v.assignor.value = v.group.assignor; }
  });
  return v;
}

function renderAssignor(v, g, classic) {
  // Share groups have no client-side assignor to pick: show their assignor as text.
  setHidden(v.assignor, !classic);
  setHidden(v.assignorText, classic);
  if (classic) {
    syncOptions(v.assignor, assignorsFor(g));
    syncValue(v.assignor, g.assignor);
    setDisabled(v.assignor, false);
  } else {
    setText(v.assignorText, g.assignor || "-");
  }
  setText(v.proto, protoLabel(g));
  setAttr(v.proto, "data-protocol", classic ? (g.protocol || "") : g.type);
}

function updateRow(v, g) {
  v.group = g;
  const classic = isClassic(g);
  const selected = g.group_id === select((s) => s.groupId);
  toggleClass(v.root, "selected", selected);
  setAttr(v.root, "aria-selected", selected ? "true" : "false");
  v.root.title = t("kz.row.title", { g: g.group_id });
  setAttr(v.root, "data-type", g.type);
  setText(v.type, t(g.group_protocol === "consumer" ? "kz.type.kip848" : `kz.type.${g.type}`));
  setText(v.state, g.state);
  setAttr(v.state, "data-state", g.state);
  v.state.title = t(`gs.${g.state}`) === `gs.${g.state}` ? g.state : t(`gs.${g.state}`);
  if (isKip848(g)) {
    setText(v.gen, t("kz.epoch.cell", { g: g.group_epoch ?? g.generation }));
    v.gen.title = t("kz.epoch.cell.title", { g: g.group_epoch ?? g.generation, t: g.target_assignment_epoch ?? "-" });
  } else {
    setText(v.gen, String(g.generation ?? "-"));
    v.gen.title = "";
  }
  renderAssignor(v, g, classic);
  renderCommitCell(v.commit, g);
  setText(v.members, String((g.members || []).filter((m) => m.state === "active" || m.state === "paused").length));
  setText(v.lag, g.lag === null || g.lag === undefined ? "-" : fmtInt(g.lag));
  setText(v.lagms, classic ? fmtMs(g.lag_ms) : "-");
  const s = classic ? g.status ?? null : null;
  setText(v.status, s || "-");
  setAttr(v.status, "data-status", s || "");
  v.status.title = classic ? statusRule(s) : "";
  const zombies = g.zombie_records ?? 0;     // records processed by members the coordinator had expelled
  setText(v.dups, zombies > 0 ? t("kz.dups.zombie", { n: fmtInt(g.duplicates ?? 0), z: fmtInt(zombies) })
    : fmtInt(g.duplicates ?? 0));
  v.dups.title = zombies > 0 ? t("kz.dups.zombie.title") : "";
  toggleClass(v.dups, "some", (g.duplicates ?? 0) > 0 || zombies > 0);
  setText(v.tp, fmtRate(g.throughput));
  if (v.labelLang !== getLang()) {   // each cell's column name, shown above it where the table becomes cards (phones)
    v.labelLang = getLang();
    v.cells.forEach((cell, i) => setAttr(cell, "data-label", t(OVERVIEW_COLS[i])));
  }
}

export function overview() {
  const body = q("groups-overview").querySelector("tbody");
  return { render: (snap) => reconcile(body, snap.groups || [], (g) => g.group_id, createRow, updateRow) };
}

// ---------------------------------------------------------------- adding groups and partitions, the hot key's share

export function topicControls() {
  const form = q("add-group-form");
  const id = q("add-group-id");
  const hotRow = document.querySelector(".kz-hot");
  const hot = q("hot-share");
  const hotValue = document.querySelector(".kz-hot-v");
  let pending = null;   // a group just added: shown once a tick carries it
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const gid = id.value.trim();
    // the option's value is "protocol:assignor" (the form's optgroups come from assignors_by_protocol)
    const [protocol, assignor] = q("add-group-assignor").value.split(":");
    const res = await send({ op: "add_group", group_id: gid, type: "consumer", group_protocol: protocol, assignor,
      consumers: 3 });
    if (res && res.ok) { id.value = ""; pending = gid; }
  });
  q("add-partition").addEventListener("click", () => send({ op: "add_partitions", count: 1 }));
  hot.addEventListener("input", () => { hold(hot); setText(hotValue, `${hot.value}%`); });
  hot.addEventListener("change", () => {
    hold(hot);
    send({ op: "set_keys", mode: "hot", hot_share: Number(hot.value) / 100 });
  });
  return {
    render(snap) {
      if (pending !== null && (snap.groups || []).some((g) => g.group_id === pending)) {
        const gid = pending;
        pending = null;
        setTimeout(() => selectGroup(gid), 0);
      }
      const keys = snap.producer && snap.producer.keys;
      const isHot = !!keys && keys.mode === "hot";
      setHidden(hotRow, !isHot);
      if (isHot && !busy(hot)) {
        const v = String(Math.round((keys.hot_share || 0) * 100));
        syncValue(hot, v);
        setText(hotValue, `${v}%`);
      }
    },
  };
}

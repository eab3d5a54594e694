// Small DOM helpers. Text always goes in through textContent, never parsed as HTML.

/** Create an element: el("span", {class: "x", "data-testid": "y"}, "text" | [children]). */
export function el(tag, attrs = {}, children = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  if (children !== null && children !== undefined) {
    if (Array.isArray(children)) for (const c of children) { if (c) node.append(c); }
    else node.textContent = String(children);
  }
  return node;
}

/** Set textContent only when it changed (cheap at 10 updates a second). */
export function setText(node, value) {
  const s = value === null || value === undefined ? "" : String(value);
  if (node.textContent !== s) node.textContent = s;
}

export function setAttr(node, name, value) {
  const s = value === null || value === undefined ? "" : String(value);
  if (node.getAttribute(name) !== s) node.setAttribute(name, s);
}

export function toggleClass(node, name, on) {
  if (node.classList.contains(name) !== !!on) node.classList.toggle(name, !!on);
}

export function setHidden(node, hidden) {
  if (node.hidden !== !!hidden) node.hidden = !!hidden;
}

export function fmtInt(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "-";
  return Math.round(n).toLocaleString("en-US");
}

export function fmtRate(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return "-";
  return Number(n).toFixed(1);
}

export function fmtSeconds(ms) {
  if (ms === null || ms === undefined) return "-";
  return (ms / 1000).toFixed(1) + " s";
}

/** The element with data-testid="testid" under root. */
export function q(testid, root = document) {
  return root.querySelector(`[data-testid="${testid}"]`);
}

const keyed = new WeakMap();   // container -> Map(key -> view)

/**
 * Keep container's children in step with `items`, one view per key: `create(item)` makes a view
 * ({root, ...}) the first time a key is seen, `update(view, item, index)` refreshes it on every call,
 * a view whose key is gone is removed. Nodes move only when the order is wrong, so a card or cell
 * (and a button in it) survives ten updates a second. Children of the container after the listed
 * ones stay after them. Returns the views by key.
 */
export function reconcile(container, items, key, create, update) {
  let views = keyed.get(container);
  if (!views) { views = new Map(); keyed.set(container, views); }
  const order = items.map((item, i) => {
    const k = key(item);
    let view = views.get(k);
    if (!view) { view = create(item); views.set(k, view); }
    update(view, item, i);
    return [k, view.root];
  });
  const seen = new Set(order.map(([k]) => k));
  for (const [k, view] of views) {
    if (!seen.has(k)) { view.root.remove(); views.delete(k); }
  }
  order.forEach(([, node], i) => {
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] ?? null);
  });
  return views;
}

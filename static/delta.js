// Delta ticks (docs/wire.md): merge a tick marked "delta" into the last full state.
// The exact inverse of groupviz/serve/delta.py `diff`: a plain object patches an object key by key
// ("$del" lists removed keys), {"$i": [[index, patch], ...]} patches an array element by element,
// {"$w": [k, rows]} slides a bounded log (drop the first k rows, append `rows`), anything else replaces. Unchanged parts are shared with `base`, changed paths are copied, so
// `base` itself is never modified.

function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function merge(base, patch) {
  if (!isObject(patch)) return patch;
  if (Array.isArray(base) && Array.isArray(patch.$w)) return base.slice(patch.$w[0]).concat(patch.$w[1]);
  if (Array.isArray(base) && Array.isArray(patch.$i)) {
    const out = base.slice();
    for (const [i, p] of patch.$i) out[i] = merge(out[i], p);
    return out;
  }
  if (!isObject(base)) return patch;
  const out = { ...base };
  for (const key of Object.keys(patch)) {
    if (key !== "$del") out[key] = merge(base[key], patch[key]);
  }
  if (Array.isArray(patch.$del)) for (const key of patch.$del) delete out[key];
  return out;
}

/** The full state after `delta` (a tick with "delta": 1) is applied to `base`. */
export function applyDelta(base, delta) {
  const out = merge(base, delta);
  delete out.delta;
  return out;
}

// Load generator for bench/viewers.py: N Socket.IO viewers over raw WebSockets, in one Node process.
//
//   node bench/viewers_load.mjs '{"url": "ws://127.0.0.1:5000", "n": 500, "deflate": true,
//                                 "measure_s": 15, "warmup_s": 3, "connect_timeout_s": 60}'
//
// Each viewer speaks Engine.IO 4 / Socket.IO 5 text frames itself (open "0{..}", connect "40",
// events "42[...]", ping "2" -> pong "3") over `ws` (pinned in package.json), which is far
// lighter than socket.io-client per connection, so one Node process can hold thousands. With
// `deflate` it OFFERS permessage-deflate (client_max_window_bits) exactly as browsers do; the
// server decides whether to accept. Ticks are not JSON-parsed: the generator reads only the
// server's send stamp (`"sent_ms":<epoch ms>`, added by groupviz/realtime.py and by the
// reference server) to compute delivery delay = receive wall time - send stamp.
//
// Inflating is memoised where that changes nothing the server does: when a connection negotiated
// server_no_context_takeover (groupviz's and the reference's WS_DEFLATE "shared"), each compressed
// message is self-contained, so the same compressed bytes always inflate to the same text; the
// generator then inflates each distinct message once (the broadcast frame is byte-identical for
// all N viewers) and hands the others the same text. Every frame is still received and
// read in full by every viewer; only the generator's own zlib work shrinks, which otherwise
// saturates its core at 3,000 viewers x 10 Hz. With context takeover ("accept") every viewer
// inflates everything, as before. `"memo": false` turns it off.
//
// Loopback only (refuses any other host), bounded: N <= 5000, a fixed measuring window, and a
// hard deadline after which it exits by itself. Prints one JSON line with the results.

import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const WebSocket = require("ws");

const cfg = JSON.parse(process.argv[2] || "{}");
const url = new URL(cfg.url || "ws://127.0.0.1:5000");
if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) && !url.hostname.startsWith("127.")) {
  console.error(`viewers_load: loopback only, not ${url.hostname}`);
  process.exit(2);
}
const N = Math.min(Number(cfg.n || 100), 5000);
const DEFLATE = Boolean(cfg.deflate);
const MEASURE_S = Number(cfg.measure_s || 10);
const WARMUP_S = Number(cfg.warmup_s || 3);
const CONNECT_TIMEOUT_S = Number(cfg.connect_timeout_s || 60);
const PARALLEL = Number(cfg.parallel || 50); // handshakes in flight at once
const HARD_DEADLINE_S = CONNECT_TIMEOUT_S + WARMUP_S + MEASURE_S + 30;

const MEMO = DEFLATE && cfg.memo !== false;
const TICKS = cfg.ticks === "full" ? "full" : "delta"; // the page asks for delta ticks
const wsUrl = `ws://${url.host}/socket.io/?EIO=4&transport=websocket&ticks=${TICKS}`;
const origin = `http://${url.host}`;
const now = () => performance.timeOrigin + performance.now();

const STAMP = Buffer.from('"sent_ms":');
const TICK = Buffer.from('42["tick"');
const SNAPSHOT = Buffer.from('42["snapshot"');

let inflated = 0; // messages the generator inflated
let memoHits = 0; // messages handed the text of an identical compressed message inflated once for all
// The last MEMO_SIZE distinct compressed messages: {data, out, waiters}. A generator that falls
// behind receives frames of several ticks interleaved across its viewers (one entry would thrash),
// and inflating is asynchronous: viewers whose identical frame arrives while it is being inflated
// wait for that result instead of inflating it again.
const MEMO_SIZE = 16;
const memo = []; // newest last

function memoFind(data) {
  for (let i = memo.length - 1; i >= 0; i -= 1) {
    const e = memo[i];
    if (e.data.length === data.length && e.data.equals(data)) return e;
  }
  return null;
}

function memoiseInflate(ws) {
  const ext = ws._extensions && ws._extensions["permessage-deflate"];
  if (!MEMO || !ext || !ext.params || !ext.params.server_no_context_takeover) return;
  const real = ext.decompress.bind(ext);
  let partial = false;
  ext.decompress = (data, fin, callback) => {
    const whole = fin && !partial; // a message in one frame (eventlet sends no fragments)
    partial = !fin;
    if (!whole) {
      real(data, fin, callback);
      return;
    }
    const known = memoFind(data);
    if (known !== null) {
      memoHits += 1;
      if (known.out !== null) process.nextTick(callback, null, known.out); // asynchronous like zlib, as ws expects
      else known.waiters.push(callback);
      return;
    }
    const entry = { data: Buffer.from(data), out: null, waiters: [callback] };
    memo.push(entry);
    if (memo.length > MEMO_SIZE) memo.shift();
    real(data, fin, (err, out) => {
      inflated += 1;
      const waiters = entry.waiters;
      entry.waiters = [];
      if (err) {
        const i = memo.indexOf(entry);
        if (i >= 0) memo.splice(i, 1);
      } else {
        entry.out = out;
      }
      for (const cb of waiters) cb(err, out);
    });
  };
}

let measuring = false;
let measureStart = 0;
const delays = []; // ms, ticks received while measuring
const perClient = new Array(N).fill(0); // ticks received while measuring
let connected = 0;
let connectFailures = 0;
let closedEarly = 0;
let errors = 0;
const errorSamples = [];
let snapshots = 0;
let tickBytesSum = 0;
let tickBytesN = 0;
let unstamped = 0;
const sockets = [];

function noteError(text) {
  errors += 1;
  if (errorSamples.length < 5) errorSamples.push(String(text).slice(0, 200));
}

function stampOf(buf) {
  const i = buf.lastIndexOf(STAMP);
  if (i < 0) return null;
  let j = i + STAMP.length;
  let k = j;
  while (k < buf.length && ((buf[k] >= 48 && buf[k] <= 57) || buf[k] === 46)) k += 1;
  return Number(buf.toString("latin1", j, k));
}

function openViewer(idx) {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok) => {
      if (!settled) {
        settled = true;
        resolve(ok);
      }
    };
    const ws = new WebSocket(wsUrl, { origin, perMessageDeflate: DEFLATE, handshakeTimeout: 30000 });
    ws.on("open", () => memoiseInflate(ws));
    ws.on("message", (data) => {
      const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
      const c0 = buf[0];
      if (c0 === 0x32 && buf.length === 1) { // "2": Engine.IO ping
        ws.send("3");
        return;
      }
      if (c0 === 0x30) { // "0{...}": Engine.IO open -> Socket.IO connect to "/"
        ws.send("40");
        return;
      }
      if (c0 !== 0x34) return;
      if (buf[1] === 0x30) { // "40{sid}": connected to the namespace
        connected += 1;
        ws._gvConnected = true;
        done(true);
        return;
      }
      if (buf[1] === 0x34) { // "44{...}": connect refused
        noteError(`refused: ${buf.toString("utf8", 0, 200)}`);
        done(false);
        return;
      }
      if (buf.compare(TICK, 0, TICK.length, 0, TICK.length) === 0) {
        if (!measuring) return;
        const t = now();
        const sent = stampOf(buf);
        if (sent === null) {
          unstamped += 1;
          return;
        }
        delays.push(t - sent);
        perClient[idx] += 1;
        tickBytesSum += buf.length;
        tickBytesN += 1;
      } else if (buf.compare(SNAPSHOT, 0, SNAPSHOT.length, 0, SNAPSHOT.length) === 0) {
        snapshots += 1;
      }
    });
    ws.on("error", (e) => {
      noteError(e && e.message);
      done(false);
    });
    ws.on("close", () => {
      if (ws._gvConnected && !stopping) closedEarly += 1;
      done(false);
    });
    sockets[idx] = ws;
  });
}

let stopping = false;

function pct(sorted, p) {
  if (!sorted.length) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function main() {
  const deadline = setTimeout(() => {
    console.error("viewers_load: hard deadline reached, exiting");
    process.exit(3);
  }, HARD_DEADLINE_S * 1000);
  deadline.unref();

  const t0 = now();
  let next = 0;
  const workers = [];
  for (let w = 0; w < Math.min(PARALLEL, N); w += 1) {
    workers.push((async () => {
      while (next < N && now() - t0 < CONNECT_TIMEOUT_S * 1000) {
        const i = next;
        next += 1;
        const ok = await openViewer(i);
        if (!ok) connectFailures += 1;
      }
    })());
  }
  await Promise.all(workers);
  const connectS = (now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, WARMUP_S * 1000));

  measuring = true;
  measureStart = now();
  const wireStart = sockets.reduce((s, ws) => s + (ws && ws._socket ? ws._socket.bytesRead : 0), 0);
  await new Promise((r) => setTimeout(r, MEASURE_S * 1000));
  measuring = false;
  const window = (now() - measureStart) / 1000;
  const wireEnd = sockets.reduce((s, ws) => s + (ws && ws._socket ? ws._socket.bytesRead : 0), 0);
  stopping = true;
  const stillOpen = sockets.filter((ws) => ws && ws.readyState === WebSocket.OPEN).length;
  const negotiated = sockets.filter((ws) => ws && ws.extensions && ws.extensions.includes("permessage-deflate")).length;

  const sorted = Float64Array.from(delays).sort();
  const hz = perClient.filter((_, i) => sockets[i] && sockets[i]._gvConnected).map((c) => c / window).sort((a, b) => a - b);
  const result = {
    n: N,
    deflate_offered: DEFLATE,
    deflate_negotiated: negotiated,
    connected,
    connect_failures: connectFailures,
    closed_early: closedEarly,
    still_open: stillOpen,
    connect_s: connectS,
    window_s: window,
    ticks_received: delays.length,
    unstamped,
    hz_mean: hz.length ? hz.reduce((a, b) => a + b, 0) / hz.length : 0,
    hz_min: hz.length ? hz[0] : 0,
    hz_p5: hz.length ? pct(hz, 5) : 0,
    delay_ms: { p50: pct(sorted, 50), p90: pct(sorted, 90), p95: pct(sorted, 95), p99: pct(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : null },
    tick_bytes: tickBytesN ? tickBytesSum / tickBytesN : null,
    wire_bytes_per_tick: delays.length ? (wireEnd - wireStart) / delays.length : null,
    snapshots,
    inflated,
    inflate_memo_hits: memoHits,
    errors,
    error_samples: errorSamples,
  };
  for (const ws of sockets) {
    try {
      if (ws) ws.terminate();
    } catch (e) {
      /* already gone */
    }
  }
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

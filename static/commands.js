// Commands to the server (docs/wire.md: "command" with an ack) and the toasts that report on them.
import { t } from "./i18n.js";
import { el, q } from "./dom.js";
import { select } from "./store.js";

const COMMAND_TIMEOUT_MS = 5000;
const TOASTS_MAX = 4;

let socket = null;

/** The Socket.IO connection commands go over (app.js connects it). */
export function useSocket(s) {
  socket = s;
}

export function currentSocket() {
  return socket;
}

/** Send a command; resolves with the server's answer, or {ok: false, error} (a toast says why). */
export function send(cmd) {
  if (select((s) => s.role) === "viewer") {
    toast(t("toast.viewer"));
    return Promise.resolve({ ok: false, error: "viewer" });
  }
  if (!socket) {
    toast(t("toast.noanswer", { op: cmd.op }), "error");
    return Promise.resolve({ ok: false, error: "no socket" });
  }
  return new Promise((resolve) => {
    socket.timeout(COMMAND_TIMEOUT_MS).emit("command", cmd, (err, res) => {
      if (err) {
        toast(t("toast.noanswer", { op: cmd.op }), "error");
        resolve({ ok: false, error: "timeout" });
        return;
      }
      if (!res || res.ok !== true) {
        const msg = (res && (res.error || res.message)) || "?";
        toast(t("toast.failed", { op: cmd.op, error: msg }), "error");
      }
      resolve(res || { ok: false });
    });
  });
}

/** A short message in the corner; kind "error" stays longer and is announced as an alert. */
export function toast(message, kind = "info") {
  const box = q("toasts");
  const close = el("button", { type: "button", class: "toast-close", "aria-label": t("toast.close") }, "×");
  const node = el("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": "toast" },
    [el("span", { class: "toast-text" }, message), close]);
  const remove = () => node.remove();
  close.addEventListener("click", remove);
  box.append(node);
  while (box.children.length > TOASTS_MAX) box.firstElementChild.remove();
  setTimeout(remove, kind === "error" ? 8000 : 4000);
}

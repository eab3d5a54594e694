"""`app.py --workers N`: one engine process, N socket workers on one shared port, Redis between them.

`supervise` starts them as child processes (a local Redis first when no --message-queue is given:
redisproc.py) and restarts any that dies: a killed worker's viewers reconnect to the others at
once (SO_REUSEPORT; the page uses WebSocket only), a killed engine is restarted and replays its
command log from Redis (relay_engine.py). `python -m groupviz.serve.cluster worker|engine ...` runs
one child; the presenter token reaches the workers in the environment, not on the command line.

Standard library only at import: a worker patches for eventlet before Flask is imported.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import time

log = logging.getLogger(__name__)

RESTART_DELAY_S = 0.5
TOKEN_ENV = "GROUPVIZ_TOKEN"
VIEWER_URL_ENV = "GROUPVIZ_VIEWER_URL"


def engine_cmd(url: str, seed: int, scenario: str, speed: float) -> list[str]:
    return [sys.executable, "-m", "groupviz.serve.relay_engine", "--message-queue", url, "--seed", str(seed),
            "--scenario", scenario, "--speed", str(speed)]


def worker_cmd(url: str, host: str, port: int, mode: str, worker_id: str) -> list[str]:
    return [sys.executable, "-m", "groupviz.serve.cluster", "worker", "--message-queue", url, "--host", host,
            "--port", str(port), "--async-mode", mode, "--worker-id", worker_id]


def child_env(token: str | None, viewer_url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in (TOKEN_ENV, VIEWER_URL_ENV)}
    if token:
        env[TOKEN_ENV] = token
    if viewer_url:
        env[VIEWER_URL_ENV] = viewer_url
    return env


def supervise(args, token: str | None, viewer_url: str | None, *, poll_s: float = 0.2) -> int:
    """Run the engine and args.workers workers until Ctrl+C (or SIGTERM); returns an exit code."""
    from groupviz.serve.redisproc import LocalRedis, stop_process

    local = None
    url = args.message_queue
    if not url:
        try:
            local = LocalRedis().start()
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 2
        url = local.url
        print(f"started a local Redis for the workers at {url} ({local.binary})", flush=True)
    env = child_env(token, viewer_url)
    specs = {"engine": engine_cmd(url, args.seed, args.scenario, args.speed)}
    for i in range(args.workers):
        specs[f"w{i + 1}"] = worker_cmd(url, args.host, args.port, args.async_mode, f"w{i + 1}")
    procs = {name: subprocess.Popen(cmd, env=env) for name, cmd in specs.items()}
    signal.signal(signal.SIGTERM, _interrupt)      # a SIGTERM ends the children and Redis too
    try:
        while True:
            time.sleep(poll_s)
            for name, proc in list(procs.items()):
                if proc.poll() is not None:
                    log.warning("%s exited with %s; restarting it", name, proc.returncode)
                    time.sleep(RESTART_DELAY_S)
                    procs[name] = subprocess.Popen(specs[name], env=env)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            stop_process(proc)
        if local is not None:
            local.stop()
    return 0


def _interrupt(*_):
    raise KeyboardInterrupt


def worker_main(argv) -> int:
    p = argparse.ArgumentParser(description="a groupviz socket worker (started by app.py --workers)")
    p.add_argument("--message-queue", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5000)
    p.add_argument("--async-mode", default="eventlet", choices=("eventlet", "threading"))
    p.add_argument("--worker-id", default=None)
    args = p.parse_args(argv)
    from groupviz.serve.run import patch_for

    patch_for(args.async_mode)
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s %(levelname)s {args.worker_id or 'worker'}: %(message)s")
    from groupviz.serve import realtime
    from groupviz.serve.app import create_app
    from groupviz.serve.relay_worker import serve_worker

    app = create_app({"ASYNC_MODE": args.async_mode, "MESSAGE_QUEUE": args.message_queue,
                      "WORKER_ID": args.worker_id, "PRESENTER_TOKEN": os.environ.get(TOKEN_ENV) or None,
                      "VIEWER_URL": os.environ.get(VIEWER_URL_ENV) or None})
    realtime.tune_gc()
    serve_worker(app, args.host, args.port)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        raise SystemExit(worker_main(sys.argv[2:]))
    print("usage: python -m groupviz.serve.cluster worker --message-queue URL [...]", file=sys.stderr)
    raise SystemExit(2)

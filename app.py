"""Run the groupviz dashboard: `python app.py [--host H | --lan] [--port P] [--async-mode M] [--token T | --open]`.

Bound to a loopback address (the default 127.0.0.1), every local browser is the
presenter. Bound to anything else (e.g. `--host 0.0.0.0` to share with a
classroom), a random presenter token is generated and printed inside the
presenter URL, like Jupyter; everyone who opens the plain viewer URL (or scans
the QR code at /qr.svg) watches read-only. `--token T` sets the token yourself
(it then applies on loopback too); `--open` makes every browser a presenter even
on 0.0.0.0 (a trusted room only).

`--lan` (`make classroom`) is the classroom start: it binds to this machine's address on the
room's network (groupviz.serve.lan), so phones can reach it, and prints the presenter URL, the
viewer URL and the viewer URL's QR code in the terminal.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys

from groupviz.realkafka.settings import check_kafka_args, read_properties
from groupviz.serve import lan, security
from groupviz.serve.run import patch_for, serve        # no Flask or eventlet at import (run.py)
from groupviz.serve.settings import ASYNC_MODES


def parse_args(argv=None, environ=None) -> argparse.Namespace:
    env = os.environ if environ is None else environ
    p = argparse.ArgumentParser(description="groupviz: a live classroom dashboard for Kafka consumer groups")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--host", default=None,
                       help="address to bind (default 127.0.0.1, or $HOST); 0.0.0.0 shares it with the room")
    where.add_argument("--lan", action="store_true",
                       help="the classroom start: bind to this machine's LAN address so phones can join, "
                            "print the presenter and viewer URLs and a QR code (make classroom)")
    p.add_argument("--port", type=int, default=int(env.get("PORT", "5000")), help="port (default 5000, or $PORT)")
    p.add_argument("--async-mode", default=env.get("ASYNC_MODE", "eventlet"), choices=ASYNC_MODES,
                   help="Flask-SocketIO async mode (default eventlet)")
    p.add_argument("--seed", type=int, default=7, help="simulation seed (default 7)")
    p.add_argument("--scenario", default="default", help="starting scenario (default 'default')")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per wall second (default 1)")
    p.add_argument("--workers", type=int, default=0,
                   help="serve through N socket worker processes and one engine process, over Redis "
                        "(default 0: one process, no Redis; docs/scaling.md)")
    p.add_argument("--message-queue", default=env.get("GROUPVIZ_MESSAGE_QUEUE") or None,
                   help="redis://HOST:PORT/DB for --workers (default: start a local Redis)")
    k = p.add_argument_group("real Kafka (README: Real Kafka)")
    k.add_argument("--kafka", default=None, metavar="mock|HOST:PORT",
                   help="real librdkafka clients: 'mock' (an embedded cluster) or an existing cluster's bootstrap")
    k.add_argument("--kafka-config", default=None, metavar="FILE",
                   help="librdkafka properties (key=value: SASL, SSL...); never printed, logged or sent to a page")
    k.add_argument("--twin", action="store_true", help="every command to a simulated and a real group side by side")
    k.add_argument("--observe", default=None, metavar="GROUP[,GROUP]", help="watch existing groups, never join")
    k.add_argument("--topic", default="orders", help="the topic on an external cluster (default orders)")
    k.add_argument("--group", default="g1", help="the group groupviz runs on an external cluster (default g1)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--token", default=env.get("GROUPVIZ_TOKEN") or None,
                     help="presenter token (default: random when not bound to loopback, or $GROUPVIZ_TOKEN); "
                          "only browsers that open the presenter URL can change the demo")
    who.add_argument("--open", action="store_true",
                     help="every browser is a presenter, even when not bound to loopback (trusted rooms only)")
    args = p.parse_args(argv)
    if args.lan:
        args.host = lan_ip()
        if args.host is None:
            p.exit(2, lan.NO_LAN + "\n")
    elif args.host is None:
        args.host = env.get("HOST", "127.0.0.1")
    if not 1 <= args.port <= 65535:
        p.error(f"--port must be between 1 and 65535, not {args.port}")
    if args.workers < 0 or (args.message_queue and not args.workers):
        p.error("--workers must be >= 0, and --message-queue needs --workers N")
    if args.workers and args.async_mode == "gevent":
        p.error("--workers serves with eventlet or threading")
    if args.token is not None and not args.token.strip():
        p.error("--token must not be empty")
    try:
        args.observe_groups = check_kafka_args(args.kafka, args.observe, args.twin)
        args.kafka_properties = read_properties(args.kafka_config) if args.kafka_config else {}
    except (ValueError, OSError) as e:
        p.error(str(e))
    if args.kafka_config and not args.kafka:
        p.error("--kafka-config goes with --kafka HOST:PORT")
    return args


def start_backend(args: argparse.Namespace):
    """The real backend for --kafka (None without it); its children end with this process, however it ends."""
    if not args.kafka:
        return None
    from groupviz.realkafka.settings import make_backend

    backend = make_backend(args.kafka, args.kafka_properties, twin=args.twin, observe=args.observe_groups,
                           topic=args.topic, group=args.group, seed=args.seed)

    def end(signum, _frame):
        backend.close()             # consumers close() and leave, the producer flushes, the cluster ends last
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, end)
    signal.signal(signal.SIGHUP, end)
    return backend


def presenter_token(args: argparse.Namespace) -> str | None:
    """None (everyone presents) for --open or a loopback bind without --token; else the token to require."""
    if args.open:
        return None
    if args.token:
        return args.token
    return None if security.is_loopback(args.host) else security.new_token()


def lan_ip() -> str | None:
    """This machine's address on the LAN (groupviz.serve.lan: no packet is sent); None if there is none."""
    return lan.choose_lan_ip()


def banner(args: argparse.Namespace, token: str | None) -> tuple[str, str, str]:
    """(presenter URL, viewer URL, text to print); with --lan the text ends with the viewer URL's QR code."""
    if getattr(args, "lan", False):
        return lan.classroom_text(args.host, args.port, token, qr=lan.supports_blocks())
    presenter, viewer = security.server_urls(args.host, args.port, token, lan_ip())
    if token is None:
        who = "every browser can present" if not security.is_loopback(args.host) else "local browsers present"
        text = f"groupviz is running: open {viewer}  ({who}; Ctrl+C to stop)"
        if security.is_loopback(security.display_host(args.host, lan_ip())):
            text += "\n  (only this machine can open it; for phones in the room: make classroom, or app.py --lan)"
    else:
        text = (f"groupviz is running (Ctrl+C to stop)\n"
                f"  presenter (keep this link to yourself): {presenter}\n"
                f"  viewers (share this link, or the QR code at {viewer}qr.svg): {viewer}")
    return presenter, viewer, text


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.workers and args.kafka:
        print("--workers serves the simulation; real Kafka (--kafka) runs in one process: choose one", file=sys.stderr)
        return 2
    if args.workers:                    # one engine process + N socket workers over Redis (cluster.py)
        from groupviz.serve.cluster import supervise

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        token = presenter_token(args)
        _, viewer, text = banner(args, token)
        print(f"{text}\n  ({args.workers} socket workers and one engine process, over Redis)", flush=True)
        return supervise(args, token, viewer)
    try:
        patch_for(args.async_mode)      # eventlet or gevent patch the standard library before the web layer loads
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from groupviz.serve.app import create_app      # Flask, Socket.IO: only now that the library is patched

    token = presenter_token(args)
    _, viewer, text = banner(args, token)
    try:
        backend = start_backend(args)
    except RuntimeError as e:
        print(f"--kafka: {e}", file=sys.stderr)
        return 2
    app = create_app({"ASYNC_MODE": args.async_mode, "SEED": args.seed, "SCENARIO": args.scenario,
                      "SPEED": args.speed, "PRESENTER_TOKEN": token, "VIEWER_URL": viewer, "ENGINE": backend})
    print(text, flush=True)
    if backend is not None:
        print(f"real Kafka: {backend.backend_info()['cluster']} cluster at {backend.bootstrap}", flush=True)
    try:
        serve(app, args.host, args.port)    # eventlet: max_size raised past 1024, GC tuned (groupviz.serve.run.serve)
    finally:
        if backend is not None:
            backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

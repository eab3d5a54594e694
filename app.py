"""Run the groupviz dashboard: `python app.py [--host H] [--port P] [--async-mode M]`."""

from __future__ import annotations

import argparse
import logging
import os
import sys


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="groupviz: a live classroom dashboard for Kafka consumer groups")
    p.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")), help="port (default 5000)")
    p.add_argument("--async-mode", default=os.environ.get("ASYNC_MODE", "eventlet"),
                   choices=("eventlet", "threading", "gevent"), help="Flask-SocketIO async mode (default eventlet)")
    p.add_argument("--seed", type=int, default=7, help="simulation seed (default 7)")
    p.add_argument("--scenario", default="default", help="starting scenario (default 'default')")
    p.add_argument("--speed", type=float, default=1.0, help="simulated seconds per wall second (default 1)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.async_mode == "eventlet":
        import eventlet  # monkey-patch only when eventlet is actually used

        eventlet.monkey_patch()
    elif args.async_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from groupviz.web import create_app, socketio_of

    app = create_app({"ASYNC_MODE": args.async_mode, "SEED": args.seed, "SCENARIO": args.scenario,
                      "SPEED": args.speed})
    socketio = socketio_of(app)
    url = f"http://{args.host}:{args.port}/"
    print(f"groupviz is running: open {url}  (Ctrl+C to stop)", flush=True)
    kwargs = {}
    if args.async_mode == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
    if args.async_mode == "eventlet":
        kwargs["max_size"] = 10000   # eventlet's wsgi default caps concurrent connections at 1024
    socketio.run(app, host=args.host, port=args.port, log_output=False, **kwargs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

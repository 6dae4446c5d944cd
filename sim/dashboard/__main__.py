"""Serve the classroom dashboard: ``python -m sim.dashboard [--host H] [--port P] [OVERRIDES...]``.

Prints ``Dashboard: http://HOST:PORT`` and serves until interrupted (Ctrl-C). Hydra overrides given here (for
example ``scale=0.5`` or ``weather=rough``) apply to both the class's runs and the baseline; the levers and the
seed are set on the page. Bad overrides are refused before the server starts, as by ``python -m sim``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys

from sim.config import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
PORTS_TRIED = 20


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a closed port is free
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(host: str, port: int | None) -> int:
    """The port asked for (which must be free), or the first free one from 8765 on."""
    if port is not None:
        if not port_free(host, port):
            raise SystemExit(f"dashboard: port {port} on {host} is in use; choose another with --port")
        return port
    for p in range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED):
        if port_free(host, p):
            return p
    raise SystemExit(f"dashboard: ports {DEFAULT_PORT}-{DEFAULT_PORT + PORTS_TRIED - 1} are all in use; use --port")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.dashboard", description="Serve the classroom dashboard on localhost and print its address."
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=None, help=f"port (default: first free from {DEFAULT_PORT})")
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run, e.g. scale=0.5 weather=rough")
    args = parser.parse_args(argv)

    # A classroom page should not call home: no Solara usage telemetry (read when Solara is imported), and no
    # version check (--no-check-version below); production mode also leaves out Solara's install-check iframe.
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    try:
        import solara  # noqa: F401
    except ImportError:
        print("dashboard: Solara is not installed; run `make dashboard` (installs .[dashboard])", file=sys.stderr)
        return 2
    from sim.cli import load_config
    from sim.dashboard.classroom import BASE_OVERRIDES_ENV

    for o in args.overrides:
        if o.split("=", 1)[0].lstrip("+~") in ("seed", "policy", "scenario") or o.startswith("policy."):
            print(f"dashboard: {o}: set levers and the seed on the page, not on the command line", file=sys.stderr)
            return 2
    try:
        load_config(list(args.overrides))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    os.environ[BASE_OVERRIDES_ENV] = json.dumps(list(args.overrides))

    port = choose_port(args.host, args.port)
    print(f"Dashboard: http://{args.host}:{port}", flush=True)
    print("Press Ctrl-C to stop it.", flush=True)
    from solara.__main__ import cli

    cli(
        [
            "run",
            "sim.dashboard.app",
            "--host",
            args.host,
            "--port",
            str(port),
            "--production",
            "--no-open",
            "--no-check-version",
        ],
        standalone_mode=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

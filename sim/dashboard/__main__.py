"""Serve the classroom dashboard: ``python -m sim.dashboard [--host H] [--port P] [OVERRIDES...]``.

Prints ``Dashboard: http://HOST:PORT`` and serves until interrupted (Ctrl-C). Hydra overrides given here (for
example ``scale=0.5`` or ``weather=rough``) apply to both the class's runs and the baseline; the levers and the
seed are set on the page. Bad input (an override, a port, a host) is refused in one line, exit code 2, before the
server starts. The page has no password: serving it beyond this computer (``--host 0.0.0.0`` or a network
address) needs ``--allow-network``, and says so when it starts.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import json
import os
import socket
import sys
import warnings

from sim.config import ConfigError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
PORTS_TRIED = 20


class Refused(Exception):
    """Bad command-line input: one line for the user, exit code 2."""


def check_port(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        port = int(raw)
    except ValueError:
        raise Refused(f"--port {raw}: expected a whole number from 1 to 65535") from None
    if not 1 <= port <= 65535:
        raise Refused(f"--port {raw}: out of range; allowed 1 to 65535")
    return port


def check_host(host: str, allow_network: bool) -> None:
    """The host must be an address of this computer; beyond loopback only with --allow-network."""
    try:
        infos = socket.getaddrinfo(host, None, socket.AF_UNSPEC, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(f"--host {host}: not an IP address or a host name this computer knows") from None
    addresses = {info[4][0] for info in infos}
    loopback = all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)
    if not loopback and not allow_network:
        raise Refused(
            f"--host {host}: would serve the page to other computers on the network, with no password; "
            "add --allow-network if that is what you want (default host 127.0.0.1: this computer only)"
        )


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a closed port is free
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise Refused(f"--host {host}: not an address of this computer") from None
            if exc.errno == errno.EACCES:
                raise Refused(f"--port {port}: not allowed for this user (ports below 1024 need root)") from None
            return False
    return True


def choose_port(host: str, port: int | None) -> int:
    """The port asked for (which must be free), or the first free one from 8765 on."""
    if port is not None:
        if not port_free(host, port):
            raise Refused(f"--port {port}: in use on {host}; choose another with --port")
        return port
    for p in range(DEFAULT_PORT, DEFAULT_PORT + PORTS_TRIED):
        if port_free(host, p):
            return p
    raise Refused(f"ports {DEFAULT_PORT}-{DEFAULT_PORT + PORTS_TRIED - 1} are all in use on {host}; use --port")


def quiet_solara() -> None:
    """No telemetry, no version check, no Solara banner over the page, and no cookie lecture in the terminal."""
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    os.environ.setdefault("SOLARA_THEME_LOADER", "plain")
    # Served over plain http on 127.0.0.1 Solara falls back to a samesite=lax cookie (right for a local page) and
    # warns about it in 14 lines on every page load.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m sim.dashboard", description="Serve the classroom dashboard on localhost and print its address."
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", default=None, help=f"port (default: first free from {DEFAULT_PORT})")
    parser.add_argument(
        "--allow-network", action="store_true", help="allow a --host that other computers can reach (no password)"
    )
    parser.add_argument(
        "--band-seeds", default="10", help="baseline years run in the background for the band over seeds (default 10)"
    )
    parser.add_argument(
        "--cache", default=None, help="folder for finished years (default results/dashboard/cache; '' for none)"
    )
    parser.add_argument("overrides", nargs="*", help="Hydra overrides for every run, e.g. scale=0.5 weather=rough")
    return parser.parse_args(argv)


def check_overrides(overrides: list[str]) -> None:
    from sim.cli import load_config

    for o in overrides:
        if o.split("=", 1)[0].lstrip("+~") in ("seed", "policy", "scenario") or o.startswith("policy."):
            raise Refused(f"{o}: set levers and the seed on the page, not on the command line")
    try:
        cfg = load_config(list(overrides))
    except ConfigError as exc:
        raise Refused(str(exc)) from None
    from sim.dashboard.map_coordinates import missing_nodes
    from sim.geography import build_geography

    missing = missing_nodes(list(build_geography(cfg.world).graph.nodes))
    if missing:
        raise Refused(f"world: no map position for {missing}; add them to sim/dashboard/map_coordinates.py")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        port = check_port(args.port)
        if not args.band_seeds.isdigit() or not 2 <= int(args.band_seeds) <= 100:
            raise Refused(f"--band-seeds {args.band_seeds}: expected a whole number from 2 to 100")
        check_host(args.host, args.allow_network)
        port = choose_port(args.host, port)
        quiet_solara()
        try:
            import solara  # noqa: F401
        except ImportError:
            raise Refused("Solara is not installed; run `make dashboard` (installs .[dashboard])") from None
        check_overrides(args.overrides)
    except Refused as exc:
        print(f"dashboard: {exc}", file=sys.stderr)
        return 2
    from sim.dashboard.background import BAND_SEEDS_ENV, CACHE_DIR_ENV
    from sim.dashboard.classroom import BASE_OVERRIDES_ENV

    os.environ[BASE_OVERRIDES_ENV] = json.dumps(list(args.overrides))
    os.environ[BAND_SEEDS_ENV] = args.band_seeds
    if args.cache is not None:
        os.environ[CACHE_DIR_ENV] = args.cache
    if args.allow_network:
        print(f"Warning: serving to every computer that can reach {args.host}:{port}, with no password.", flush=True)
    print(f"Dashboard: http://{args.host}:{port}", flush=True)
    print("Press Ctrl-C to stop it.", flush=True)
    from solara.__main__ import cli

    from sim.dashboard.app import services

    services()  # start burning in the first run and the baseline years before the first page asks
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

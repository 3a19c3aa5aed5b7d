"""`armorsmith serve`: run the language server over stdio, TCP or WebSocket.

The server itself lives in `armorsmith.lsp`; this module only parses the transport
options and starts it.  pygls and lsprotocol are imported when the command runs, so other
commands do not pay for them.  Exit status: 0 after a clean `shutdown` and `exit`, 1 when
the client exits without `shutdown`, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import logging
import sys

__all__ = ["register"]


def _address(text: str) -> tuple[str, int]:
    """Parse HOST:PORT (the host may be empty for every interface, or an [IPv6] literal)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT with a port from 0 to 65535, got {text!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return host or "0.0.0.0", int(port)


def _run_serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper()),
        stream=sys.stderr,
        format="armorsmith serve: %(levelname)s %(name)s: %(message)s",
    )
    from armorsmith.lsp import create_server
    from armorsmith.lsp.transport import serve_stdio, serve_tcp, serve_ws

    server = create_server()
    try:
        if args.tcp is not None:
            serve_tcp(server, *args.tcp)
        elif args.ws is not None:
            serve_ws(server, *args.ws)
        else:
            serve_stdio(server)
    except OSError as error:
        print(f"armorsmith serve: error: {error}", file=sys.stderr)
        return 1
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `serve` command."""
    serve = commands.add_parser(
        "serve",
        help="run the language server",
        description=(
            "Run the armorsmith language server (LSP). It speaks over stdin and stdout unless "
            "--tcp or --ws is given. Settings come from the client (workspace/configuration, "
            "section 'armorsmith'); see README.md."
        ),
    )
    transport = serve.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="speak over stdin and stdout (the default)")
    transport.add_argument("--tcp", type=_address, metavar="HOST:PORT", help="listen for one client over TCP")
    transport.add_argument("--ws", type=_address, metavar="HOST:PORT", help="listen for one client over WebSocket (text frames)")
    serve.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default="warning",
        help="what the server logs on stderr (default: warning)",
    )
    serve.set_defaults(run=_run_serve, subparser=serve)

"""The transports `armorsmith serve` speaks: stdio, TCP and WebSocket.

stdio and TCP are pygls' own.  WebSocket is pygls' message loop with one difference:
messages go out as text frames.  pygls 2.1.1 sends the UTF-8 bytes of each message, which
become binary frames that browser clients (monaco-languageclient, vscode-ws-jsonrpc)
cannot read; the LSP-over-WebSocket convention is one JSON message per text frame.
"""

from __future__ import annotations

import asyncio
import logging
from threading import Event
from typing import Any

from pygls.io_ import run_websocket

from .server import ArmorsmithServer

__all__ = ["serve_stdio", "serve_tcp", "serve_ws"]

_LOG = logging.getLogger(__name__)


def serve_stdio(server: ArmorsmithServer) -> None:
    """Serve one client over stdin and stdout until it exits."""
    server.start_io()


def serve_tcp(server: ArmorsmithServer, host: str, port: int) -> None:
    """Serve clients connecting to HOST:PORT over TCP until the client exits."""
    server.start_tcp(host, port)


class _TextFrames:
    """A WebSocket connection whose `send` turns UTF-8 bytes into a text frame."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def send(self, data: bytes | str) -> Any:
        return self._connection.send(data.decode("utf-8") if isinstance(data, bytes) else data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def serve_ws(server: ArmorsmithServer, host: str, port: int) -> None:
    """Serve one editor session over WebSocket on HOST:PORT, one JSON message per text frame.

    As with pygls' own WebSocket server, the server shuts down when the session's
    connection closes.
    """
    from websockets.asyncio.server import serve

    stop_event = server._stop_event = Event()

    async def session(connection: Any) -> None:
        await run_websocket(
            websocket=_TextFrames(connection),
            stop_event=stop_event,
            protocol=server.protocol,
            logger=_LOG,
            error_handler=server.report_server_error,
        )
        server.shutdown()

    async def main() -> None:
        async with serve(session, host, port) as listener:
            server._server = listener  # pygls' shutdown() closes it.
            addresses = ", ".join(str(sock.getsockname()) for sock in listener.sockets)
            _LOG.info("serving LSP over WebSocket on %s", addresses)
            await listener.serve_forever()

    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        _LOG.debug("WebSocket server cancelled")

"""`armorsmith serve` over TCP and WebSocket, and its usage errors.

stdio is what every other end-to-end test uses.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="function")

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}}
SHUTDOWN = {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}
EXIT = {"jsonrpc": "2.0", "method": "exit", "params": None}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _serve(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "armorsmith", "serve", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def _retry(connect: Any) -> Any:
    """Connect once the server listens (it needs a moment to import and bind)."""
    for _ in range(200):
        try:
            return await connect()
        except OSError:
            await asyncio.sleep(0.05)
    pytest.fail("the server never listened")


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


async def _read_framed(reader: asyncio.StreamReader) -> dict[str, Any]:
    while True:
        header = await reader.readuntil(b"\r\n\r\n")
        length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
        message = json.loads(await reader.readexactly(length))
        if "id" in message:
            return message


async def test_tcp() -> None:
    """Ensure the server answers initialize over TCP and exits cleanly after shutdown and exit."""
    port = _free_port()
    process = await _serve("--tcp", f"127.0.0.1:{port}")
    reader, writer = await _retry(lambda: asyncio.open_connection("127.0.0.1", port))
    writer.write(_frame(INITIALIZE))
    answer = await asyncio.wait_for(_read_framed(reader), 30)
    assert answer["result"]["serverInfo"]["name"] == "armorsmith"
    writer.write(_frame(SHUTDOWN))
    assert (await asyncio.wait_for(_read_framed(reader), 30))["id"] == 2
    writer.write(_frame(EXIT))
    await writer.drain()
    assert await asyncio.wait_for(process.wait(), 30) == 0
    writer.close()


async def test_websocket_sends_text_frames() -> None:
    """Ensure every message over WebSocket is one JSON text frame, as browser clients need."""
    from websockets.asyncio.client import connect

    port = _free_port()
    process = await _serve("--ws", f"127.0.0.1:{port}")
    try:
        connection = await _retry(lambda: connect(f"ws://127.0.0.1:{port}"))
        await connection.send(json.dumps(INITIALIZE))
        while True:
            frame = await asyncio.wait_for(connection.recv(), 30)
            assert isinstance(frame, str), "binary frame"
            message = json.loads(frame)
            if message.get("id") == 1:
                break
        assert message["result"]["capabilities"]["textDocumentSync"]["change"] == 2
        await connection.send(json.dumps(SHUTDOWN))
        await connection.send(json.dumps(EXIT))
        await connection.close()
        await asyncio.wait_for(process.wait(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize("args", [["--tcp", "localhost"], ["--ws", "h:99999"], ["--tcp", "h:1", "--ws", "h:2"]])
async def test_bad_arguments(args: list[str]) -> None:
    """Ensure a bad address or two transports at once is a usage error, exit status 2."""
    process = await _serve(*args)
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert b"error" in stderr

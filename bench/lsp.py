"""The language server, driven as an editor drives it, beside apparmor-language-server 0.10.0.

Both servers run as subprocesses over stdio and are driven by the same small LSP client
(`LspProcess`), which counts UTF-16 (the default both servers speak) and gets diagnostics
pushed.  Measured, for each server in the same run:

- edit to diagnostics: a 1,000-line and a 10,000-line policy file made of upstream's real
  profiles (`policy_file`: one preamble, then the profiles one after another), includes
  resolved in upstream's profile tree;
  each edit inserts a line `capability zzbogusNN,` into a different profile, at places
  spread over the file (so no edit finds its analysis cached); the time runs from sending
  `didChange` to the first `publishDiagnostics` that reports the new unknown capability;
  median and p95 over 20 edits (fewer for the reference on the 10,000-line file, which
  takes long per edit);
- hover on a capability name and definition on an include, 20 requests each on the
  1,000-line file once edited, when the server advertises the feature (first request,
  median and p95);
- workspace indexing of `upstream/profiles` opened as the workspace folder: from
  `initialized` until the server says it is done (armorsmith: the end of its `$/progress`
  report; the reference: its "Indexing complete" log line);
- peak memory (VmHWM) of each server process over each session.

The reference keeps its defaults (so its own apparmor_parser check also runs after
edits, in the background); armorsmith keeps its defaults too (its cross-check is off).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from armorsmith.syntax import parse
from bench.base import Settings
from bench.references import ALS_PACKAGE, ALS_VERSION, Unavailable, als_python
from bench.report import Goal, Row, Table, milliseconds, percentile
from conformance.corpus import Corpus

COLUMNS = ["first", "median", "p95", "n", "peak RSS"]
EDITS = 20
REFERENCE_EDITS_10K = 4
"""The reference re-lints the whole file on each edit; this many edits keep its run short."""
REQUESTS = 20
TIMEOUT = 600.0
"""Seconds any one wait may last before the server is given up on."""
READ_ONLY_RULE = re.compile(rb"^  [^#\n]* r,\n", re.MULTILINE)

GOAL_1K_MEDIAN = 0.030
GOAL_1K_P95 = 0.100
GOAL_10K_MEDIAN = 0.100
GOAL_REQUEST = 0.010


def policy_file(corpus: Corpus, lines_wanted: int) -> bytes:
    """One policy file of about `lines_wanted` lines, as someone keeping many profiles in one file writes it.

    It holds the profiles of upstream's profile files (apparmor.d and the extras, in name
    order, then again from the start with `-2`, `-3` ... appended to their names) one after
    another, under one preamble: the first `abi` rule and every distinct top-level include
    and variable assignment of those files, each variable assigned once.  (Concatenating
    whole files instead would repeat `include <tunables/global>` once per profile.)
    """
    folders = (corpus.profiles / "apparmor.d", corpus.profiles / "apparmor" / "profiles" / "extras")
    paths = [path for folder in folders for path in sorted(folder.iterdir()) if path.is_file() and path.name != "README"]
    preamble: list[bytes] = []
    seen: set[bytes] = set()
    profiles: list[bytes] = []
    lines = 0
    for cycle in range(1, 1000):
        for path in paths:
            source = path.read_bytes()
            for child in parse(source).root.children:
                text = source[child.start_byte : child.end_byte]
                if child.type in ("profile", "hat"):
                    name = child.child_by_field_name("name")
                    if cycle > 1 and name is not None:
                        cut = name.end_byte - (1 if source[name.end_byte - 1 : name.end_byte] == b'"' else 0)
                        text = source[child.start_byte : cut] + b"-%d" % cycle + source[cut : child.end_byte]
                    profiles.append(text)
                    lines += text.count(b"\n") + 2
                elif child.type != "comment" and not child.is_error and cycle == 1:
                    key = b"abi" if child.type == "abi" else text.split(b"=")[0].strip() if child.type == "variable_assignment" else text
                    if key not in seen:
                        seen.add(key)
                        preamble.append(text)
            if lines + len(preamble) >= lines_wanted:
                return b"\n".join(preamble) + b"\n\n" + b"\n\n".join(profiles) + b"\n"
    raise ValueError("the corpus has no profiles")


class ServerGone(Exception):
    """The server exited, or did not answer in time."""


class LspProcess:
    """A language server subprocess and the minimal client that drives it.

    Requests the server sends are answered: `workspace/configuration` with `settings`,
    anything else with null.  Notifications are kept with their arrival times.
    """

    def __init__(self, command: list[str], settings: dict[str, Any], env: dict[str, str] | None = None) -> None:
        self._command = command
        self._settings = settings
        self._env = env
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self.notifications: list[tuple[float, str, Any]] = []
        self.stderr: list[tuple[float, str]] = []
        self._changed = asyncio.Event()
        self.process: asyncio.subprocess.Process | None = None
        self.capabilities: dict[str, Any] = {}
        """What the server answered to `initialize`."""

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self._command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **(self._env or {})},
            limit=1 << 26,
        )
        self._tasks = [asyncio.ensure_future(self._read()), asyncio.ensure_future(self._read_stderr())]

    def _write(self, message: dict[str, Any]) -> None:
        assert self.process is not None and self.process.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        stdout = self.process.stdout
        try:
            while True:
                header = await stdout.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"Content-Length: *(\d+)", header, re.IGNORECASE).group(1))  # type: ignore[union-attr]
                message = json.loads(await stdout.readexactly(length))
                now = time.perf_counter()
                if "method" in message and "id" in message:
                    result = [self._settings] * len(message["params"]["items"]) if message["method"] == "workspace/configuration" else None
                    self._write({"id": message["id"], "result": result})
                elif "method" in message:
                    self.notifications.append((now, message["method"], message.get("params")))
                    self._changed.set()
                elif message.get("id") in self._pending:
                    self._pending.pop(message["id"]).set_result(message)
        except (asyncio.IncompleteReadError, ConnectionError):
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ServerGone("the server exited"))
            self._changed.set()

    async def _read_stderr(self) -> None:
        assert self.process is not None and self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.stderr.append((time.perf_counter(), line.decode("utf-8", "replace")))
            self._changed.set()

    async def request(self, method: str, params: Any) -> tuple[float, Any]:
        """Send a request; return the seconds until the answer, and the answer."""
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = future
        started = time.perf_counter()
        self._write({"id": self._next_id, "method": method, "params": params})
        answer = await asyncio.wait_for(future, TIMEOUT)
        if "error" in answer:
            raise ServerGone(f"{method} failed: {answer['error'].get('message')}")
        return time.perf_counter() - started, answer.get("result")

    def notify(self, method: str, params: Any) -> float:
        """Send a notification; return when it was sent."""
        self._write({"method": method, "params": params})
        return time.perf_counter()

    async def wait_for(self, found: Callable[[], Any], what: str) -> Any:
        """Wait until `found()` returns something truthy."""
        deadline = time.perf_counter() + TIMEOUT
        while not (value := found()):
            if self.process is not None and self.process.returncode is not None:
                raise ServerGone(f"the server exited while waiting for {what}")
            self._changed.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise ServerGone(f"no {what} within {TIMEOUT:.0f} s")
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                continue
        return value

    def peak_rss(self) -> int | None:
        """The peak resident memory of the server process so far, in bytes (Linux)."""
        if self.process is None:
            return None
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) * 1024 if match else None

    async def initialize(self, folder: Path, capabilities: dict[str, Any]) -> tuple[dict[str, Any], float]:
        """Initialize with `folder` as the workspace; return the capabilities and when `initialized` went."""
        params = {
            "processId": os.getpid(),
            "rootUri": folder.as_uri(),
            "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}],
            "capabilities": capabilities,
        }
        _, result = await self.request("initialize", params)
        self.capabilities = result["capabilities"]
        sent = self.notify("initialized", {})
        return self.capabilities, sent

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        try:
            await self.request("shutdown", None)
            self.notify("exit", None)
            await asyncio.wait_for(self.process.wait(), 10)
        except (ServerGone, asyncio.TimeoutError, ConnectionError):
            self.process.kill()
            await self.process.wait()
        for task in self._tasks:
            task.cancel()


CLIENT_CAPABILITIES: dict[str, Any] = {
    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
    "window": {"workDoneProgress": True},
    "textDocument": {
        "synchronization": {"didSave": True},
        "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "definition": {"linkSupport": False},
    },
}


@dataclass(frozen=True)
class Server:
    """How to start one of the servers and give it its settings."""

    name: str
    command: list[str]
    settings: Callable[[Path], dict[str, Any]]
    """Settings, given the include directory; answered to workspace/configuration."""
    pushes_settings: bool
    """Whether the settings must also be sent with didChangeConfiguration (the reference)."""
    env: dict[str, str]

    def process(self, include_dir: Path, env: dict[str, str] | None = None) -> LspProcess:
        return LspProcess(self.command, self.settings(include_dir), {**self.env, **(env or {})})

    async def configure(self, server: LspProcess, include_dir: Path) -> None:
        if self.pushes_settings:
            server.notify("workspace/didChangeConfiguration", {"settings": self.settings(include_dir)})


def _armorsmith() -> Server:
    return Server(
        "armorsmith",
        [sys.executable, "-m", "armorsmith", "serve"],
        lambda include_dir: {"includePaths": [str(include_dir)]},
        False,
        {},
    )


def _reference() -> Server:
    python = als_python()
    return Server(
        f"{ALS_PACKAGE} {ALS_VERSION}",
        [str(python.parent / "apparmor-language-server")],
        lambda include_dir: {"apparmor": {"includeSearchPaths": [str(include_dir)], "baseDir": str(include_dir)}},
        True,
        {"APPARMOR_LSP_LOG_LEVEL": "INFO"},
    )


def _megabytes(size: int | None) -> str:
    return f"{size / 1e6:.0f} MB" if size else "-"


def _timing_row(tool: str, seconds: list[float], peak: int | None, note: str) -> Row:
    figures = {
        "first": milliseconds(seconds[0]),
        "median": milliseconds(statistics.median(seconds)),
        "p95": milliseconds(percentile(seconds, 0.95)),
        "n": str(len(seconds)),
        "peak RSS": _megabytes(peak),
    }
    return Row(tool, figures, note)


def _places(source: bytes, count: int) -> list[int]:
    """Line numbers (0-based) after `count` read-only file rules spread over the file."""
    lines = [source.count(b"\n", 0, match.end()) for match in READ_ONLY_RULE.finditer(source)]
    if len(lines) < count:
        raise ValueError(f"only {len(lines)} places to edit")
    step = len(lines) / count
    return [lines[int(i * step)] for i in range(count)]


def _published(server: LspProcess, uri: str, since: float, check: Callable[[list[dict[str, Any]]], bool]) -> Callable[[], float | None]:
    """A condition: the arrival time of the first publish for `uri` after `since` that passes `check`."""

    def found() -> float | None:
        for arrived, method, params in server.notifications:
            if arrived >= since and method == "textDocument/publishDiagnostics" and params["uri"] == uri and check(params["diagnostics"]):
                return arrived
        return None

    return found


def _mentions(name: str) -> Callable[[list[dict[str, Any]]], bool]:
    return lambda diagnostics: any(name in d.get("message", "") for d in diagnostics)


async def _open(server: LspProcess, uri: str, text: str) -> None:
    sent = server.notify(
        "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "apparmor", "version": 1, "text": text}}
    )
    await server.wait_for(_published(server, uri, sent, lambda _: True), "the first diagnostics")


def _progress_ended(server: LspProcess, since: float) -> Callable[[], float | None]:
    def found() -> float | None:
        for arrived, method, params in server.notifications:
            if arrived >= since and method == "$/progress" and (params.get("value") or {}).get("kind") == "end":
                return arrived
        return None

    return found


def _log_line(server: LspProcess, since: float, text: str) -> Callable[[], float | None]:
    def found() -> float | None:
        return next((arrived for arrived, line in server.stderr if arrived >= since and text in line), None)

    return found


async def _edits(spec: Server, source: bytes, include_dir: Path, edits: int) -> tuple[list[float], int | None, LspProcess, str]:
    """Time `edits` edits of `source`; return the latencies, the peak memory, the live server and the URI."""
    server = spec.process(include_dir)
    await server.start()
    with tempfile.TemporaryDirectory(prefix="armorsmith-bench-lsp-") as scratch:
        folder = Path(scratch)
        document = folder / "bench.profile"
        document.write_bytes(source)
        uri = document.as_uri()
        try:
            _, sent = await server.initialize(folder, CLIENT_CAPABILITIES)
            await spec.configure(server, include_dir)
            if spec.name == "armorsmith":
                await server.wait_for(_progress_ended(server, sent), "the end of indexing")
            await _open(server, uri, source.decode("utf-8", "replace"))
            places = _places(source, edits)
            seconds = []
            for number, line in enumerate(reversed(places)):
                # From the end of the file up, so that each place keeps its line number.
                name = f"zzbogus{number:02d}"
                change = {"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": f"  capability {name},\n"}
                sent = server.notify(
                    "textDocument/didChange",
                    {"textDocument": {"uri": uri, "version": number + 2}, "contentChanges": [change]},
                )
                arrived = await server.wait_for(_published(server, uri, sent, _mentions(name)), f"diagnostics after edit {number + 1}")
                seconds.append(arrived - sent)
            return seconds, server.peak_rss(), server, uri
        except BaseException:
            await server.stop()
            raise


async def _requests(server: LspProcess, uri: str, method: str, position: dict[str, int]) -> list[float]:
    params = {"textDocument": {"uri": uri}, "position": position}
    return [(await server.request(method, params))[0] for _ in range(REQUESTS)]


def _position_of(source: bytes, pattern: bytes) -> dict[str, int]:
    """The LSP position of the middle of the first match of `pattern`'s group 1."""
    match = re.search(pattern, source, re.MULTILINE)
    if match is None:
        raise ValueError(f"nothing matches {pattern!r}")
    offset = (match.start(1) + match.end(1)) // 2
    line = source.count(b"\n", 0, offset)
    column = len(source[source.rfind(b"\n", 0, offset) + 1 : offset].decode("utf-8").encode("utf-16-le")) // 2
    return {"line": line, "character": column}


async def _indexing(spec: Server, folder: Path, include_dir: Path) -> tuple[float, int | None]:
    env = {"APPARMOR_LSP_LOG_LEVEL": "DEBUG"} if spec.name != "armorsmith" else {}
    server = spec.process(include_dir, env)
    await server.start()
    try:
        _, sent = await server.initialize(folder, CLIENT_CAPABILITIES)
        await spec.configure(server, include_dir)
        if spec.name == "armorsmith":
            done = await server.wait_for(_progress_ended(server, sent), "the end of indexing")
        else:
            done = await server.wait_for(_log_line(server, sent, "Indexing complete"), "the end of indexing")
        return done - sent, server.peak_rss()
    finally:
        await server.stop()


async def _measure(spec: Server, settings: Settings, table: Table, found: dict[str, dict[str, list[float]]]) -> None:
    corpus = settings.corpus
    include_dir = corpus.profiles / "apparmor.d"
    figures = found.setdefault(spec.name, {})
    for lines in (1_000, 10_000):
        source = policy_file(corpus, lines)
        count = EDITS if spec.name == "armorsmith" or lines == 1_000 else REFERENCE_EDITS_10K
        line_count = source.count(b"\n")
        label = f"{spec.name}: edit -> diagnostics, {line_count:,} lines"
        try:
            seconds, peak, server, uri = await _edits(spec, source, include_dir, count)
        except (ServerGone, OSError, ValueError) as error:
            table.rows.append(Row(label, unavailable=str(error)))
            continue
        figures[f"edit{lines}"] = seconds
        table.rows.append(_timing_row(label, seconds, peak, "first publishDiagnostics reflecting the edit"))
        try:
            if lines == 1_000:
                await _feature_requests(spec, server, uri, source, table, figures)
        finally:
            await server.stop()
    label = f"{spec.name}: index upstream/profiles"
    try:
        seconds, peak = await _indexing(spec, corpus.profiles, include_dir)
    except (ServerGone, OSError) as error:
        table.rows.append(Row(label, unavailable=str(error)))
        return
    figures["index"] = [seconds]
    note = "every file under the folder" if spec.name == "armorsmith" else "its default subdirectories (apparmor.d)"
    table.rows.append(Row(label, {"first": milliseconds(seconds), "n": "1", "peak RSS": _megabytes(peak)}, f"from initialized to done; {note}"))


async def _feature_requests(
    spec: Server, server: LspProcess, document: str, source: bytes, table: Table, figures: dict[str, list[float]]
) -> None:
    """Time hover and definition on the unchanged 1,000-line file, when the server has them."""
    requests = (
        ("hover", "textDocument/hover", _position_of(source, rb"^\s*capability (\w+)")),
        ("definition", "textDocument/definition", _position_of(source, rb"^\s+include <(abstractions/[^>]+)>")),
    )
    for name, method, position in requests:
        label = f"{spec.name}: {name}, 1,000 lines"
        if not server.capabilities.get(f"{name}Provider"):
            table.rows.append(Row(label, unavailable=f"the server does not offer {method} (yet)"))
            continue
        try:
            seconds = await _requests(server, document, method, position)
        except ServerGone as error:
            table.rows.append(Row(label, unavailable=str(error)))
            continue
        figures[name] = seconds
        table.rows.append(_timing_row(label, seconds, server.peak_rss(), "the same request 20 times, the document unchanged meanwhile"))


class LspLatency:
    """Edit-to-diagnostics, hover, definition and indexing, armorsmith beside the reference."""

    name = "lsp"

    def run(self, settings: Settings) -> Table:
        table = Table("language server: edits, requests and indexing over LSP (stdio, UTF-16)", COLUMNS)
        found: dict[str, dict[str, list[float]]] = {}
        servers: list[Server | Row] = [_armorsmith()]
        try:
            servers.append(_reference())
        except Unavailable as reason:
            servers.append(Row(f"{ALS_PACKAGE} {ALS_VERSION}", unavailable=str(reason)))
        for spec in servers:
            if isinstance(spec, Row):
                table.rows.append(spec)
            else:
                asyncio.run(_measure(spec, settings, table, found))
        self._goals(table, found.get("armorsmith", {}))
        return table

    @staticmethod
    def _goals(table: Table, figures: dict[str, list[float]]) -> None:
        def goal(text: str, key: str, reduce: Callable[[list[float]], float], limit: float) -> None:
            values = figures.get(key)
            if values is None:
                table.goals.append(Goal(text, "not measured", False))
                return
            value = reduce(values)
            table.goals.append(Goal(text, milliseconds(value), value < limit))

        median = statistics.median
        goal(f"1,000 lines: edit to diagnostics median under {milliseconds(GOAL_1K_MEDIAN)}", "edit1000", median, GOAL_1K_MEDIAN)
        goal(f"1,000 lines: edit to diagnostics p95 under {milliseconds(GOAL_1K_P95)}", "edit1000", lambda v: percentile(v, 0.95), GOAL_1K_P95)
        goal(f"10,000 lines: edit to diagnostics median under {milliseconds(GOAL_10K_MEDIAN)}", "edit10000", median, GOAL_10K_MEDIAN)
        goal(f"hover under {milliseconds(GOAL_REQUEST)} (median)", "hover", median, GOAL_REQUEST)
        goal(f"definition under {milliseconds(GOAL_REQUEST)} (median)", "definition", median, GOAL_REQUEST)

"""The optional cross-check with `apparmor_parser -Q -K`, and reading what it prints.

When `parserCrossCheck.enabled` is on, the server runs apparmor_parser on each open
document: the buffer is written to a private temporary file (so that unsaved text is
checked, and so that apparmor_parser's messages name the document and any included file
apart), and apparmor_parser runs with an argument list (never a shell), `-Q` (do not load
into the kernel), `-K` (neither read nor write the cache), an empty configuration file, one
`-I` per include path, `-M` when a features file is set, its working directory the base
directory of relative includes, and a time limit after which its whole process group is
killed.  Its messages become `apparmor-parser-error` and `apparmor-parser-warning`
diagnostics (`parser_diagnostics`, a pure function of its output).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import signal
import tempfile
from dataclasses import dataclass

from armorsmith.diagnostics import Code, Diagnostic
from armorsmith.syntax import LineCol, LineIndex, Parse, PositionEncoding

from .settings import CrossCheckSettings

__all__ = ["ParserRun", "find_parser", "parser_diagnostics", "run_parser"]

# "AppArmor parser error for MAIN in profile FILE at line N: MESSAGE" (FILE is the file
# being read, an included one or MAIN), or without a file when reading stdin.
_LOCATED = re.compile(
    r"^AppArmor parser error (?:for (?P<main>.*?) in (?:profile )?(?P<file>.*?) )?at line (?P<line>\d+): (?P<message>.*)$"
)
_UNLOCATED_ERROR = re.compile(r"^AppArmor parser error(?: for .*?)?: (?P<message>.*)$")
_WARNING = re.compile(r"^Warning(?: from (?P<file>\S+) \((?:.*?line (?P<line>\d+))?\))?:? (?P<message>.*)$")
_PROFILE_PREFIX = re.compile(r"^profile (?P<name>\S+?):")
# Lines that say something about the environment, not about the policy.
_NOISE = ("Cache read/write disabled", "Warning: unable to find a suitable fs in /proc/mounts")


@dataclass(frozen=True, slots=True)
class ParserRun:
    """What one run printed on stderr and its exit status (None when it was killed)."""

    status: int | None
    output: str


def find_parser(settings: CrossCheckSettings) -> str | None:
    """Return the apparmor_parser to run: the setting's path, looked up like a command."""
    if os.sep in settings.path:
        return settings.path if os.access(settings.path, os.X_OK) else None
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    return shutil.which(settings.path, path=search)


async def run_parser(
    program: str,
    source: bytes,
    name: str,
    settings: CrossCheckSettings,
    *,
    search_dirs: tuple[str, ...],
    base_dir: str,
) -> ParserRun:
    """Run `program -Q -K` on `source`, saved as a temporary file called `name`."""
    with tempfile.TemporaryDirectory(prefix="armorsmith-parser-") as scratch:
        path = os.path.join(scratch, os.path.basename(name) or "policy")
        config = os.path.join(scratch, "parser.conf")
        with open(path, "wb") as handle:
            handle.write(source)
        with open(config, "wb"):
            pass
        command = [program, "-Q", "-K", f"--config-file={config}"]
        for directory in search_dirs:
            command += ["-I", directory]
        if settings.features_file:
            command += ["-M", settings.features_file]
        command.append(path)
        cwd = base_dir if os.path.isdir(base_dir) else scratch
        process = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), settings.timeout)
            status: int | None = process.returncode
        except (asyncio.TimeoutError, asyncio.CancelledError) as stopped:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            if isinstance(stopped, asyncio.CancelledError):
                raise
            return ParserRun(None, "")
        finally:
            # Workers apparmor_parser forked must not outlive it.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        output = stderr.decode("utf-8", "replace").replace(path, name)
    return ParserRun(status, output)


def _line_span(index: LineIndex, source: bytes, line: int) -> tuple[int, int]:
    """Return the byte range of 1-based `line` without its leading blanks and its newline."""
    start = index.offset(LineCol(max(0, line - 1), 0), PositionEncoding.UTF8)
    end = source.find(b"\n", start)
    end = len(source) if end < 0 else end
    text = source[start:end]
    stripped = text.lstrip(b" \t")
    start += len(text) - len(stripped)
    return start, start + len(stripped.rstrip(b" \t\r"))


def _profile_span(parsed: Parse, name: str) -> tuple[int, int] | None:
    """Return the range of the name of the top-level profile called `name`, if there is one."""
    for child in parsed.root.children:
        node = child.child_by_field_name("name") if child.type in ("profile", "hat") else None
        if node is not None and parsed.source[node.start_byte : node.end_byte].decode("utf-8", "replace") == name:
            return node.start_byte, node.end_byte
    return None


def parser_diagnostics(run: ParserRun, name: str, parsed: Parse, timeout: float) -> list[Diagnostic]:
    """Turn what apparmor_parser printed about the document `name` into diagnostics.

    An error at a line of the document is placed on that line; one at a line of an
    included file is placed on the document's first line and names the file; an error
    about a profile with no line ("profile foo: has merged rule ...") is placed on that
    profile's name; other messages of a failed run, on the first line.
    """
    source = parsed.source
    index = LineIndex(source)
    first = _line_span(index, source, 1)
    if run.status is None:
        message = f"apparmor_parser did not finish within {timeout:g} seconds and was stopped"
        return [Diagnostic.of(Code.PARSER_WARNING, message, *first)]
    found: list[Diagnostic] = []
    unlocated: list[str] = []
    for line in run.output.splitlines():
        line = line.strip()
        if not line or line.startswith(_NOISE):
            continue
        located = _LOCATED.match(line)
        warning = _WARNING.match(line)
        if located is not None:
            file, number, message = located["file"], int(located["line"]), located["message"]
            if file in (None, name, "stdin"):
                found.append(Diagnostic.of(Code.PARSER_ERROR, f"apparmor_parser: {message}", *_line_span(index, source, number)))
            else:
                found.append(Diagnostic.of(Code.PARSER_ERROR, f"apparmor_parser: {file}:{number}: {message}", *first))
        elif warning is not None:
            file, number = warning["file"], warning["line"]
            span = _line_span(index, source, int(number)) if number and file in (name, "stdin") else first
            found.append(Diagnostic.of(Code.PARSER_WARNING, f"apparmor_parser: {warning['message']}", *span))
        else:
            unlocated_error = _UNLOCATED_ERROR.match(line)
            unlocated.append(unlocated_error["message"] if unlocated_error is not None else line)
    if run.status != 0 and unlocated and not any(d.code is Code.PARSER_ERROR for d in found):
        prefix = _PROFILE_PREFIX.match(unlocated[0])
        span = _profile_span(parsed, prefix["name"]) if prefix is not None else None
        found.append(Diagnostic.of(Code.PARSER_ERROR, "apparmor_parser: " + " / ".join(unlocated), *(span or first)))
    elif run.status != 0 and not found:
        message = f"apparmor_parser rejected the file (exit status {run.status}) without saying why"
        found.append(Diagnostic.of(Code.PARSER_ERROR, message, *first))
    return found

"""Diagnostics: every open document linted after each change, pushed or pulled.

After an open or a change, the document is linted in the background
(`Workspace.lint_steps`: incremental, one unit per step, with `asyncio.sleep(0)` between
steps so that requests and newer edits get in).  A newer edit cancels the lint of the older
version, and results are kept only for the version they were computed for, so a stale
result is never published after a newer one.

How results reach the client is decided once, from its capabilities: a client that can
pull diagnostics (`textDocument/diagnostic`) pulls them and gets no pushes (pushing too
would show each finding twice); any other client gets `textDocument/publishDiagnostics`
with the document's version.  When something other than the document changes what it
reports (settings, an included file), open documents are linted again and a pulling
client is asked to pull again (`workspace/diagnostic/refresh`).

Conversion to LSP: codes link to their section of the diagnostics docs
(`codeDescription`, setting `docsUrl`); related locations become `relatedInformation`
(in other files too); redundant and shadowed rules are tagged `Unnecessary`; each fix is
serialised into `Diagnostic.data` (`fix_data`), so that `textDocument/codeAction` can
rebuild its edits from the diagnostics the client sends back, without server state
(`read_fixes`).  With `parserCrossCheck.enabled`, apparmor_parser's findings
(`armorsmith.lsp.crosscheck`) are added for the version they were computed for.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types

from armorsmith.diagnostics import Applicability, Code, Diagnostic, Fix, Severity
from armorsmith.ide.workspace import OpenDocument
from armorsmith.syntax import LineIndex, PositionEncoding

from .convert import to_lsp_range
from .crosscheck import find_parser, parser_diagnostics, run_parser
from .server import ArmorsmithServer

__all__ = ["DataFix", "DiagnosticsService", "fix_data", "read_fixes", "register"]

_LOG = logging.getLogger(__name__)

SOURCE = "armorsmith"
"""The `source` of every diagnostic the server reports."""

SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}

UNNECESSARY = frozenset({Code.REDUNDANT_RULE, Code.SHADOWED_BY_DENY})
"""Codes of rules that change nothing, which editors show faded."""

PARSER_IDLE_SECONDS = 1.0
"""How long the document must stay unchanged before apparmor_parser checks it again."""


# Section - fixes carried in Diagnostic.data.


@dataclass(frozen=True, slots=True)
class DataFix:
    """A fix read back from `Diagnostic.data`: its title, its applicability and its edits."""

    title: str
    applicability: Applicability
    edits: tuple[types.TextEdit, ...]
    version: int | None
    """The version of the document the edits were computed for."""


def fix_data(fixes: Iterable[Fix], index: LineIndex, encoding: PositionEncoding, version: int) -> dict[str, Any] | None:
    """Serialise fixes for `Diagnostic.data`: LSP ranges in the negotiated encoding.

    The shape is `{"version": V, "fixes": [{"title", "applicability", "edits": [{"range",
    "newText"}]}]}`, or None when there is no fix.
    """
    serialised = [
        {
            "title": fix.title,
            "applicability": fix.applicability.value,
            "edits": [
                {"range": _range_json(to_lsp_range(index, edit.start, edit.end, encoding)), "newText": edit.new_text}
                for edit in fix.edits
            ],
        }
        for fix in fixes
    ]
    return {"version": version, "fixes": serialised} if serialised else None


def _range_json(range_: types.Range) -> dict[str, Any]:
    return {
        "start": {"line": range_.start.line, "character": range_.start.character},
        "end": {"line": range_.end.line, "character": range_.end.character},
    }


def _position(value: object) -> types.Position | None:
    if isinstance(value, dict):
        line, character = value.get("line"), value.get("character")
        if isinstance(line, int) and isinstance(character, int) and line >= 0 and character >= 0:
            return types.Position(line=line, character=character)
    return None


def read_fixes(diagnostic: types.Diagnostic) -> tuple[DataFix, ...]:
    """Return the fixes `fix_data` put into `diagnostic.data`; malformed data gives none.

    The client sends the data back as it received it, but nothing obliges it to: every
    field is checked, and a fix with any malformed part is left out.
    """
    data = diagnostic.data
    if not isinstance(data, dict) or not isinstance(data.get("fixes"), list):
        return ()
    version = data.get("version") if isinstance(data.get("version"), int) else None
    found = []
    for item in data["fixes"]:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not isinstance(item.get("edits"), list):
            continue
        try:
            applicability = Applicability(item.get("applicability"))
        except ValueError:
            continue
        edits = []
        for edit in item["edits"]:
            range_ = edit.get("range") if isinstance(edit, dict) else None
            start = _position(range_.get("start")) if isinstance(range_, dict) else None
            end = _position(range_.get("end")) if isinstance(range_, dict) else None
            text = edit.get("newText") if isinstance(edit, dict) else None
            if start is None or end is None or not isinstance(text, str):
                break
            edits.append(types.TextEdit(range=types.Range(start=start, end=end), new_text=text))
        else:
            found.append(DataFix(item["title"], applicability, tuple(edits), version))
    return tuple(found)


# Section - the service.


@dataclass
class _State:
    """What the service knows about one open document."""

    task: asyncio.Task[None] | None = None
    document: OpenDocument | None = None
    """The version `lint` was computed for."""
    lint: list[types.Diagnostic] | None = None
    generation: int = 0
    """Counts lint results, so that a result id changes when the findings may have."""
    parser_task: asyncio.Task[None] | None = None
    parser_document: OpenDocument | None = None
    parser: list[types.Diagnostic] = field(default_factory=list)
    published: int | None = None


class DiagnosticsService:
    """Lints open documents in the background and hands the results to the client."""

    def __init__(self, server: ArmorsmithServer) -> None:
        self._server = server
        self._states: dict[str, _State] = {}
        self._indexes: dict[str, tuple[bytes, LineIndex]] = {}
        self._parser_missing_reported = False

    @property
    def push(self) -> bool:
        """Whether results are pushed: the client cannot pull them."""
        try:
            text_document = self._server.client_capabilities.text_document
        except (AttributeError, RuntimeError):
            return True
        return text_document is None or text_document.diagnostic is None

    # Section - events.

    def changed(self, uri: str) -> None:
        """Lint `uri` again after it was opened or changed."""
        document = self._server.document(uri)
        if document is None:
            return
        state = self._states.setdefault(uri, _State())
        if state.task is not None and not state.task.done():
            state.task.cancel()
        state.task = asyncio.ensure_future(self._lint(uri, document))
        self._schedule_parser(uri, document, delay=PARSER_IDLE_SECONDS if state.parser_document is not None else 0.0)

    def saved(self, uri: str) -> None:
        """Check `uri` with apparmor_parser at once after a save."""
        document = self._server.document(uri)
        if document is not None:
            self._schedule_parser(uri, document, delay=0.0)

    def closed(self, uri: str) -> None:
        """Forget `uri`; a pushing client gets an empty list for it."""
        state = self._states.pop(uri, None)
        if state is not None:
            for task in (state.task, state.parser_task):
                if task is not None:
                    task.cancel()
        if self.push:
            self._server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def refresh(self) -> None:
        """Lint every open document again: something they read changed."""
        for document in self._server.host.documents():
            self.changed(self._server.uri(document.path))
        if not self.push:
            self.refresh_pull()

    # Section - linting.

    async def _lint(self, uri: str, document: OpenDocument) -> None:
        settings = self._server.settings
        if settings.debounce_ms:
            await asyncio.sleep(settings.debounce_ms / 1000)
        try:
            steps = self._server.host.lint_steps(document)
            while True:
                try:
                    next(steps)
                except StopIteration as done:
                    found: list[Diagnostic] = done.value
                    break
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - a bug must not stop diagnostics for good.
            _LOG.exception("linting %s failed", uri)
            detail = traceback.format_exc(limit=-1).strip().splitlines()[-1]
            found = [Diagnostic.of(Code.INTERNAL_ERROR, f"internal error while linting: {detail}; please report it", 0, 0)]
        if self._server.document(uri) is not document:
            return
        state = self._states.setdefault(uri, _State())
        state.document, state.lint = document, self.convert(found, document)
        state.generation += 1
        if self.push:
            self._publish(uri, state)

    def _publish(self, uri: str, state: _State) -> None:
        document = state.document
        if document is None or state.lint is None or self._server.document(uri) is not document:
            return
        if state.published is not None and document.version < state.published:
            return
        state.published = document.version
        params = types.PublishDiagnosticsParams(uri=uri, version=document.version, diagnostics=self._items(state))
        self._server.text_document_publish_diagnostics(params)

    @staticmethod
    def _items(state: _State) -> list[types.Diagnostic]:
        items = list(state.lint or ())
        if state.parser_document is state.document:
            items += state.parser
        return items

    async def current(self, uri: str) -> tuple[OpenDocument, list[types.Diagnostic], str] | None:
        """Wait for the diagnostics of the current version of `uri`: the document, them, a result id.

        None when `uri` is not open.  A lint already running for that version is awaited,
        not started again; when the document changes meanwhile, the newer version is
        waited for instead.
        """
        while True:
            document = self._server.document(uri)
            if document is None:
                return None
            state = self._states.setdefault(uri, _State())
            if state.document is document and state.lint is not None:
                return document, self._items(state), f"{document.version}:{state.generation}"
            if state.task is None or state.task.done():
                self.changed(uri)
            task = state.task
            assert task is not None
            try:
                await asyncio.shield(task)
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise

    # Section - the apparmor_parser cross-check.

    def _schedule_parser(self, uri: str, document: OpenDocument, *, delay: float) -> None:
        state = self._states.setdefault(uri, _State())
        if state.parser_task is not None and not state.parser_task.done():
            state.parser_task.cancel()
        state.parser_task = None
        if self._server.settings.cross_check.enabled and document.path.startswith("/"):
            state.parser_task = asyncio.ensure_future(self._run_parser(uri, document, delay))

    async def _run_parser(self, uri: str, document: OpenDocument, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        settings = self._server.settings.cross_check
        program = find_parser(settings)
        if program is None:
            if not self._parser_missing_reported:
                self._parser_missing_reported = True
                self._server.show_problem(
                    f"parserCrossCheck is enabled but '{settings.path}' cannot be found; install AppArmor's parser or set parserCrossCheck.path",
                    types.MessageType.Warning,
                )
            return
        host = self._server.host
        try:
            run = await run_parser(
                program, document.source, document.path, settings, search_dirs=host.search_dirs, base_dir=host.config.base_dir
            )
        except OSError as error:
            self._server.show_problem(f"cannot run {program}: {error}", types.MessageType.Warning)
            return
        if self._server.document(uri) is not document:
            return
        found = parser_diagnostics(run, document.path, document.parse, settings.timeout)
        state = self._states.setdefault(uri, _State())
        state.parser_document, state.parser = document, self.convert(found, document)
        state.generation += 1
        if self.push:
            self._publish(uri, state)
        else:
            self.refresh_pull()

    def refresh_pull(self) -> None:
        """Ask a pulling client to pull again, when it can be asked."""
        workspace = self._server.client_capabilities.workspace
        diagnostics = workspace.diagnostics if workspace is not None else None
        if diagnostics is not None and diagnostics.refresh_support:
            self._server.workspace_diagnostic_refresh(None)

    # Section - conversion.

    def convert(self, found: Iterable[Diagnostic], document: OpenDocument) -> list[types.Diagnostic]:
        """Convert diagnostics of `document` to LSP."""
        encoding = self._server.encoding
        docs = self._server.settings.docs_url
        uri = self._server.uri(document.path)
        links: dict[Code, types.CodeDescription | None] = {}
        converted = []
        for diagnostic in found:
            related = []
            for item in diagnostic.related:
                where = document.path if item.path is None else item.path
                index = document.index if where == document.path else self._index_of(where)
                if index is None:
                    continue
                related.append(
                    types.DiagnosticRelatedInformation(
                        location=types.Location(
                            uri=uri if where == document.path else self._server.uri(where),
                            range=to_lsp_range(index, item.start, item.end, encoding),
                        ),
                        message=item.message,
                    )
                )
            code = diagnostic.code.value
            if diagnostic.code not in links:
                links[diagnostic.code] = types.CodeDescription(href=f"{docs}#{code}") if docs else None
            converted.append(
                types.Diagnostic(
                    range=to_lsp_range(document.index, diagnostic.start, diagnostic.end, encoding),
                    message=diagnostic.message,
                    severity=SEVERITIES[diagnostic.severity],
                    code=code,
                    code_description=links[diagnostic.code],
                    source=SOURCE,
                    related_information=related or None,
                    tags=[types.DiagnosticTag.Unnecessary] if diagnostic.code in UNNECESSARY else None,
                    data=fix_data(diagnostic.fixes, document.index, encoding, document.version),
                )
            )
        return converted

    def _index_of(self, path: str) -> LineIndex | None:
        """Return the line index of another document, open or read through the include cache."""
        host = self._server.host
        open_document = host.document(path)
        if open_document is not None:
            return open_document.index
        document = host.cache.document(path)
        if document is None:
            return None
        cached = self._indexes.get(path)
        if cached is None or cached[0] is not document.source:
            cached = self._indexes[path] = (document.source, LineIndex(document.source))
        return cached[1]


def register(server: ArmorsmithServer) -> DiagnosticsService:
    """Register the diagnostics handlers on `server` and return the service."""
    service = DiagnosticsService(server)
    server.on_change(service.changed)
    server.on_close(service.closed)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: types.DidSaveTextDocumentParams) -> None:
        service.saved(params.text_document.uri)

    options = types.DiagnosticOptions(inter_file_dependencies=True, workspace_diagnostics=False, identifier=SOURCE)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, options)
    async def pull(params: types.DocumentDiagnosticParams) -> types.DocumentDiagnosticReport:
        result = await service.current(params.text_document.uri)
        if result is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        _, items, result_id = result
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    return service

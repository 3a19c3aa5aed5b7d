"""The workspace side of the server: settings, folders, files changed on disk, the index.

- At `initialized`, the settings are read (`workspace/configuration`, section
  `armorsmith`, or `initializationOptions` for clients without it), applied to the
  analysis host (include paths, base directory), and every problem with them is shown
  once with `window/showMessage`; bad settings fall back to their defaults.  They are read
  again on `workspace/didChangeConfiguration`.
- The server asks to be told about every file change under the workspace folders and the
  include paths (`workspace/didChangeWatchedFiles`, registered dynamically when the
  client can), and passes them to the host, which drops what read those files and
  re-indexes them; open documents are then linted again.
- The workspace is indexed in the background (`Workspace.scan_steps`), one file per step
  with `asyncio.sleep(0)` between steps so that no request waits for the scan, under a
  `$/progress` work-done report the user can cancel.  A new scan (settings or folders
  changed) replaces a running one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import posixpath
import time
import uuid
from collections.abc import Iterator
from typing import Any

from lsprotocol import types

from armorsmith.resolve import DiskFileSystem

from .convert import path_to_uri, uri_to_path
from .diagnostics import DiagnosticsService
from .server import ArmorsmithServer
from .settings import Settings, read_settings

__all__ = ["WorkspaceService", "register"]

_LOG = logging.getLogger(__name__)

SECTION = "armorsmith"
"""The configuration section the settings live in."""

REPORT_EVERY = 0.2
"""Seconds between two progress reports of a scan."""


class WorkspaceService:
    """Keeps the analysis host in step with the client's settings, folders and files."""

    def __init__(self, server: ArmorsmithServer, diagnostics: DiagnosticsService) -> None:
        self._server = server
        self._diagnostics = diagnostics
        self._initialization_options: Any = None
        self._folders: list[str] = []
        self._readable: tuple[str, ...] = ()
        """The directories the server's file system may read (see `_apply`)."""
        self._scan: asyncio.Task[None] | None = None
        self.scans = 0
        """How many scans ran to the end (for tests and the benchmark)."""
        self._registration: str | None = None
        self._reindexing: list[asyncio.Task[None]] = []

    # Section - lifecycle.

    def initialize(self, params: types.InitializeParams) -> None:
        """Note the workspace folders and the initialization options."""
        self._initialization_options = params.initialization_options
        folders = [folder.uri for folder in params.workspace_folders or ()]
        if not folders and params.root_uri:
            folders = [params.root_uri]
        elif not folders and params.root_path:
            folders = [path_to_uri(params.root_path)]
        self._folders = [uri_to_path(uri) for uri in folders if uri.startswith("file:")]

    async def initialized(self) -> None:
        """Read the settings, apply them, watch files and index the workspace."""
        await self.reload_settings(initial=True)
        await self._watch_files()

    async def reload_settings(self, *, initial: bool = False, pushed: Any = None) -> None:
        """Read the settings again and apply what changed."""
        raw = await self._fetch_settings(pushed)
        settings, problems = read_settings(raw, docs_url=self._server.default_docs_url)
        if problems:
            self._server.show_problem("; ".join(problems))
        previous = self._server.settings
        self._server.settings = settings
        changed = self._apply(settings)
        if initial or changed or (previous.index_enabled, previous.index_max_files) != (settings.index_enabled, settings.index_max_files):
            self.start_scan()
        if changed or previous.cross_check != settings.cross_check or previous.docs_url != settings.docs_url:
            self._diagnostics.refresh()

    async def _fetch_settings(self, pushed: Any) -> Any:
        """Return the client's `armorsmith` settings object, or None when it has none."""
        workspace = self._server.client_capabilities.workspace
        if workspace is not None and workspace.configuration:
            try:
                result = await self._server.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                )
                return result[0] if result else None
            except Exception as error:  # noqa: BLE001 - a client's failure must not stop the server.
                self._server.show_problem(f"cannot read the settings ({error}); using the defaults")
                return None
        source = pushed if pushed is not None else self._initialization_options
        if isinstance(source, dict) and isinstance(source.get(SECTION), dict):
            return source[SECTION]
        return source

    def _apply(self, settings: Settings) -> bool:
        """Apply the include paths and base directory; return whether they changed."""
        root = self._folders[0] if self._folders else os.getcwd()
        search_dirs = tuple(posixpath.normpath(posixpath.join(root, path)) for path in settings.include_paths)
        base_dir = posixpath.normpath(posixpath.join(root, settings.base_dir)) if settings.base_dir else root
        host = self._server.host
        host.roots = tuple(self._folders)
        # Nothing outside the workspace folders, the include paths and the base directory
        # is ever read (open documents are read from their buffers).
        readable = (*self._folders, *search_dirs, base_dir)
        rooted = readable != self._readable
        if rooted:
            self._readable = readable
            host.use_file_system(DiskFileSystem(readable))
        return host.configure(search_dirs=search_dirs, base_dir=base_dir) or rooted

    def folders_changed(self, event: types.WorkspaceFoldersChangeEvent) -> None:
        """Follow added and removed workspace folders, and index again."""
        removed = {uri_to_path(folder.uri) for folder in event.removed}
        self._folders = [folder for folder in self._folders if folder not in removed]
        self._folders += [uri_to_path(folder.uri) for folder in event.added if folder.uri.startswith("file:")]
        self._apply(self._server.settings)
        self.start_scan()

    # Section - files changed on disk.

    async def _watch_files(self) -> None:
        """Ask the client to report changes of every file, when it accepts registrations."""
        workspace = self._server.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        watchers = [types.FileSystemWatcher(glob_pattern="**/*")]
        if watched.relative_pattern_support:
            for directory in self._server.host.search_dirs:
                watchers.append(
                    types.FileSystemWatcher(glob_pattern=types.RelativePattern(base_uri=path_to_uri(directory), pattern="**/*"))
                )
        self._registration = str(uuid.uuid4())
        registration = types.Registration(
            id=self._registration,
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            await self._server.client_register_capability_async(types.RegistrationParams(registrations=[registration]))
        except Exception as error:  # noqa: BLE001 - without watching, the server still works.
            _LOG.warning("the client refused to watch files: %s", error)

    def files_changed(self, params: types.DidChangeWatchedFilesParams) -> None:
        """Pass changed, created and deleted files to the host, then lint open documents again."""
        kinds: dict[types.FileChangeType, list[str]] = {kind: [] for kind in types.FileChangeType}
        for change in params.changes:
            if change.uri.startswith("file:"):
                kinds[change.type].append(uri_to_path(change.uri))
        steps = self._server.host.files_changed(
            kinds[types.FileChangeType.Changed],
            created=kinds[types.FileChangeType.Created],
            deleted=kinds[types.FileChangeType.Deleted],
        )
        self._diagnostics.refresh()
        self._reindexing.append(asyncio.ensure_future(self._run_steps(steps)))
        self._reindexing = [task for task in self._reindexing if not task.done()]

    @staticmethod
    async def _run_steps(steps: Iterator[object]) -> None:
        """Re-index changed files one at a time, letting requests in between."""
        for _ in steps:
            await asyncio.sleep(0)

    # Section - the background index.

    def start_scan(self) -> None:
        """Index the workspace again in the background, replacing a running scan."""
        if self._scan is not None and not self._scan.done():
            self._scan.cancel()
        if self._server.settings.index_enabled:
            self._scan = asyncio.ensure_future(self._run_scan())
        else:
            self._server.host.index.clear()

    async def _run_scan(self) -> None:
        window = self._server.client_capabilities.window
        token: str | None = None
        if window is not None and window.work_done_progress:
            token = f"armorsmith-index-{uuid.uuid4()}"
            try:
                await self._server.work_done_progress.create_async(token)
            except Exception as error:  # noqa: BLE001 - the scan goes on without a progress report.
                _LOG.warning("the client refused a progress report: %s", error)
                token = None
        progress = self._server.work_done_progress
        if token is not None:
            progress.begin(token, types.WorkDoneProgressBegin(title="armorsmith: indexing", cancellable=True, message="looking for policy files", percentage=0))
        started = last = time.monotonic()
        message = "cancelled"
        try:
            for step in self._server.host.scan_steps(limit=self._server.settings.index_max_files):
                if token is not None and progress.tokens.get(token) is not None and progress.tokens[token].cancelled():
                    return
                now = time.monotonic()
                if token is not None and now - last >= REPORT_EVERY:
                    last = now
                    percentage = 100 * step.done // step.total if step.total else 0
                    text = f"{step.done}/{step.total} files" if step.total else "looking for policy files"
                    progress.report(token, types.WorkDoneProgressReport(message=text, percentage=percentage))
                await asyncio.sleep(0)
            self.scans += 1
            indexed = len(self._server.host.index)
            message = f"{indexed} files indexed in {time.monotonic() - started:.1f} s"
            _LOG.info("%s", message)
        finally:
            if token is not None:
                progress.end(token, types.WorkDoneProgressEnd(message=message))


def register(server: ArmorsmithServer, diagnostics: DiagnosticsService) -> WorkspaceService:
    """Register the workspace handlers on `server` and return the service."""
    service = WorkspaceService(server, diagnostics)

    @server.feature(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        service.initialize(params)

    @server.feature(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        await service.initialized()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration_changed(params: types.DidChangeConfigurationParams) -> None:
        await service.reload_settings(pushed=params.settings)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        service.files_changed(params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(params: types.DidChangeWorkspaceFoldersParams) -> None:
        service.folders_changed(params.event)

    return service

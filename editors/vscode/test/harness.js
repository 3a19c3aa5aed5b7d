// A stand-in for the `vscode` module and `vscode-languageclient/node`, and the fake
// programs the extension finds, so that activation runs under `node --test`.
//
// `load(options)` returns a fresh copy of the bundled extension (out/extension.js, built
// by `npm run build:test` with both modules left external) wired to a new fake VS Code:
// `vscode` records what the extension asks of the editor and answers from `options`;
// every LanguageClient the extension makes is in `clients`.  `fakePrograms()` writes
// shell scripts that answer like `armorsmith` and `python3` into a temporary directory.

"use strict";

const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");

const BUNDLE = path.join(__dirname, "..", "out", "extension.js");

class Emitter {
  constructor() {
    this.listeners = [];
  }
  event = (listener) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((item) => item !== listener)) };
  };
  async fire(value) {
    for (const listener of [...this.listeners]) {
      await listener(value);
    }
  }
}

/** A text document at `file` in `languageId`. */
function textDocument(file, languageId, text = "") {
  return {
    uri: { scheme: "file", fsPath: file, toString: () => `file://${file}` },
    languageId,
    getText: (range) => (range === undefined ? text : text.slice(range.startOffset, range.endOffset)),
  };
}

/** An editor of `document` whose selection covers text [start, end) of a one-line document. */
function textEditor(document, start = 0, end = 0) {
  return {
    document,
    selection: {
      isEmpty: start === end,
      start: { line: 0, character: start },
      end: { line: 0, character: end },
      startOffset: start,
      endOffset: end,
    },
  };
}

/**
 * Make a fake `vscode`.  `options.settings` are the `armorsmith.*` settings;
 * `options.answers` the buttons or items the user picks, in order, for messages and
 * quick picks; `options.documents` the open documents; `options.clipboard` its text.
 */
function fakeVscode(options, state) {
  const settings = { ...(options.settings ?? {}) };
  const answers = [...(options.answers ?? [])];
  const commands = new Map();
  const opened = new Emitter();
  const configChanged = new Emitter();
  const message = (kind) => async (text, ...items) => {
    state.messages.push({ kind, text, items });
    return answers.shift();
  };
  const vscode = {
    ViewColumn: { Beside: -2 },
    LanguageStatusSeverity: { Information: 0, Warning: 1, Error: 2 },
    ConfigurationTarget: { Global: 1 },
    ProgressLocation: { Notification: 15 },
    window: {
      activeTextEditor: options.activeEditor,
      createOutputChannel: (name) => {
        const channel = { name, lines: [], shown: false };
        for (const level of ["info", "warn", "error", "debug", "trace", "appendLine"]) {
          channel[level] = (line) => channel.lines.push(`${level}: ${line}`);
        }
        channel.show = () => (channel.shown = true);
        channel.dispose = () => undefined;
        state.output = channel;
        return channel;
      },
      showErrorMessage: message("error"),
      showInformationMessage: message("info"),
      showWarningMessage: message("warning"),
      setStatusBarMessage: (text) => state.messages.push({ kind: "status", text, items: [] }),
      showQuickPick: async (items) => {
        state.quickPicks.push(items);
        const wanted = answers.shift();
        return items.find((item) => item.label === wanted || item.description === wanted);
      },
      showOpenDialog: async () => {
        const answer = answers.shift();
        return answer === undefined ? undefined : [{ fsPath: answer }];
      },
      withProgress: async (_options, task) => task({ report: () => undefined }, { isCancellationRequested: false }),
      createWebviewPanel: (viewType, title, showOptions, panelOptions) => {
        const disposed = new Emitter();
        const panel = {
          viewType,
          title,
          showOptions,
          panelOptions,
          revealed: 0,
          webview: { html: "", cspSource: "vscode-webview://fake" },
          reveal: () => (panel.revealed += 1),
          onDidDispose: disposed.event,
          dispose: () => disposed.fire(),
        };
        state.panels.push(panel);
        return panel;
      },
    },
    workspace: {
      workspaceFolders: options.folders?.map((folder) => ({ uri: { fsPath: folder } })),
      textDocuments: [...(options.documents ?? [])],
      getConfiguration: (section) => ({
        get: (key, fallback) => (`${section}.${key}` in settings ? settings[`${section}.${key}`] : fallback),
        update: async (key, value, target) => {
          state.updates.push({ key: `${section}.${key}`, value, target });
          settings[`${section}.${key}`] = value;
        },
      }),
      onDidOpenTextDocument: opened.event,
      onDidChangeConfiguration: configChanged.event,
      applyEdit: async (edit) => {
        state.appliedEdits.push(edit);
        return options.applyEdit ?? true;
      },
    },
    languages: {
      createLanguageStatusItem: (id, selector) => {
        const item = { id, selector, text: "", dispose: () => undefined };
        state.statusItems.push(item);
        return item;
      },
      setTextDocumentLanguage: async (document, languageId) => {
        state.languageChanges.push({ file: document.uri.fsPath, languageId });
        return { ...document, languageId };
      },
    },
    commands: {
      registerCommand: (id, handler) => {
        commands.set(id, handler);
        return { dispose: () => commands.delete(id) };
      },
      executeCommand: async (id, ...args) => {
        state.executed.push({ id, args });
        return commands.has(id) ? commands.get(id)(...args) : undefined;
      },
    },
    env: { clipboard: { readText: async () => options.clipboard ?? "" } },
  };
  return {
    vscode,
    commands,
    /** Tell the extension that `document` was opened. */
    open: (document) => {
      vscode.workspace.textDocuments.push(document);
      return opened.fire(document);
    },
    /** Tell the extension that the settings under `prefix` changed. */
    changeSettings: (changes) => {
      Object.assign(settings, changes);
      return configChanged.fire({ affectsConfiguration: (name) => Object.keys(changes).some((key) => key === name || key.startsWith(`${name}.`)) });
    },
  };
}

/** Make a fake `vscode-languageclient/node` whose clients follow `options.client`. */
function fakeLanguageClient(options, state) {
  const behaviour = options.client ?? {};
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: false, disposed: false, requests: [] });
      this.protocol2CodeConverter = { asWorkspaceEdit: async (edit) => ({ converted: edit }) };
      state.clients.push(this);
    }
    async start() {
      if (behaviour.startError !== undefined) {
        throw new Error(behaviour.startError);
      }
      this.started = true;
      this.initializeResult = {
        serverInfo: { name: "armorsmith", version: "9.9.9" },
        capabilities: { executeCommandProvider: { commands: behaviour.commands ?? ["armorsmith.server.explainDenials", "armorsmith.server.rulesFromDenials"] } },
      };
    }
    async dispose() {
      this.disposed = true;
    }
    async sendRequest(type, params) {
      this.requests.push({ method: type.method, params });
      return behaviour.respond?.(params);
    }
  }
  return {
    LanguageClient,
    ExecuteCommandRequest: { type: { method: "workspace/executeCommand" } },
    RevealOutputChannelOn: { Info: 1, Warn: 2, Error: 3, Never: 4 },
  };
}

/** Load a fresh copy of the extension against new fakes; see the module comment. */
function load(options = {}) {
  const state = {
    clients: [],
    messages: [],
    quickPicks: [],
    panels: [],
    updates: [],
    appliedEdits: [],
    statusItems: [],
    languageChanges: [],
    executed: [],
    output: undefined,
  };
  const fake = fakeVscode(options, state);
  const client = fakeLanguageClient(options, state);
  const originalLoad = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === "vscode") {
      return fake.vscode;
    }
    if (request === "vscode-languageclient/node") {
      return client;
    }
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[require.resolve(BUNDLE)];
    const extension = require(BUNDLE);
    const storage = options.storage ?? fs.mkdtempSync(path.join(os.tmpdir(), "armorsmith-storage-"));
    const context = { subscriptions: [], globalStorageUri: { fsPath: storage } };
    return { extension, context, state, fake };
  } finally {
    Module._load = originalLoad;
  }
}

/**
 * Write fake `armorsmith` and `python3` programs into a new directory, and return it.
 * `python3 -m armorsmith --version` works when `pythonHasArmorsmith`; `-m pip` and
 * `-m venv` append their arguments to `calls.log`, and `-m venv DIR` makes DIR/bin/python a
 * copy of the fake python3 with armorsmith.  Only shell built-ins and absolute paths are
 * used, so PATH can be the directory alone.
 */
function fakePrograms({ armorsmith = true, python = true, pythonHasArmorsmith = false } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "armorsmith-bin-"));
  const log = path.join(dir, "calls.log");
  const write = (name, body) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return file;
  };
  if (armorsmith) {
    write("armorsmith", `if [ "$1" = "--version" ]; then echo "armorsmith 9.9.9"; exit 0; fi\nexit 3`);
  }
  if (python) {
    const pythonBody = (hasArmorsmith) => `
if [ "$1" = "-c" ]; then echo 3; exit 0; fi
if [ "$1 $2 $3" = "-m armorsmith --version" ]; then
  ${hasArmorsmith ? 'echo "armorsmith 9.9.9"; exit 0' : 'echo "$0: No module named armorsmith" >&2; exit 1'}
fi
if [ "$1 $2" = "-m pip" ]; then echo "$0 $*" >> "${log}"; echo "Successfully installed armorsmith"; exit 0; fi
if [ "$1 $2" = "-m venv" ]; then
  echo "$0 $*" >> "${log}"
  /bin/mkdir -p "$3/bin" && /bin/cp "${path.join(dir, "python-with-armorsmith")}" "$3/bin/python"; exit $?
fi
exit 2`;
    write("python3", pythonBody(pythonHasArmorsmith));
    write("python-with-armorsmith", pythonBody(true));
  }
  return { dir, log, env: { PATH: dir } };
}

/** Wait until `predicate()` holds (the extension starts the server without awaiting it). */
async function until(predicate, what, timeoutMs = 5000) {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

module.exports = { fakePrograms, load, textDocument, textEditor, until };

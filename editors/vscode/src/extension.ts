// The armorsmith extension: the `apparmor` language, and the armorsmith language server.
//
// Everything AppArmor-specific lives in the server (`armorsmith serve`): diagnostics,
// hovers, completion, formatting, code actions, and the two denial commands, which call
// the server's `workspace/executeCommand`.  This file only finds and runs the server
// (locate.ts), claims policy fragments VS Code does not recognise (detect.ts), shows the
// explanations the server returns (explainView.ts), and offers to install the server.
// The server starts when the first AppArmor document is open, not at activation.

import { promises as fs } from "node:fs";

import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  type LanguageClientOptions,
  RevealOutputChannelOn,
  type ServerOptions,
  type WorkspaceEdit,
} from "vscode-languageclient/node";

import { isPolicyFragment, notPolicyLanguage, PLAIN_TEXT } from "./detect";
import { type Explanation, renderExplanations } from "./explainView";
import { findOnPath, type Located, locateServer, managedEnvironment, managedPython, type NotFound, run } from "./locate";

/** The language id, the settings section and the client id. */
export const LANGUAGE = "apparmor";
const SECTION = "armorsmith";

/** The commands this extension contributes. */
export const COMMANDS = {
  explain: "armorsmith.explainDenials",
  insert: "armorsmith.insertRulesFromDenials",
  restart: "armorsmith.restartServer",
  install: "armorsmith.installServer",
} as const;

/**
 * The server's commands (`workspace/executeCommand`).  Their ids differ from the
 * extension's own, since the language client registers every server command in VS Code.
 */
export const SERVER_COMMANDS = {
  explain: "armorsmith.server.explainDenials",
  rules: "armorsmith.server.rulesFromDenials",
} as const;

/** How long `pip install` may take. */
const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;

/** The package `pip install` installs. */
const PACKAGE = "armorsmith";

/** What `armorsmith.server.rulesFromDenials` returns. */
interface RulesResult {
  edit: WorkspaceEdit | null;
  message: string;
}

function workspaceBase(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** Runs the language client: started on demand, restarted on request or when its settings change. */
export class ServerController implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  /** Set after a failed start, so that opening more documents does not ask again. */
  private failed = false;
  private readonly status: vscode.LanguageStatusItem;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {
    this.status = vscode.languages.createLanguageStatusItem("armorsmith.server", { language: LANGUAGE });
    this.status.name = "armorsmith";
    this.setStatus("starting", vscode.LanguageStatusSeverity.Information);
  }

  private setStatus(text: string, severity: vscode.LanguageStatusSeverity, command?: vscode.Command): void {
    this.status.text = `armorsmith: ${text}`;
    this.status.severity = severity;
    this.status.command = command;
  }

  /** The running client, starting it when no start failed since the last restart. */
  async ensureStarted(options: { retry?: boolean } = {}): Promise<LanguageClient | undefined> {
    if (this.client !== undefined) {
      return this.client;
    }
    if (this.failed && options.retry !== true) {
      return undefined;
    }
    if (this.starting === undefined) {
      this.starting = this.start().finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async start(): Promise<LanguageClient | undefined> {
    const config = vscode.workspace.getConfiguration(SECTION);
    const settings = { path: config.get<string>("server.path", ""), pythonPath: config.get<string>("server.pythonPath", "") };
    const storageDir = this.context.globalStorageUri.fsPath;
    const location = await locateServer(settings, workspaceBase(), storageDir);
    if (!location.found) {
      this.failed = true;
      this.setStatus("not found", vscode.LanguageStatusSeverity.Error, { title: "Install", command: COMMANDS.install });
      for (const reason of location.reasons) {
        this.output.warn(reason);
      }
      void this.reportMissing(location);
      return undefined;
    }
    const args = [...location.prefix, "serve", "--log-level", config.get<string>("server.logLevel", "warning")];
    this.output.info(`starting the language server: ${[location.command, ...args].join(" ")} (found through ${location.origin})`);
    // The server runs in the storage directory, as every program here does (see locate.ts);
    // it takes the workspace folders from `initialize`.
    const serverOptions: ServerOptions = { command: location.command, args, options: { cwd: storageDir } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: "file", language: LANGUAGE }],
      synchronize: { configurationSection: SECTION },
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    };
    const client = new LanguageClient(SECTION, "armorsmith", serverOptions, clientOptions);
    try {
      await client.start();
    } catch (error) {
      this.failed = true;
      this.setStatus("failed to start", vscode.LanguageStatusSeverity.Error, { title: "Restart", command: COMMANDS.restart });
      void client.dispose().catch(() => undefined);
      void this.reportBroken(location, error);
      return undefined;
    }
    this.failed = false;
    this.client = client;
    const version = client.initializeResult?.serverInfo?.version;
    this.setStatus(version !== undefined ? `server ${version}` : "server running", vscode.LanguageStatusSeverity.Information, {
      title: "Restart",
      command: COMMANDS.restart,
    });
    return client;
  }

  private async reportMissing(location: NotFound): Promise<void> {
    const install = "Install armorsmith…";
    const settings = "Open settings";
    const details = location.reasons.join("; ");
    const message =
      location.setting !== undefined
        ? `armorsmith: the AppArmor language server cannot run: ${details}.`
        : `armorsmith: the AppArmor language server was not found (${details}). Install it with pip, or set armorsmith.server.path.`;
    const choice = await vscode.window.showErrorMessage(message, install, settings);
    if (choice === install) {
      await vscode.commands.executeCommand(COMMANDS.install, location.python);
    } else if (choice === settings) {
      await vscode.commands.executeCommand("workbench.action.openSettings", "armorsmith.server");
    }
  }

  private async reportBroken(location: Located, error: unknown): Promise<void> {
    const output = "Show output";
    const install = "Reinstall armorsmith…";
    const reason = error instanceof Error ? error.message : String(error);
    const choice = await vscode.window.showErrorMessage(
      `armorsmith: the AppArmor language server (${location.command}) stopped while starting: ${reason}. Its error output is in the armorsmith output.`,
      output,
      install,
    );
    if (choice === output) {
      this.output.show(true);
    } else if (choice === install) {
      await vscode.commands.executeCommand(COMMANDS.install, location.python);
    }
  }

  /** Whether the server runs, is starting, or was asked for and failed. */
  get active(): boolean {
    return this.client !== undefined || this.starting !== undefined || this.failed;
  }

  /** Stop the client, if one runs. */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) {
      try {
        await client.dispose(2000);
      } catch (error) {
        this.output.warn(`the language server did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Stop the client and start it again, finding the server anew. */
  async restart(): Promise<LanguageClient | undefined> {
    if (this.starting !== undefined) {
      await this.starting;
    }
    await this.stop();
    this.setStatus("starting", vscode.LanguageStatusSeverity.Information);
    return this.ensureStarted({ retry: true });
  }

  /** Run a server command; undefined (after telling the user) when it cannot run. */
  async execute<T>(command: string, args: unknown[]): Promise<T | undefined> {
    const client = await this.ensureStarted({ retry: true });
    if (client === undefined) {
      return undefined;
    }
    const offered = client.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
    if (!offered.includes(command)) {
      void vscode.window.showErrorMessage(`armorsmith: this version of the language server has no command ${command}; update armorsmith.`);
      return undefined;
    }
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
  }

  /** Convert a workspace edit the server sent. */
  async asWorkspaceEdit(edit: WorkspaceEdit): Promise<vscode.WorkspaceEdit | undefined> {
    return this.client?.protocol2CodeConverter.asWorkspaceEdit(edit);
  }

  dispose(): void {
    this.status.dispose();
  }
}

/** The text the denial commands read: the selection, else the clipboard. */
async function denialText(editor: vscode.TextEditor | undefined): Promise<{ text: string; selection?: vscode.Selection }> {
  if (editor !== undefined && !editor.selection.isEmpty) {
    return { text: editor.document.getText(editor.selection), selection: editor.selection };
  }
  return { text: await vscode.env.clipboard.readText() };
}

/** The panel explanations are shown in, reused while open. */
let explanationPanel: vscode.WebviewPanel | undefined;

async function explainDenials(controller: ServerController): Promise<void> {
  const { text } = await denialText(vscode.window.activeTextEditor);
  if (text.trim() === "") {
    void vscode.window.showInformationMessage("armorsmith: select AppArmor log lines, or copy them to the clipboard, then run “Explain AppArmor denials” again.");
    return;
  }
  const explanations = await controller.execute<Explanation[]>(SERVER_COMMANDS.explain, [{ text }]);
  if (explanations === undefined) {
    return;
  }
  if (explanationPanel === undefined) {
    explanationPanel = vscode.window.createWebviewPanel(
      "armorsmith.explanation",
      "AppArmor denials",
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: false, enableFindWidget: true },
    );
    explanationPanel.onDidDispose(() => {
      explanationPanel = undefined;
    });
  } else {
    explanationPanel.reveal(vscode.ViewColumn.Beside, true);
  }
  explanationPanel.webview.html = renderExplanations(explanations, explanationPanel.webview.cspSource);
}

async function insertRulesFromDenials(controller: ServerController): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== LANGUAGE) {
    void vscode.window.showInformationMessage("armorsmith: open the AppArmor profile the rules are for, then run “Insert rules from denials” again.");
    return;
  }
  const { text, selection } = await denialText(editor);
  if (text.trim() === "") {
    void vscode.window.showInformationMessage("armorsmith: copy AppArmor log lines to the clipboard (or select them in the profile), then run “Insert rules from denials” again.");
    return;
  }
  const argument: Record<string, unknown> = { uri: editor.document.uri.toString(), text };
  if (selection !== undefined) {
    argument.range = {
      start: { line: selection.start.line, character: selection.start.character },
      end: { line: selection.end.line, character: selection.end.character },
    };
  }
  const result = await controller.execute<RulesResult>(SERVER_COMMANDS.rules, [argument]);
  if (result === undefined) {
    return;
  }
  if (result.edit === null) {
    void vscode.window.showInformationMessage(`armorsmith: ${result.message}`);
    return;
  }
  const edit = await controller.asWorkspaceEdit(result.edit);
  if (edit === undefined || !(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage("armorsmith: the rules could not be inserted (the document changed meanwhile?); run the command again.");
    return;
  }
  vscode.window.setStatusBarMessage(`armorsmith: ${result.message}`, 5000);
}

/** A choice of where to install armorsmith. */
interface InstallTarget extends vscode.QuickPickItem {
  python?: string;
  managed?: boolean;
  browse?: boolean;
}

async function installTargets(preferred: string | undefined, storageDir: string): Promise<InstallTarget[]> {
  const targets: InstallTarget[] = [
    {
      label: "New environment for armorsmith",
      description: "recommended",
      detail: `A virtual environment kept by this extension (${managedPython(storageDir)}).`,
      managed: true,
    },
  ];
  const seen = new Set<string>();
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>("server.pythonPath", "");
  for (const candidate of [preferred, configured, await findOnPath("python3"), await findOnPath("python")]) {
    if (candidate === undefined || candidate === "" || seen.has(candidate) || candidate === managedPython(storageDir)) {
      continue;
    }
    seen.add(candidate);
    targets.push({ label: candidate, detail: `pip install ${PACKAGE} for this interpreter`, python: candidate });
  }
  targets.push({ label: "Choose an interpreter…", browse: true });
  return targets;
}

async function pipInstall(python: string, storageDir: string, output: vscode.LogOutputChannel): Promise<string | undefined> {
  const args = ["-m", "pip", "install", "--upgrade", PACKAGE];
  output.info(`running: ${python} ${args.join(" ")}`);
  const result = await run(python, args, storageDir, INSTALL_TIMEOUT_MS);
  output.info(result.stdout);
  if (result.stderr !== "") {
    output.warn(result.stderr);
  }
  if (result.error !== undefined) {
    return result.error;
  }
  if (result.code !== 0) {
    const lines = result.stderr.trim().split("\n");
    return lines[lines.length - 1] || `pip exited with status ${result.code}`;
  }
  return undefined;
}

async function installServer(controller: ServerController, storageDir: string, preferred?: string): Promise<void> {
  const target = await vscode.window.showQuickPick(await installTargets(preferred, storageDir), {
    title: "Install the armorsmith language server",
    placeHolder: "Where should pip install armorsmith?",
  });
  if (target === undefined) {
    return;
  }
  let python = target.python;
  if (target.browse === true) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: "Use this interpreter", title: "A Python interpreter (3.10 or later)" });
    if (picked === undefined || picked.length === 0) {
      return;
    }
    python = picked[0].fsPath;
  }
  const problem = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "armorsmith: installing the language server…" },
    async (): Promise<string | undefined> => {
      await fs.mkdir(storageDir, { recursive: true });
      if (target.managed === true) {
        const base = await findOnPath("python3");
        if (base === undefined) {
          return "there is no python3 on PATH to create the environment with";
        }
        const venv = managedEnvironment(storageDir);
        controller.output.info(`running: ${base} -m venv ${venv}`);
        const created = await run(base, ["-m", "venv", venv], storageDir, INSTALL_TIMEOUT_MS);
        if (created.code !== 0) {
          controller.output.warn(created.stderr);
          return created.error ?? (created.stderr.trim().split("\n").pop() || "python3 -m venv failed");
        }
        python = managedPython(storageDir);
      }
      return pipInstall(python as string, storageDir, controller.output);
    },
  );
  if (problem !== undefined) {
    const output = "Show output";
    const choice = await vscode.window.showErrorMessage(`armorsmith: installing armorsmith with ${python} failed: ${problem}`, output);
    if (choice === output) {
      controller.output.show(true);
    }
    return;
  }
  if (target.managed !== true) {
    await vscode.workspace.getConfiguration(SECTION).update("server.pythonPath", python, vscode.ConfigurationTarget.Global);
  }
  void vscode.window.showInformationMessage(`armorsmith: installed armorsmith for ${python}.`);
  await controller.restart();
}

/** The documents whose language was set here once: the user's own choice is never undone. */
const relabelled = new Set<string>();

/**
 * Give the `apparmor` language to policy fragments VS Code opened as plain text, and take
 * it from the README and dotfiles of policy directories; return whether the document
 * is (still) an AppArmor document.
 */
async function relabel(document: vscode.TextDocument): Promise<boolean> {
  const key = document.uri.toString();
  if (document.uri.scheme !== "file" || relabelled.has(key)) {
    return document.languageId === LANGUAGE;
  }
  if (document.languageId === PLAIN_TEXT && isPolicyFragment(document.uri.fsPath)) {
    relabelled.add(key);
    await vscode.languages.setTextDocumentLanguage(document, LANGUAGE);
    return true;
  }
  const other = document.languageId === LANGUAGE ? notPolicyLanguage(document.uri.fsPath) : undefined;
  if (other !== undefined) {
    relabelled.add(key);
    await vscode.languages.setTextDocumentLanguage(document, other);
    return false;
  }
  return document.languageId === LANGUAGE;
}

/** The controller of the active extension, stopped at deactivation. */
let current: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<ServerController> {
  const output = vscode.window.createOutputChannel("armorsmith", { log: true });
  const controller = new ServerController(context, output);
  current = controller;
  const storageDir = context.globalStorageUri.fsPath;
  context.subscriptions.push(
    output,
    controller,
    vscode.commands.registerCommand(COMMANDS.explain, () => explainDenials(controller)),
    vscode.commands.registerCommand(COMMANDS.insert, () => insertRulesFromDenials(controller)),
    vscode.commands.registerCommand(COMMANDS.restart, () => controller.restart()),
    vscode.commands.registerCommand(COMMANDS.install, (preferred?: string) => installServer(controller, storageDir, preferred)),
    vscode.workspace.onDidOpenTextDocument(async (document) => {
      if (await relabel(document)) {
        void controller.ensureStarted();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(`${SECTION}.server`) && controller.active) {
        void controller.restart();
      }
    }),
  );
  let policy = false;
  for (const document of [...vscode.workspace.textDocuments]) {
    policy = (await relabel(document)) || policy;
  }
  if (policy) {
    void controller.ensureStarted();
  }
  return controller;
}

export async function deactivate(): Promise<void> {
  const controller = current;
  current = undefined;
  await controller?.stop();
}

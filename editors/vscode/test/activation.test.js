// Activation, server discovery, installation and restarts, with `vscode` stubbed (harness.js).

"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { afterEach, test } = require("node:test");

const { fakePrograms, load, textDocument, until } = require("./harness");

const PROFILE = textDocument("/etc/apparmor.d/usr.bin.foo", "apparmor", "profile foo {}\n");
const ORIGINAL_PATH = process.env.PATH;

afterEach(() => {
  process.env.PATH = ORIGINAL_PATH;
});

/** Activate with the fake programs of `programs` alone on PATH. */
async function activate(options, programs) {
  process.env.PATH = programs.dir;
  const loaded = load(options);
  const controller = await loaded.extension.activate(loaded.context);
  return { ...loaded, controller };
}

test("activation registers the commands and starts no server while no AppArmor document is open", async () => {
  const programs = fakePrograms();
  const { state, fake, context } = await activate({ documents: [textDocument("/home/u/notes.md", "markdown")] }, programs);
  assert.deepEqual(
    [...fake.commands.keys()].sort(),
    ["armorsmith.explainDenials", "armorsmith.insertRulesFromDenials", "armorsmith.installServer", "armorsmith.restartServer"],
  );
  assert.equal(state.clients.length, 0);
  assert.ok(context.subscriptions.length >= 6);
  assert.deepEqual(state.statusItems[0].selector, { language: "apparmor" });
});

test("an open profile starts `armorsmith serve` from PATH, with the apparmor document selector", async () => {
  const programs = fakePrograms();
  const { state, context } = await activate({ documents: [PROFILE], folders: ["/srv/policy"] }, programs);
  await until(() => state.clients.length === 1 && state.clients[0].started, "the client to start");
  const client = state.clients[0];
  assert.equal(client.id, "armorsmith");
  assert.deepEqual(client.serverOptions, {
    command: path.join(programs.dir, "armorsmith"),
    args: ["serve", "--log-level", "warning"],
    options: { cwd: context.globalStorageUri.fsPath },
  });
  assert.deepEqual(client.clientOptions.documentSelector, [{ scheme: "file", language: "apparmor" }]);
  assert.equal(client.clientOptions.synchronize.configurationSection, "armorsmith");
  assert.equal(client.clientOptions.outputChannel, state.output);
  assert.equal(state.statusItems[0].text, "armorsmith: server 9.9.9");
  assert.deepEqual(state.messages, []);
});

test("the server starts once, when the first of several AppArmor documents opens", async () => {
  const programs = fakePrograms();
  const { state, fake } = await activate({}, programs);
  assert.equal(state.clients.length, 0);
  await fake.open(PROFILE);
  await fake.open(textDocument("/etc/apparmor.d/usr.bin.bar", "apparmor"));
  await until(() => state.clients.length === 1 && state.clients[0].started, "the client to start");
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(state.clients.length, 1);
});

test("armorsmith.server.pythonPath runs `python -m armorsmith serve` with the log level setting", async () => {
  const programs = fakePrograms({ armorsmith: false });
  const python = path.join(programs.dir, "python-with-armorsmith");
  const settings = { "armorsmith.server.pythonPath": python, "armorsmith.server.logLevel": "debug" };
  const { state } = await activate({ documents: [PROFILE], settings }, programs);
  await until(() => state.clients.length === 1, "the client");
  assert.equal(state.clients[0].serverOptions.command, python);
  assert.deepEqual(state.clients[0].serverOptions.args, ["-m", "armorsmith", "serve", "--log-level", "debug"]);
});

test("python3 -m armorsmith is the last resort when there is no armorsmith on PATH", async () => {
  const programs = fakePrograms({ armorsmith: false, pythonHasArmorsmith: true });
  const { state } = await activate({ documents: [PROFILE] }, programs);
  await until(() => state.clients.length === 1, "the client");
  assert.equal(state.clients[0].serverOptions.command, path.join(programs.dir, "python3"));
  assert.deepEqual(state.clients[0].serverOptions.args.slice(0, 3), ["-m", "armorsmith", "serve"]);
});

test("a server.path that is not executable is reported by name, and PATH is not searched instead", async () => {
  const programs = fakePrograms();
  const settings = { "armorsmith.server.path": "/nonexistent/armorsmith" };
  const { state } = await activate({ documents: [PROFILE], settings }, programs);
  await until(() => state.messages.length === 1, "the error message");
  assert.equal(state.clients.length, 0);
  const [message] = state.messages;
  assert.equal(message.kind, "error");
  assert.match(message.text, /cannot run: armorsmith\.server\.path is "\/nonexistent\/armorsmith", which is not an executable file/);
  assert.deepEqual(message.items, ["Install armorsmith…", "Open settings"]);
  assert.equal(state.statusItems[0].text, "armorsmith: not found");
});

test("without a server the user is told why, and opening more profiles does not ask again", async () => {
  const programs = fakePrograms({ armorsmith: false, python: false });
  const { state, fake } = await activate({ documents: [PROFILE] }, programs);
  await until(() => state.messages.length === 1, "the error message");
  assert.match(state.messages[0].text, /was not found \(there is no armorsmith on PATH; there is no python3 on PATH\)/);
  await fake.open(textDocument("/etc/apparmor.d/usr.bin.bar", "apparmor"));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(state.messages.length, 1);
  assert.equal(state.clients.length, 0);
});

test("Install armorsmith… creates the extension's environment, pip-installs armorsmith there and starts it", async () => {
  const programs = fakePrograms({ armorsmith: false });
  const answers = ["Install armorsmith…", "New environment for armorsmith"];
  const { state, context } = await activate({ documents: [PROFILE], answers }, programs);
  await until(() => state.clients.some((client) => client.started), "the client after installing");
  const venv = path.join(context.globalStorageUri.fsPath, "venv");
  const calls = fs.readFileSync(programs.log, "utf8").trim().split("\n");
  assert.deepEqual(calls, [
    `${path.join(programs.dir, "python3")} -m venv ${venv}`,
    `${path.join(venv, "bin", "python")} -m pip install --upgrade armorsmith`,
  ]);
  const client = state.clients.find((item) => item.started);
  assert.equal(client.serverOptions.command, path.join(venv, "bin", "python"));
  assert.deepEqual(state.updates, [], "the managed environment needs no setting");
  assert.ok(state.messages.some((item) => item.kind === "info" && /installed armorsmith/.test(item.text)));
});

test("installing into an interpreter the user picks sets armorsmith.server.pythonPath", async () => {
  const programs = fakePrograms({ armorsmith: false });
  const python = path.join(programs.dir, "python3");
  const { state, fake } = await activate({ answers: [python] }, programs);
  await fake.commands.get("armorsmith.installServer")();
  const labels = state.quickPicks[0].map((item) => item.label);
  assert.deepEqual(labels, ["New environment for armorsmith", python, "Choose an interpreter…"]);
  assert.equal(fs.readFileSync(programs.log, "utf8").trim(), `${python} -m pip install --upgrade armorsmith`);
  assert.deepEqual(state.updates, [{ key: "armorsmith.server.pythonPath", value: python, target: 1 }]);
});

test("a server that fails to start gets a message pointing at its output", async () => {
  const programs = fakePrograms();
  const { state } = await activate({ documents: [PROFILE], client: { startError: "Connection to server got closed" }, answers: ["Show output"] }, programs);
  await until(() => state.output.shown, "the output to be shown");
  const [message] = state.messages;
  assert.match(message.text, /stopped while starting: Connection to server got closed/);
  assert.deepEqual(message.items, ["Show output", "Reinstall armorsmith…"]);
  assert.equal(state.statusItems[0].text, "armorsmith: failed to start");
});

test("Restart server stops the running client and starts a new one", async () => {
  const programs = fakePrograms();
  const { state, fake } = await activate({ documents: [PROFILE] }, programs);
  await until(() => state.clients.length === 1 && state.clients[0].started, "the first client");
  await fake.commands.get("armorsmith.restartServer")();
  assert.equal(state.clients.length, 2);
  assert.ok(state.clients[0].disposed);
  assert.ok(state.clients[1].started);
});

test("changing a server setting restarts a running server, and starts none otherwise", async () => {
  const programs = fakePrograms();
  const idle = await activate({}, programs);
  await idle.fake.changeSettings({ "armorsmith.server.logLevel": "info" });
  assert.equal(idle.state.clients.length, 0);

  const { state, fake } = await activate({ documents: [PROFILE] }, programs);
  await until(() => state.clients.length === 1 && state.clients[0].started, "the first client");
  await fake.changeSettings({ "armorsmith.includePaths": ["/x"] });
  assert.equal(state.clients.length, 1, "server settings reach the server without a restart");
  await fake.changeSettings({ "armorsmith.server.logLevel": "info" });
  await until(() => state.clients.length === 2 && state.clients[1].started, "the restarted client");
  assert.deepEqual(state.clients[1].serverOptions.args, ["serve", "--log-level", "info"]);
});

test("deactivation stops the server", async () => {
  const programs = fakePrograms();
  const { state, extension } = await activate({ documents: [PROFILE] }, programs);
  await until(() => state.clients.length === 1 && state.clients[0].started, "the client");
  await extension.deactivate();
  assert.ok(state.clients[0].disposed);
});

test("plain-text files of abstractions and tunables folders become AppArmor, other files do not", async () => {
  const programs = fakePrograms();
  const documents = [
    textDocument("/src/profiles/abstractions/base", "plaintext"),
    textDocument("/src/profiles/tunables/home.d/ubuntu", "plaintext"),
    textDocument("/src/profiles/abstractions/README", "plaintext"),
    textDocument("/src/profiles/abstractions/notes.txt", "plaintext"),
    textDocument("/src/app/abstractions/index.ts", "typescript"),
    textDocument("/src/app/notes", "plaintext"),
  ];
  const { state, fake } = await activate({ documents }, programs);
  await fake.open(textDocument("/src/profiles/tunables/global", "plaintext"));
  assert.deepEqual(state.languageChanges, [
    { file: "/src/profiles/abstractions/base", languageId: "apparmor" },
    { file: "/src/profiles/tunables/home.d/ubuntu", languageId: "apparmor" },
    { file: "/src/profiles/tunables/global", languageId: "apparmor" },
  ]);
});

test("the README and dotfiles of a policy directory are handed back, and start no server", async () => {
  const programs = fakePrograms();
  const documents = [
    textDocument("/etc/apparmor.d/local/README", "apparmor"),
    textDocument("/src/policy/apparmor.d/README.md", "apparmor"),
    textDocument("/src/policy/apparmor.d/.lint-notes", "apparmor"),
  ];
  const { state, fake } = await activate({ documents }, programs);
  assert.deepEqual(state.languageChanges, [
    { file: "/etc/apparmor.d/local/README", languageId: "plaintext" },
    { file: "/src/policy/apparmor.d/README.md", languageId: "markdown" },
    { file: "/src/policy/apparmor.d/.lint-notes", languageId: "plaintext" },
  ]);
  // VS Code reopens a document whose language changed; the user may then choose AppArmor again.
  await fake.open(textDocument("/etc/apparmor.d/local/README", "plaintext"));
  assert.equal(state.clients.length, 0);
  await fake.open(textDocument("/etc/apparmor.d/local/README", "apparmor"));
  assert.equal(state.languageChanges.length, 3);
  await until(() => state.clients.length === 1, "the client for the user's choice");
});

test("python -m never runs a module from the working directory VS Code was started in", { skip: !fs.existsSync("/usr/bin/python3") }, async () => {
  const planted = fs.mkdtempSync(path.join(os.tmpdir(), "armorsmith-planted-"));
  const marker = path.join(planted, "ran");
  fs.mkdirSync(path.join(planted, "armorsmith"));
  fs.writeFileSync(path.join(planted, "armorsmith", "__main__.py"), `open(${JSON.stringify(marker)}, "w").write("x")\nprint("armorsmith 6.6.6")\n`);
  const programs = fakePrograms({ armorsmith: false, python: false });
  const cwd = process.cwd();
  process.chdir(planted);
  try {
    const settings = { "armorsmith.server.pythonPath": "/usr/bin/python3" };
    const { state } = await activate({ documents: [PROFILE], settings }, programs);
    await until(() => state.messages.length === 1 || state.clients.length === 1, "the outcome");
  } finally {
    process.chdir(cwd);
  }
  assert.equal(fs.existsSync(marker), false, "the planted armorsmith/__main__.py ran");
});

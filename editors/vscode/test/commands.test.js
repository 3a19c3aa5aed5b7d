// The denial commands: what they send to the server and what they do with the answer.

"use strict";

const assert = require("node:assert/strict");
const { afterEach, test } = require("node:test");

const { fakePrograms, load, textDocument, textEditor } = require("./harness");

const DENIAL = 'apparmor="DENIED" operation="open" profile="foo" name="/etc/foo.conf" requested_mask="r" denied_mask="r"';
const PROFILE_TEXT = "profile foo /usr/bin/foo {\n}\n";
const ORIGINAL_PATH = process.env.PATH;

afterEach(() => {
  process.env.PATH = ORIGINAL_PATH;
});

async function activate(options) {
  process.env.PATH = fakePrograms().dir;
  const loaded = load(options);
  await loaded.extension.activate(loaded.context);
  return loaded;
}

function explanation(overrides = {}) {
  return {
    profile: "foo",
    operation: "open",
    class: "file",
    outcome: "denied",
    count: 2,
    records: ["<selection>:1", "<selection>:2"],
    summary: "foo was denied reading /etc/foo.conf",
    details: ["No rule of foo allows r on /etc/foo.conf."],
    fix: "Add the rule to foo.",
    fix_profile: "foo",
    fix_file: null,
    fix_rules: ["/etc/foo.conf r,"],
    fix_flags: [],
    ...overrides,
  };
}

test("Explain AppArmor denials sends the selection to the server and shows the answer beside the editor", async () => {
  const log = textDocument("/var/log/syslog", "log", `kernel: audit: ${DENIAL}`);
  const editor = textEditor(log, 15, 15 + DENIAL.length);
  const { fake, state } = await activate({ activeEditor: editor, client: { respond: () => [explanation()] } });
  await fake.commands.get("armorsmith.explainDenials")();
  const [client] = state.clients;
  assert.deepEqual(client.requests, [
    { method: "workspace/executeCommand", params: { command: "armorsmith.server.explainDenials", arguments: [{ text: DENIAL }] } },
  ]);
  const [panel] = state.panels;
  assert.equal(panel.title, "AppArmor denials");
  assert.deepEqual(panel.showOptions, { viewColumn: -2, preserveFocus: true });
  assert.equal(panel.panelOptions.enableScripts, false);
  assert.match(panel.webview.html, /<h2>foo was denied reading \/etc\/foo.conf<\/h2>/);
  assert.match(panel.webview.html, /<pre>\/etc\/foo.conf r,<\/pre>/);
  assert.match(panel.webview.html, /2 records/);
  assert.match(panel.webview.html, /default-src 'none'/);
});

test("the explanation page escapes what the log said, and a second run reuses the panel", async () => {
  const hostile = explanation({ summary: '<script>alert("x")</script>', details: ["<img src=x onerror=alert(1)>"] });
  const { fake, state } = await activate({ clipboard: DENIAL, client: { respond: () => [hostile] } });
  await fake.commands.get("armorsmith.explainDenials")();
  await fake.commands.get("armorsmith.explainDenials")();
  assert.equal(state.panels.length, 1);
  assert.equal(state.panels[0].revealed, 1);
  const html = state.panels[0].webview.html;
  assert.doesNotMatch(html, /<script>|<img/);
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
});

test("with no selection the clipboard is explained; with neither the user is told what to do", async () => {
  const withClipboard = await activate({ clipboard: DENIAL, client: { respond: () => [] } });
  await withClipboard.fake.commands.get("armorsmith.explainDenials")();
  assert.equal(withClipboard.state.clients[0].requests[0].params.arguments[0].text, DENIAL);
  assert.match(withClipboard.state.panels[0].webview.html, /holds no AppArmor log record/);

  const empty = await activate({ clipboard: "  \n" });
  await empty.fake.commands.get("armorsmith.explainDenials")();
  assert.equal(empty.state.clients.length, 0);
  assert.match(empty.state.messages[0].text, /select AppArmor log lines, or copy them/);
});

test("a server without the command gets a clear message instead of a request", async () => {
  const { fake, state } = await activate({ clipboard: DENIAL, client: { commands: [] } });
  await fake.commands.get("armorsmith.explainDenials")();
  assert.deepEqual(state.clients[0].requests, []);
  assert.match(state.messages[0].text, /has no command armorsmith\.server\.explainDenials; update armorsmith/);
});

test("Insert rules from denials sends the clipboard and the profile, and applies the server's edit", async () => {
  const profile = textDocument("/etc/apparmor.d/usr.bin.foo", "apparmor", PROFILE_TEXT);
  const edit = { changes: { "file:///etc/apparmor.d/usr.bin.foo": [{ range: {}, newText: "  /etc/foo.conf r,\n" }] } };
  const { fake, state } = await activate({
    activeEditor: textEditor(profile),
    clipboard: DENIAL,
    client: { respond: () => ({ edit, message: "1 rule added to foo" }) },
  });
  await fake.commands.get("armorsmith.insertRulesFromDenials")();
  const [client] = state.clients;
  assert.deepEqual(client.requests[0].params, {
    command: "armorsmith.server.rulesFromDenials",
    arguments: [{ uri: "file:///etc/apparmor.d/usr.bin.foo", text: DENIAL }],
  });
  assert.deepEqual(state.appliedEdits, [{ converted: edit }]);
  assert.deepEqual(state.messages.at(-1), { kind: "status", text: "armorsmith: 1 rule added to foo", items: [] });
});

test("Insert rules from denials passes a selection in the profile as the range to replace", async () => {
  const profile = textDocument("/etc/apparmor.d/usr.bin.foo", "apparmor", DENIAL);
  const { fake, state } = await activate({
    activeEditor: textEditor(profile, 0, DENIAL.length),
    client: { respond: () => ({ edit: null, message: "the policy already allows every access of these records" }) },
  });
  await fake.commands.get("armorsmith.insertRulesFromDenials")();
  const argument = state.clients[0].requests[0].params.arguments[0];
  assert.deepEqual(argument.range, { start: { line: 0, character: 0 }, end: { line: 0, character: DENIAL.length } });
  assert.equal(argument.text, DENIAL);
  assert.deepEqual(state.appliedEdits, []);
  assert.match(state.messages.at(-1).text, /already allows every access/);
});

test("Insert rules from denials needs an AppArmor editor, and says so", async () => {
  const { fake, state } = await activate({ activeEditor: textEditor(textDocument("/tmp/x.log", "log")), clipboard: DENIAL });
  await fake.commands.get("armorsmith.insertRulesFromDenials")();
  assert.equal(state.clients.length, 0);
  assert.match(state.messages[0].text, /open the AppArmor profile the rules are for/);
});

test("an edit VS Code refuses to apply is reported", async () => {
  const profile = textDocument("/etc/apparmor.d/usr.bin.foo", "apparmor", PROFILE_TEXT);
  const { fake, state } = await activate({
    activeEditor: textEditor(profile),
    clipboard: DENIAL,
    applyEdit: false,
    client: { respond: () => ({ edit: { changes: {} }, message: "1 rule added to foo" }) },
  });
  await fake.commands.get("armorsmith.insertRulesFromDenials")();
  assert.match(state.messages.at(-1).text, /could not be inserted/);
});

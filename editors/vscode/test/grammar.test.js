// The TextMate grammar, run by the same engine VS Code uses (vscode-textmate + oniguruma).

"use strict";

const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { before, test } = require("node:test");

const oniguruma = require("vscode-oniguruma");
const textmate = require("vscode-textmate");

const GRAMMAR = path.join(__dirname, "..", "syntaxes", "apparmor.tmLanguage.json");
let grammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (sources) => new oniguruma.OnigScanner(sources), createOnigString: (text) => new oniguruma.OnigString(text) }),
    loadGrammar: async () => textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR),
  });
  grammar = await registry.loadGrammar("source.apparmor");
});

/** Tokenize `text`; return [token text, innermost scope] for every token that is not blank. */
function tokens(text) {
  let stack = textmate.INITIAL;
  const result = [];
  for (const line of text.split("\n")) {
    const { tokens: lineTokens, ruleStack } = grammar.tokenizeLine(line, stack);
    stack = ruleStack;
    for (const token of lineTokens) {
      const value = line.slice(token.startIndex, token.endIndex);
      if (value.trim() !== "") {
        result.push([value, token.scopes[token.scopes.length - 1]]);
      }
    }
  }
  return result;
}

/** The innermost scope of the first token that is exactly `value`. */
function scopeOf(text, value) {
  const found = tokens(text).find(([token]) => token === value);
  assert.ok(found, `no token ${JSON.stringify(value)} in ${JSON.stringify(tokens(text))}`);
  return found[1];
}

const cases = [
  ["# a comment, with words like capability", "# a comment, with words like capability", "comment.line.number-sign.apparmor"],
  ["#include <tunables/global>", "#include", "keyword.control.import.apparmor"],
  ["include if exists <local/usr.bin.foo>", "if exists", "keyword.control.import.apparmor"],
  ["include <abstractions/base>", "<abstractions/base>", "string.unquoted.include.apparmor"],
  ["abi <abi/4.0>,", "abi", "keyword.control.directive.apparmor"],
  ["@{HOME}=/home/*/ /root/", "@{HOME}", "variable.other.definition.apparmor"],
  ["profile foo /usr/bin/foo flags=(complain) {", "foo", "entity.name.type.profile.apparmor"],
  ["profile foo /usr/bin/foo flags=(complain) {", "profile", "storage.type.profile.apparmor"],
  ["profile foo /usr/bin/foo flags=(complain) {", "complain", "entity.other.attribute-name.flag.apparmor"],
  ["profile foo /usr/bin/foo flags=(complain) {", "/usr/bin/foo", "string.unquoted.path.apparmor"],
  ["  ^hat_name {", "hat_name", "entity.name.type.profile.apparmor"],
  ["  capability net_admin sys_admin,", "capability", "keyword.other.rule.apparmor"],
  ["  capability net_admin sys_admin,", "sys_admin", "constant.language.capability.apparmor"],
  ["  network inet stream,", "inet", "constant.language.network.apparmor"],
  ["  audit deny /etc/shadow rw,", "deny", "storage.modifier.apparmor"],
  ["  audit deny /etc/shadow rw,", "rw", "constant.character.permission.apparmor"],
  ["  owner @{HOME}/.cache/** rwk,", "@{HOME}", "variable.other.apparmor"],
  ["  owner @{HOME}/.cache/** rwk,", "**", "keyword.operator.glob.apparmor"],
  ["  /usr/bin/helper Px,", "Px", "keyword.other.exec-mode.apparmor"],
  ["  /usr/bin/helper Cx -> helper,", "->", "keyword.operator.transition.apparmor"],
  ["  /usr/bin/helper Cx -> helper,", "helper", "entity.name.type.profile.apparmor"],
  ["  /usr/lib/network/tool ix,", "/usr/lib/network/tool", "string.unquoted.path.apparmor"],
  ["  signal (send) set=(term, hup) peer=unconfined,", "peer", "entity.other.attribute-name.apparmor"],
  ["  signal (send) set=(term, hup) peer=unconfined,", "signal", "keyword.other.rule.apparmor"],
  ['  "/path with spaces/file" r,', "/path with spaces/file", "string.quoted.double.apparmor"],
  ["  set rlimit nofile <= 1024,", "nofile", "constant.language.rlimit.apparmor"],
  ["  set rlimit nofile <= 1024,", "1024", "constant.numeric.apparmor"],
  ["  @{profile_name} r,", "@{profile_name}", "variable.language.apparmor"],
  ["  if ${DISTRO_X} {", "if", "keyword.control.conditional.apparmor"],
];

for (const [line, token, scope] of cases) {
  test(`${JSON.stringify(token)} in ${JSON.stringify(line.trim())} is ${scope}`, () => {
    assert.equal(scopeOf(line, token), scope);
  });
}

test("every example profile tokenizes with no token left in the bare source scope but punctuation and names", () => {
  const examples = path.join(__dirname, "..", "..", "..", "examples", "apparmor.d");
  for (const name of fs.readdirSync(examples)) {
    const text = fs.readFileSync(path.join(examples, name), "utf8");
    const bare = tokens(text).filter(([value, scope]) => scope === "source.apparmor" && !/^[\w.\-/^:]+$/.test(value.trim()));
    assert.deepEqual(bare, [], `${name}: tokens with no scope`);
  }
});

// End-to-end run of the packaged extension in a real VS Code workbench.
//
// code-server (VS Code 1.100 served to a browser) gets the .vsix installed with
// --install-extension and the repository's own server in its settings; Debian's chromium,
// driven by playwright-core, opens a profile and checks what a user would see: the
// language mode, diagnostics in the Problems panel, a hover on an exec modifier, the
// pasted-denial quick fix and the rule it inserts, and the denial explanation panel.
//
// Usage: node e2e/workbench.js CONFIG.json, where CONFIG has: codeServer, vsix, chromium,
// serverPath, workspace (the folder to open), profile (a file name in it), dataDir (an
// empty scratch directory), screenshots (a directory for the README's screenshots, or
// null), expect (see tests/editors/test_vscode_e2e.py).  Each check prints one JSON line
// {"step", "ok", "detail"}; a failed check also saves DATADIR/failure-STEP.png.  Exit
// status 0 when every check passed.

"use strict";

const { execFileSync, spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { chromium } = require("playwright-core");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const TIMEOUT = 30000;
let failures = 0;

function report(step, ok, detail) {
  process.stdout.write(JSON.stringify({ step, ok, detail }) + "\n");
  if (!ok) {
    failures += 1;
  }
}

/** The environment of code-server and chromium: every file they write stays under dataDir. */
function codeServerEnv() {
  const env = { ...process.env };
  for (const [name, dir] of [["XDG_CONFIG_HOME", "xdg-config"], ["XDG_DATA_HOME", "xdg-data"], ["XDG_CACHE_HOME", "xdg-cache"]]) {
    env[name] = path.join(config.dataDir, dir);
  }
  return env;
}

function writeSettings(userData) {
  const settings = {
    "armorsmith.server.path": config.serverPath,
    "armorsmith.includePaths": [config.workspace],
    "armorsmith.server.logLevel": "info",
    "workbench.startupEditor": "none",
    "workbench.colorTheme": "Default Dark Modern",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.layoutControl.enabled": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "extensions.ignoreRecommendations": true,
    "git.enabled": false,
    "chat.commandCenter.enabled": false,
    "editor.minimap.enabled": false,
    "editor.cursorBlinking": "solid",
    "editor.fontSize": 14,
    "editor.hover.delay": 200,
    "editor.lightbulb.enabled": "off",
    // What the workbench draws by timing stays out of the screenshots.
    "editor.occurrencesHighlight": "off",
    "editor.selectionHighlight": false,
    "editor.scrollbar.horizontal": "hidden",
    "editor.scrollbar.vertical": "hidden",
    "editor.hideCursorInOverviewRuler": true,
    "breadcrumbs.enabled": false,
    "window.commandCenter": false,
  };
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
}

/** Start code-server on a free port; resolve with its process and URL. */
function startCodeServer(env, extensions, userData) {
  const args = [
    "--auth", "none", "--bind-addr", "127.0.0.1:0", "--disable-telemetry", "--disable-update-check",
    "--disable-workspace-trust", "--disable-getting-started-override", "--extensions-dir", extensions,
    "--user-data-dir", userData, config.workspace,
  ];
  const child = spawn(config.codeServer, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const log = fs.createWriteStream(path.join(config.dataDir, "code-server.log"));
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`code-server did not start within ${TIMEOUT / 1000} s:\n${seen}`)), TIMEOUT);
    const watch = (chunk) => {
      log.write(chunk);
      seen += chunk.toString();
      const match = /HTTP server listening on (http:\/\/[^\s]+)/.exec(seen);
      if (match !== null) {
        clearTimeout(timer);
        resolve({ child, url: match[1].replace(/\/$/, "") });
      }
    };
    child.stdout.on("data", watch);
    child.stderr.on("data", watch);
    child.on("exit", (code) => reject(new Error(`code-server exited with status ${code}:\n${seen}`)));
  });
}

/** Run one check; a failure is reported with a screenshot and does not stop the run. */
async function check(page, step, body) {
  try {
    const detail = await body();
    report(step, true, detail);
    return true;
  } catch (error) {
    report(step, false, String(error && error.stack ? error.stack : error));
    await page.screenshot({ path: path.join(config.dataDir, `failure-${step}.png`) }).catch(() => undefined);
    return false;
  }
}

/** Run a command from the command palette by its title. */
async function runCommand(page, title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: TIMEOUT });
  await input.fill(`>${title}`);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first().waitFor({ timeout: TIMEOUT });
  await page.keyboard.press("Enter");
}

/** The editor line (a `.view-line`) whose text contains `text`. */
function lineWith(page, text) {
  return page.locator(".editor-instance .view-line", { hasText: text }).first();
}

/** Put the cursor on `line` (1-based) with the Go to Line command. */
async function goToLine(page, line) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: TIMEOUT });
  await input.fill(`:${line}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: TIMEOUT });
}

/** Save a screenshot for the README, without notifications (they come and go with timing). */
async function shoot(page, name, { moveMouse = true } = {}) {
  if (!config.screenshots) {
    return;
  }
  fs.mkdirSync(config.screenshots, { recursive: true });
  await page.locator(".notification-toast-container").evaluateAll((toasts) => toasts.forEach((toast) => (toast.style.visibility = "hidden")));
  if (moveMouse) {
    await page.mouse.move(1000, 650); // empty editor space: no hover, no tooltip
  }
  await page.screenshot({ path: path.join(config.screenshots, name) });
  await page.locator(".notification-toast-container").evaluateAll((toasts) => toasts.forEach((toast) => (toast.style.visibility = "")));
}

async function main() {
  const env = codeServerEnv();
  const extensions = path.join(config.dataDir, "extensions");
  const userData = path.join(config.dataDir, "user-data");
  execFileSync(config.codeServer, ["--extensions-dir", extensions, "--user-data-dir", userData, "--install-extension", config.vsix], { env, stdio: "pipe" });
  writeSettings(userData);
  const { child, url } = await startCodeServer(env, extensions, userData);
  const browser = await chromium.launch({
    executablePath: config.chromium,
    env, // chromium keeps its crash reports under XDG_CONFIG_HOME
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--font-render-hinting=none"],
  });
  const expect = config.expect;
  try {
    const context = await browser.newContext({ viewport: { width: 1100, height: 400 }, deviceScaleFactor: 1 });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url });
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${url}/?folder=${encodeURIComponent(config.workspace)}`);
    await page.locator(".monaco-workbench .part.statusbar").waitFor({ timeout: 60000 });

    const opened = await check(page, "open", async () => {
      // The screenshots show the editor: close the side bar, which only lists the two files.
      await runCommand(page, "View: Toggle Primary Side Bar Visibility");
      await page.locator(".part.sidebar").waitFor({ state: "hidden" });
      await page.keyboard.press("Control+P");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible" });
      await input.fill(config.profile);
      await page.locator(".quick-input-list .monaco-list-row", { hasText: config.profile }).first().waitFor();
      await page.keyboard.press("Enter");
      await lineWith(page, expect.firstLine).waitFor();
      const mode = page.locator("#status\\.editor\\.mode");
      await mode.filter({ hasText: "AppArmor" }).waitFor();
      return (await mode.innerText()).trim();
    });
    if (!opened) {
      return;
    }

    await check(page, "problems", async () => {
      await page.locator(".squiggly-error").first().waitFor();
      await page.keyboard.press("Control+Shift+M");
      const rows = page.locator(".markers-panel .monaco-list-row");
      for (const text of expect.problems) {
        await rows.filter({ hasText: text }).first().waitFor();
      }
      const texts = await rows.allInnerTexts();
      await page.keyboard.press("Control+Shift+M");
      return texts.map((text) => text.replace(/\s+/g, " ").trim());
    });

    await check(page, "hover", async () => {
      const line = lineWith(page, expect.hover.line);
      const token = line.locator("span > span", { hasText: new RegExp(`^${expect.hover.token}$`) }).first();
      await token.waitFor();
      const hover = page.locator(".monaco-hover:not(.hidden) .hover-contents");
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await page.mouse.move(0, 0);
        await token.hover();
        try {
          await hover.filter({ hasText: expect.hover.contains }).first().waitFor({ timeout: 5000 });
          break;
        } catch (error) {
          if (attempt === 4) {
            throw error;
          }
        }
      }
      const text = (await hover.first().innerText()).trim();
      await page.waitForTimeout(500); // the hover fades in
      await shoot(page, "vscode-hover.png", { moveMouse: false });
      await page.keyboard.press("Escape");
      await page.mouse.move(0, 0);
      return text;
    });

    await check(page, "explain", async () => {
      await goToLine(page, expect.denialLine);
      await page.keyboard.press("Home");
      await page.keyboard.press("Shift+End");
      await runCommand(page, "AppArmor: Explain AppArmor denials");
      let found;
      for (let waited = 0; waited < TIMEOUT && found === undefined; waited += 250) {
        for (const frame of page.frames()) {
          if (frame === page.mainFrame()) {
            continue;
          }
          const text = await frame.locator("body").innerText({ timeout: 1000 }).catch(() => "");
          if (text.includes("AppArmor denials") && text.includes(expect.explain)) {
            found = text;
            break;
          }
        }
        if (found === undefined) {
          await page.waitForTimeout(250);
        }
      }
      if (found === undefined) {
        throw new Error(`no panel shows "${expect.explain}"`);
      }
      // The panel opened beside the profile without taking the focus: close it from there.
      await runCommand(page, "View: Close Editors in Other Groups");
      await page.locator(".webview").first().waitFor({ state: "detached" });
      return found.replace(/\s+/g, " ").trim();
    });

    await check(page, "pasted-denial", async () => {
      await goToLine(page, expect.denialLine);
      await page.locator(".squiggly-error, .squiggly-warning, .squiggly-info").first().waitFor();
      await page.keyboard.press("Control+.");
      const action = page.locator(".action-widget .monaco-list-row", { hasText: expect.action }).first();
      await action.waitFor();
      await page.waitForTimeout(300); // the menu fades in
      await shoot(page, "vscode-pasted-denial.png", { moveMouse: false });
      // Choose it with the keyboard, as the menu blocks the pointer until the mouse moves.
      const focused = page.locator(".action-widget .monaco-list-row.focused");
      for (let step = 0; !(await focused.innerText()).includes(expect.action); step += 1) {
        if (step === 10) {
          throw new Error(`the quick fix menu has no "${expect.action}"`);
        }
        await page.keyboard.press("ArrowDown");
      }
      await page.keyboard.press("Enter");
      await lineWith(page, expect.insertedRule).waitFor();
      const remaining = await page.locator(".editor-instance .view-line", { hasText: "apparmor=" }).count();
      if (remaining !== 0) {
        throw new Error("the pasted log line is still in the document");
      }
      await shoot(page, "vscode-pasted-denial-fixed.png");
      return (await lineWith(page, expect.insertedRule).innerText()).replace(/\u00a0/g, " ").trim();
    });
  } finally {
    await browser.close();
    child.kill("SIGTERM");
  }
}

main()
  .catch((error) => {
    report("setup", false, String(error && error.stack ? error.stack : error));
  })
  .finally(() => {
    process.exitCode = failures === 0 ? 0 : 1;
  });

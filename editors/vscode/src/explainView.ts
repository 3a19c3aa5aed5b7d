// The page that shows explained denials: plain HTML from the server's explanations.
//
// The server's `armorsmith.explainDenials` command returns the objects that
// `armorsmith explain --format json` prints (README, "armorsmith explain").  This module
// turns them into one static page: every text is escaped, and the page runs no script
// (its Content-Security-Policy allows none), so nothing in a log line can act in the editor.

/** One explained access, as the server sends it (only the keys shown here). */
export interface Explanation {
  profile?: string | null;
  operation?: string | null;
  class?: string;
  outcome?: string;
  count?: number;
  records?: string[];
  summary?: string;
  details?: string[];
  fix?: string;
  fix_profile?: string | null;
  fix_file?: string | null;
  fix_rules?: string[];
  fix_flags?: string[];
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: unknown): string {
  return String(text ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/** The HTML of one explanation. */
function section(item: Explanation): string {
  const parts: string[] = [];
  const outcome = item.outcome ?? "";
  parts.push(`<section class="explanation outcome-${escapeHtml(outcome.replace(/[^a-z]/g, ""))}">`);
  parts.push(`<h2>${escapeHtml(item.summary ?? "")}</h2>`);
  const facts: string[] = [];
  if (item.profile) {
    facts.push(`profile <code>${escapeHtml(item.profile)}</code>`);
  }
  if (item.operation) {
    facts.push(`operation <code>${escapeHtml(item.operation)}</code>`);
  }
  if (typeof item.count === "number" && item.count > 1) {
    facts.push(plural(item.count, "record"));
  }
  if (facts.length > 0) {
    parts.push(`<p class="facts">${facts.join(" · ")}</p>`);
  }
  const details = item.details ?? [];
  if (details.length > 0) {
    parts.push("<ul>" + details.map((detail) => `<li>${escapeHtml(detail)}</li>`).join("") + "</ul>");
  }
  if (item.fix) {
    parts.push(`<p class="fix"><strong>Fix:</strong> ${escapeHtml(item.fix)}</p>`);
  }
  const rules = [...(item.fix_rules ?? [])];
  const flags = item.fix_flags ?? [];
  if (flags.length > 0) {
    rules.unshift(`flags=(${flags.join(", ")})`);
  }
  if (rules.length > 0) {
    const where = item.fix_profile ? ` in <code>${escapeHtml(item.fix_profile)}</code>` + (item.fix_file ? ` (${escapeHtml(item.fix_file)})` : "") : "";
    parts.push(`<p>Rules${where}:</p><pre>${rules.map(escapeHtml).join("\n")}</pre>`);
  }
  const records = item.records ?? [];
  if (records.length > 0) {
    parts.push(`<p class="records">From ${escapeHtml(records.slice(0, 5).join(", "))}${records.length > 5 ? ` and ${records.length - 5} more` : ""}</p>`);
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The whole page for `explanations`; `cspSource` is the webview's own source. */
export function renderExplanations(explanations: Explanation[], cspSource: string): string {
  const body =
    explanations.length === 0
      ? "<p>The text holds no AppArmor log record. Select or copy lines from <code>journalctl</code>, <code>dmesg</code> or <code>/var/log/audit/audit.log</code> that contain <code>apparmor=</code>.</p>"
      : explanations.map(section).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${escapeHtml(cspSource)} 'unsafe-inline';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AppArmor denials</title>
<style>
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1em; }
section { border-left: 3px solid var(--vscode-textLink-foreground); padding: 0.2em 0 0.2em 1em; margin: 1em 0; }
section.outcome-denied, section.outcome-killed { border-left-color: var(--vscode-errorForeground); }
h2 { font-size: 1.1em; margin: 0.3em 0; }
code, pre { font-family: var(--vscode-editor-font-family); }
pre { background: var(--vscode-textCodeBlock-background); padding: 0.5em; white-space: pre-wrap; }
.facts, .records { color: var(--vscode-descriptionForeground); }
</style>
</head>
<body>
<h1>AppArmor denials</h1>
${body}
</body>
</html>
`;
}

// Which files are AppArmor policy beyond what package.json's patterns say.
//
// package.json claims every file under an `apparmor.d` folder and `*.apparmor` files.
// Policy fragments also live in `abstractions` and `tunables` folders outside an
// `apparmor.d` tree (a source checkout of profiles, for instance).  A glob in package.json
// would take such folders' source files from their own language too, so these are
// claimed in code instead, and only when VS Code found no other language for them
// (plain text): `abstractions/base` is policy, `abstractions/index.ts` is not.
// The other way round, the names AppArmor skips in a policy directory (dotfiles, README)
// are handed back to plain text or Markdown when the apparmor.d pattern claimed them.

/** Folder names whose files are policy fragments. */
const POLICY_FOLDERS = new Set(["abstractions", "tunables"]);

/** Names in those folders that are documentation, not policy. */
const NOT_POLICY = /^(readme|license|copying)(\..*)?$|\.(md|txt|rst|orig|rej)$|~$/i;

/** Whether the plain-text file at `file` is a policy fragment by its place. */
export function isPolicyFragment(file: string): boolean {
  const parts = file.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? "";
  if (name === "" || name.startsWith(".") || NOT_POLICY.test(name)) {
    return false;
  }
  return parts.slice(0, -1).some((part) => POLICY_FOLDERS.has(part));
}

/** The language a file the apparmor.d pattern claimed should have instead, or undefined when it is policy. */
export function notPolicyLanguage(file: string): string | undefined {
  const name = file.split(/[\\/]/).pop() ?? "";
  if (/^readme(\..*)?$/i.test(name) || name.startsWith(".")) {
    return /\.md$/i.test(name) ? "markdown" : PLAIN_TEXT;
  }
  return undefined;
}

/** The language id VS Code gives files it does not recognise. */
export const PLAIN_TEXT = "plaintext";

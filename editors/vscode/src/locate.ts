// Finding the armorsmith language server: which program to run, and why none was found.
//
// The order is: the `armorsmith.server.path` setting, the `armorsmith.server.pythonPath`
// setting, the virtual environment the extension installed armorsmith into, `armorsmith`
// on PATH, and `python3 -m armorsmith`.  A setting that is given but does not work is an
// error of its own: the search does not go on past it, so that the user sees why the
// program they chose cannot run rather than silently getting another one.  Nothing here
// uses a shell: programs run with an argument list.  Every program runs in the extension's
// storage directory, never in a workspace or VS Code's own working directory:
// `python -m` puts its working directory first on sys.path, so a folder holding an
// `armorsmith/` or `pip/` directory could otherwise supply the code that runs.

import { execFile } from "node:child_process";
import { constants, promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The client-side settings that say how to run the server. */
export interface ServerSettings {
  /** The `armorsmith` executable (`armorsmith.server.path`), or "" to search. */
  path: string;
  /** A Python interpreter with armorsmith installed (`armorsmith.server.pythonPath`), or "". */
  pythonPath: string;
}

/** A way to run armorsmith: `command ...prefix SUBCOMMAND ...`. */
export interface Located {
  found: true;
  command: string;
  /** The arguments before the armorsmith subcommand: [] or ["-m", "armorsmith"]. */
  prefix: string[];
  /** Where it was found, for messages ("armorsmith.server.path", "PATH", ...). */
  origin: string;
  /** The interpreter armorsmith runs in, when known (to offer an upgrade into). */
  python?: string;
}

/** Why no server was found, with the interpreter to offer installing into. */
export interface NotFound {
  found: false;
  /** One sentence per place looked at. */
  reasons: string[];
  /** The setting that names a program that does not work, if that is the problem. */
  setting?: "armorsmith.server.path" | "armorsmith.server.pythonPath";
  /** An interpreter that works but lacks armorsmith. */
  python?: string;
}

export type Location = Located | NotFound;

/** How long probing one program may take. */
const PROBE_TIMEOUT_MS = 15000;

/** The result of running a program to completion. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why the program could not be started or was stopped, if it was. */
  error?: string;
}

/** Run `command args` in `cwd` without a shell and collect its output; never rejects. */
export function run(command: string, args: string[], cwd: string, timeoutMs: number = PROBE_TIMEOUT_MS): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8", windowsHide: true },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        let reason: string | undefined;
        if (error !== null && typeof error.code !== "number") {
          reason = error.killed ? `it did not finish within ${Math.round(timeoutMs / 1000)} s` : error.message;
        }
        resolve({ code, stdout, stderr, error: reason });
      },
    );
    child.stdin?.on("error", () => undefined);
    child.stdin?.end();
  });
}

/** Expand a leading `~` and make a relative path absolute from `base`. */
export function expandPath(value: string, base: string | undefined): string {
  let result = value.trim();
  if (result === "~" || result.startsWith("~/")) {
    result = path.join(os.homedir(), result.slice(1));
  }
  if (!path.isAbsolute(result) && result.includes(path.sep) && base !== undefined) {
    result = path.resolve(base, result);
  }
  return result;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) {
      return false;
    }
    await fs.access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Return the first executable `name` in the directories of PATH, or undefined. */
export async function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (name.includes(path.sep)) {
    return (await isExecutableFile(name)) ? name : undefined;
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, name);
    if (await isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

/** The last non-empty line of a program's error output, for a message. */
function lastLine(text: string): string {
  const lines = text.split("\n").map((line) => line.trim()).filter((line) => line !== "");
  return lines.length > 0 ? lines[lines.length - 1] : "";
}

/** Whether `command ...prefix --version` answers like armorsmith; the reason when not. */
async function probe(command: string, prefix: string[], cwd: string): Promise<string | undefined> {
  const result = await run(command, [...prefix, "--version"], cwd);
  if (result.error !== undefined) {
    return result.error;
  }
  if (result.code !== 0 || !result.stdout.startsWith("armorsmith ")) {
    const detail = lastLine(result.stderr) || lastLine(result.stdout) || `exit status ${result.code}`;
    return detail;
  }
  return undefined;
}

/** Check that `python` runs; return the reason when it does not. */
async function pythonWorks(python: string, cwd: string): Promise<string | undefined> {
  const result = await run(python, ["-c", "import sys; print(sys.version_info[0])"], cwd);
  if (result.error !== undefined) {
    return result.error;
  }
  return result.code === 0 ? undefined : lastLine(result.stderr) || `exit status ${result.code}`;
}

/** The virtual environment the extension manages under `storageDir`. */
export function managedEnvironment(storageDir: string): string {
  return path.join(storageDir, "venv");
}

/** The interpreter of that environment. */
export function managedPython(storageDir: string): string {
  return path.join(managedEnvironment(storageDir), process.platform === "win32" ? "Scripts/python.exe" : "bin/python");
}

/**
 * Find the server.  `base` is the folder relative settings are taken from; `storageDir`
 * is where the extension keeps its own virtual environment, and where programs run (it is
 * made when missing).
 */
export async function locateServer(settings: ServerSettings, base: string | undefined, storageDir: string, env: NodeJS.ProcessEnv = process.env): Promise<Location> {
  await fs.mkdir(storageDir, { recursive: true }).catch(() => undefined);
  if (settings.path.trim() !== "") {
    const command = expandPath(settings.path, base);
    const executable = await findOnPath(command, env);
    if (executable === undefined) {
      return { found: false, setting: "armorsmith.server.path", reasons: [`armorsmith.server.path is "${settings.path}", which is not an executable file`] };
    }
    const problem = await probe(executable, [], storageDir);
    if (problem !== undefined) {
      return { found: false, setting: "armorsmith.server.path", reasons: [`armorsmith.server.path is "${settings.path}", which does not run as armorsmith: ${problem}`] };
    }
    return { found: true, command: executable, prefix: [], origin: "armorsmith.server.path" };
  }
  if (settings.pythonPath.trim() !== "") {
    const python = expandPath(settings.pythonPath, base);
    const executable = await findOnPath(python, env);
    const broken = executable === undefined ? "it is not an executable file" : await pythonWorks(executable, storageDir);
    if (executable === undefined || broken !== undefined) {
      return { found: false, setting: "armorsmith.server.pythonPath", reasons: [`armorsmith.server.pythonPath is "${settings.pythonPath}", which does not run: ${broken}`] };
    }
    const problem = await probe(executable, ["-m", "armorsmith"], storageDir);
    if (problem !== undefined) {
      return {
        found: false,
        setting: "armorsmith.server.pythonPath",
        python: executable,
        reasons: [`armorsmith is not installed for the interpreter "${settings.pythonPath}": ${problem}`],
      };
    }
    return { found: true, command: executable, prefix: ["-m", "armorsmith"], origin: "armorsmith.server.pythonPath", python: executable };
  }
  const reasons: string[] = [];
  const managed = managedPython(storageDir);
  if (await isExecutableFile(managed)) {
    const problem = await probe(managed, ["-m", "armorsmith"], storageDir);
    if (problem === undefined) {
      return { found: true, command: managed, prefix: ["-m", "armorsmith"], origin: "the extension's environment", python: managed };
    }
    reasons.push(`the extension's environment (${managed}) has no working armorsmith: ${problem}`);
  }
  const onPath = await findOnPath("armorsmith", env);
  if (onPath !== undefined) {
    const problem = await probe(onPath, [], storageDir);
    if (problem === undefined) {
      return { found: true, command: onPath, prefix: [], origin: "PATH" };
    }
    reasons.push(`${onPath} does not run: ${problem}`);
  } else {
    reasons.push("there is no armorsmith on PATH");
  }
  const python = await findOnPath("python3", env);
  if (python === undefined) {
    reasons.push("there is no python3 on PATH");
    return { found: false, reasons };
  }
  const problem = await probe(python, ["-m", "armorsmith"], storageDir);
  if (problem === undefined) {
    return { found: true, command: python, prefix: ["-m", "armorsmith"], origin: "python3 on PATH", python };
  }
  reasons.push(`python3 (${python}) has no armorsmith module`);
  return { found: false, reasons, python };
}

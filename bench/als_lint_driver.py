"""Runs the competitor's linter CLI on many cases in one process; run by the Python of its own venv, not imported.

Reads ``{"cases": [path, ...], "base_dir": dir}`` as JSON on standard input and prints
``{"status": [exit status, ...]}``: for each case, what ``apparmor-lint --no-parser -q
-b base_dir case`` exits with (0 no error, 1 an error-severity diagnostic, 2 it could not
run), by calling the console script's own ``main`` with its output discarded. One
process for all cases spares a Python start per case; paths are taken from the current
directory, as a shell would.
"""

import contextlib
import io
import json
import sys

from apparmor_language_server.lint import main as apparmor_lint


def main() -> None:
    request = json.load(sys.stdin)
    options = ["--no-parser", "-q", "--format", "json", "--log-level", "CRITICAL", "-b", request["base_dir"]]
    status = []
    for case in request["cases"]:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                status.append(apparmor_lint([*options, case]))
            except Exception:  # noqa: BLE001 - a crash on one case is that case's verdict, not the run's
                status.append(2)
    json.dump({"status": status}, sys.stdout)


if __name__ == "__main__":
    main()

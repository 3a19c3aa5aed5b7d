"""The packaged extension in a real VS Code workbench, with the repository's own server.

code-server 4.100.3 (VS Code 1.100.3) gets `editors/vscode/armorsmith.vsix` installed with
`--install-extension` and `.venv/bin/armorsmith` as `armorsmith.server.path`; Debian's
chromium, driven by playwright-core (`editors/vscode/e2e/workbench.js`), opens a profile
of a small policy tree and checks what a user sees: the AppArmor language mode, the
diagnostics in the Problems panel, the hover on a `Px` rule (where it lands, whether the
environment is scrubbed), the explanation panel of a pasted denial, and the pasted-denial
quick fix with the rule it inserts.  The run takes the README's screenshots; one that
shows something new replaces its copy in docs/images/ (see `screenshots`).  It is one
test, since the checks share one workbench session.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.conftest import REPO_ROOT

from . import screenshots
from .conftest import EXTENSION_DIR, vscode_lock

SCREENSHOTS = REPO_ROOT / "docs" / "images"
"""Where the README's screenshots are kept."""

SHOTS = ("vscode-hover.png", "vscode-pasted-denial.png", "vscode-pasted-denial-fixed.png")

DENIAL = (
    'type=AVC msg=audit(1700000000.123:42): apparmor="DENIED" operation="open" class="file" profile="demo" '
    'name="/etc/demo/settings.conf" pid=4242 comm="demo" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0'
)

PROFILE = f"""\
# demo: a small tool that runs a helper under its own profile.
include <tunables/global>

profile demo /usr/bin/demo {{
  capability sys_admn,

  /usr/bin/demo mr,
  owner @{{HOME}}/.config/demo/** rw,
  /usr/bin/demo-helper Px,
{DENIAL}
}}
"""

DENIAL_LINE = 10
"""The 1-based line of the pasted denial in PROFILE."""

HELPER = """\
profile demo-helper /usr/bin/demo-helper {
  /usr/bin/demo-helper mr,
}
"""

TUNABLES = "@{HOME}=@{HOMEDIRS}/*/ /root/\n@{HOMEDIRS}=/home/\n"

EXPECT = {
    "firstLine": "demo: a small tool",
    "problems": ["unknown capability 'sys_admn'", "unknown-capability", "pasted-denial"],
    "hover": {"line": "/usr/bin/demo-helper", "token": "Px", "contains": "demo-helper"},
    "denialLine": DENIAL_LINE,
    "explain": "/etc/demo/settings.conf",
    "action": "Replace with",
    "insertedRule": "/etc/demo/settings.conf r,",
}


def _policy_tree(root: Path) -> Path:
    """Write the policy tree the workbench opens; return its folder."""
    folder = root / "apparmor.d"
    (folder / "tunables").mkdir(parents=True)
    (folder / "usr.bin.demo").write_text(PROFILE, encoding="utf-8")
    (folder / "usr.bin.demo-helper").write_text(HELPER, encoding="utf-8")
    (folder / "tunables" / "global").write_text(TUNABLES, encoding="utf-8")
    return folder


def test_workbench(tmp_path: Path, vsix: Path, code_server: Path, chromium: str, node: str) -> None:
    workspace = _policy_tree(tmp_path / "ws")
    data = tmp_path / "data"
    data.mkdir()
    config = {
        "codeServer": str(code_server),
        "vsix": str(vsix),
        "chromium": chromium,
        "serverPath": str(REPO_ROOT / ".venv" / "bin" / "armorsmith"),
        "workspace": str(workspace),
        "profile": "usr.bin.demo",
        "dataDir": str(data),
        "screenshots": str(data / "screenshots"),
        "expect": EXPECT,
    }
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    with vscode_lock():
        result = subprocess.run(
            [node, "e2e/workbench.js", str(config_file)], cwd=EXTENSION_DIR, capture_output=True, text=True, timeout=600
        )
    steps = {}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            steps[record["step"]] = record
    failed = {name: record["detail"] for name, record in steps.items() if not record["ok"]}
    log = (data / "code-server.log").read_text(errors="replace")[-3000:] if (data / "code-server.log").exists() else ""
    assert not failed and result.returncode == 0, (
        f"failed checks: {json.dumps(failed, indent=2)}\nscreenshots of failures in {data}\n"
        f"stderr: {result.stderr[-3000:]}\ncode-server log: {log}"
    )
    assert list(steps) == ["open", "problems", "hover", "explain", "pasted-denial"]
    assert steps["open"]["detail"] == "AppArmor"
    hover = steps["hover"]["detail"]
    assert "Px" in hover and "demo-helper" in hover and "scrubbed" in hover
    assert steps["pasted-denial"]["detail"] == EXPECT["insertedRule"]
    with vscode_lock():
        for name in SHOTS:
            fresh = data / "screenshots" / name
            assert fresh.stat().st_size > 10_000
            screenshots.update(fresh, SCREENSHOTS / name)

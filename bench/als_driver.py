"""Times the competitor's parser; run by the Python of its own venv, not imported.

Reads ``{"texts": [[name, text], ...], "runs": N}`` as JSON on standard input
and prints ``{"runs": [[seconds per text, ...], ...]}``. Each text is parsed
with ``apparmor_language_server.parser.Parser`` under an ``untitled:`` URI and
no search directories, so that it parses the text without reading includes
from disk: the same work the armorsmith figure measures.
"""

import json
import logging
import sys
import time

from apparmor_language_server.parser import Parser


def main() -> None:
    logging.disable(logging.CRITICAL)
    request = json.load(sys.stdin)
    runs = []
    for _ in range(request["runs"]):
        seconds = []
        for name, text in request["texts"]:
            started = time.perf_counter()
            Parser(f"untitled:{name}", text, search_dirs=[]).parse()
            seconds.append(time.perf_counter() - started)
        runs.append(seconds)
    json.dump({"runs": runs}, sys.stdout)


if __name__ == "__main__":
    main()

"""The language server front end: pygls handlers over the `ide` layer.

This package is the only one that imports pygls or lsprotocol.  It owns the protocol:
transports (`transport`), the server class and its wiring (`server`), document
synchronisation (`documents`), conversions between LSP values and byte offsets
(`convert`), and the feature handlers (`features/`).  Handlers are thin: they convert
positions, call `armorsmith.ide`, and convert the results.
"""

from .server import ArmorsmithServer, create_server

__all__ = ["ArmorsmithServer", "create_server"]

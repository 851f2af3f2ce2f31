"""Parsing core of the 政务公开年报对比 dashboard: files in, checked records out.

Layers, each importing only those below it: metrics → library → library_rows, corrections, bulk → store, rows, ingest → checks → parse →
table3 → parsed → values → narrative, flattened, readers → grid / record / fields (charts draw metrics' frames; bench and synthetic serve tests).
"""
import hashlib
from pathlib import Path


def _parser_version() -> str:
    """A fingerprint of the code that turns a file into a record: when it changes, the library
    re-parses the stored originals (no version number to forget to bump)."""
    here = Path(__file__).resolve().parent
    sources = sorted([*here.glob("readers/*.py"), *(here / n for n in
                      ("fields.py", "grid.py", "record.py", "values.py", "parsed.py", "flattened.py", "narrative.py",
                       "table3.py", "parse.py", "checks.py", "ingest.py", "rows.py"))])
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


PARSER_VERSION = _parser_version()

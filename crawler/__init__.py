"""The news archive crawler: crawl news sites into a versioned, searchable SQLite archive."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

__version__ = "0.1.0"


@functools.cache
def extractor_version() -> str:
    """The release plus a digest of the extraction code and profiles: changes with either."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for path in sorted([*root.glob("extraction/*.py"), *root.glob("profiles/*.toml")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:10]}"

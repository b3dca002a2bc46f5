"""This user's cache folder for what is slow to build and the same each run (compiled
catalogs, compiled templates): ~/.cache/<name> ($XDG_CACHE_HOME), mode 700.

A folder someone else owns or can write is not used (None): what is read from it ends up in
pages, so nobody else may put anything there. Callers work without it, only slower.
"""
from __future__ import annotations

import os
from pathlib import Path


def private_cache_dir(name: str) -> Path | None:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / name
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    mine = info.st_uid == os.getuid() and not info.st_mode & 0o022  # nobody else writes here
    return folder if mine else None

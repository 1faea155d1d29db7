"""The file chores every step shares: atomic writes and links from the cache into the site."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder, then rename.

    A reader (or a build killed halfway) never sees half a file; the name of
    the temporary file carries the process id, so parallel writers never share one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def link_or_copy(source: Path, target: Path) -> None:
    """Put `source` at `target` as a hard link (a copy across file systems), replacing what is there.

    Cache files are written once and replaced atomically, never changed in
    place, so a link is as good as a copy and costs no bytes.
    """
    try:
        os.link(source, target)
        return
    except FileExistsError:
        os.remove(target)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)

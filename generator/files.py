"""The file chores every step shares: atomic writes and links from the cache into the site."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from collections.abc import Iterator
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
    except OSError:  # another file system (mkdocs serve's folder in a tmpfs /tmp), or no hard links there
        shutil.copyfile(source, target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def same_file(a: Path | str, b: Path | str) -> bool:
    """True when `b` is a hard link to `a` (or the same path)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:
        return False
    return sa.st_ino == sb.st_ino and sa.st_dev == sb.st_dev


def walk_files(root: Path) -> Iterator[str]:
    """Every file under `root`, as a path relative to it with forward slashes."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                yield os.path.relpath(entry.path, root).replace(os.sep, "/")


def sync_tree(wanted: dict[str, Path], root: Path, memo: dict[str, tuple[str, int, int]] | None = None) -> tuple[int, int]:
    """Make `root` hold exactly `wanted` (relative path -> file), touching only what differs.

    A file already linked to its source stays; anything else is linked (or
    copied) anew; files no longer wanted are removed, and folders left empty.
    Returns (files written, files removed).

    `memo` (kept by the caller between syncs into a folder nothing else
    writes to, as `mkdocs serve`'s) remembers what each file was linked
    from: a file whose source is still the same file (inode) is not looked
    at, and only files the last sync made are candidates for removal.
    """
    root.mkdir(parents=True, exist_ok=True)
    if memo:
        try:
            return _sync_remembered(wanted, root, memo)
        except BaseException:
            memo.clear()
            raise
    written = removed = 0
    base = str(root)
    for relative, source in wanted.items():
        target = os.path.join(base, relative)  # strings: pathlib costs more than the stat at 60,000 files
        if not same_file(source, target):
            link_or_copy(source, Path(target))
            written += 1
    for folder, subfolders, files in os.walk(root, topdown=False):
        base = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if base == "." else base + "/"
        kept = 0
        for name in files:
            if prefix + name in wanted:
                kept += 1
            else:
                os.remove(os.path.join(folder, name))
                removed += 1
        if not kept and base != "." and not any(os.path.isdir(os.path.join(folder, d)) for d in subfolders):
            os.rmdir(folder)
    if memo is not None:
        memo.update(_identities(wanted))
    return written, removed


def _identities(wanted: dict[str, Path]) -> Iterator[tuple[str, tuple[str, int, int]]]:
    for relative, source in wanted.items():
        st = os.stat(source)
        yield relative, (str(source), st.st_ino, st.st_dev)


def _sync_remembered(wanted: dict[str, Path], root: Path, memo: dict[str, tuple[str, int, int]]) -> tuple[int, int]:
    written = removed = 0
    base = str(root)
    for relative, source in wanted.items():
        name = str(source)
        st = os.stat(name)
        known = memo.get(relative)
        if known is not None and known[0] == name and known[1] == st.st_ino and known[2] == st.st_dev:
            continue
        target = os.path.join(base, relative)
        if not same_file(name, target):
            link_or_copy(source, Path(target))
            written += 1
        memo[relative] = (name, st.st_ino, st.st_dev)
    emptied: set[str] = set()
    for relative in [r for r in memo if r not in wanted]:
        del memo[relative]
        target = os.path.join(base, relative)
        with contextlib.suppress(FileNotFoundError):
            os.remove(target)
            removed += 1
        emptied.add(os.path.dirname(target))
    for folder in sorted(emptied, key=len, reverse=True):  # deepest first
        while folder != base and os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)
    return written, removed


class ContentStore:
    """Files kept by their content (`.cache/store/`), so that the same bytes are always the same file.

    Files that are written anew on every build (MkDocs' own pages and theme
    assets) are linked into the site from here: unchanged content keeps its
    file, so `sync_tree` has nothing to relink, and nothing is deleted and
    written again on every save.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.used: set[str] = set()

    def add(self, path: Path) -> Path:
        """The stored file with `path`'s content (stored now if new)."""
        digest = hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
        stored = self.folder / digest[:2] / digest
        if not stored.exists():
            link_or_copy(path, stored)
        self.used.add(digest)
        return stored

    def forget_unused(self) -> None:
        """Remove stored files this build did not use."""
        if self.folder.is_dir():
            for sub in self.folder.iterdir():
                for entry in os.scandir(sub):
                    if entry.name not in self.used:
                        os.remove(entry.path)
        self.used = set()


def linkable_folder(folder: Path, store: Path) -> Path:
    """The folder to fill with links into `store` for a reader that looks in `folder`.

    Hard links cannot cross file systems, and a folder that gets copies
    instead is copied into whole on every build (`mkdocs serve` fills a
    temporary folder, and /tmp is often a tmpfs). When the empty `folder` is
    on another file system than `store`, it becomes a symbolic link to a
    folder beside the store (one per process), and that folder is returned.
    """
    store.mkdir(parents=True, exist_ok=True)
    if folder.is_symlink():
        return folder.resolve()
    try:
        if os.stat(folder).st_dev == os.stat(store).st_dev or any(folder.iterdir()):
            return folder
    except OSError:
        return folder
    beside = store.parent / f"{store.name}.linked"
    for old in beside.glob("*") if beside.is_dir() else ():
        if old.name.isdigit() and not _running(int(old.name)):
            shutil.rmtree(old, ignore_errors=True)  # left by a process that was killed
    own = beside / str(os.getpid())
    shutil.rmtree(own, ignore_errors=True)
    own.mkdir(parents=True)
    try:
        folder.rmdir()
        folder.symlink_to(own, target_is_directory=True)
    except OSError:
        folder.mkdir(exist_ok=True)
        shutil.rmtree(own, ignore_errors=True)
        return folder
    return own


def release_linked_folder(folder: Path) -> None:
    """Undo `linkable_folder`: `folder` an empty folder again, the linked folder removed."""
    if not folder.is_symlink():
        return
    own = folder.resolve()
    folder.unlink()
    folder.mkdir(exist_ok=True)
    shutil.rmtree(own, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True

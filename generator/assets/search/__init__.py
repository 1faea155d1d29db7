"""Site search: a sharded index of the catalog's records, written after the pages.

The reader side is `theme/assets/search/search.js`, included in every page's
header by `theme/partials/search.html`. The parts, in the order data flows:

- `folding`: folding and tokens, the one definition that index and browser share;
- `documents`: what is searchable, one document per published record, with weights;
- `index`: the file formats (shards, docs.bin, snippet files) and a document's analysis;
- `build`: one build, patched from the last one where documents changed;
- `store`: the cache the last build left (`.cache/search/`), and the files put into the site;
- `write_search_index` here, the build step called from the plugin's on_post_build.

An unchanged site costs the documents, their digests and one hard link per
file; an edited story costs its own analysis and the shards of the tokens it
changed. The files are the same bytes as a clean build's.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ...site.catalog import Catalog
from ...text.i18n import strings_for
from .build import Built, update
from .documents import KINDS, SearchDocument, iter_documents, plain_text, search_documents
from .folding import cjk_fold_table, fold, name_key, query_tokens, token_hash, tokens
from .index import FORMAT, NAME_PREFIX, SNIPPETS_PER_FILE
from .store import CacheDamaged, Store

__all__ = [
    "FORMAT",
    "KINDS",
    "NAME_PREFIX",
    "SNIPPETS_PER_FILE",
    "IndexFiles",
    "SearchDocument",
    "build_index",
    "cjk_fold_table",
    "fold",
    "iter_documents",
    "name_key",
    "plain_text",
    "query_tokens",
    "search_documents",
    "token_hash",
    "tokens",
    "write_documents",
    "write_index",
    "write_search_index",
]

log = logging.getLogger("mkdocs.plugins.leifeng")

_VERSION = re.compile(r"[0-9a-f]{12}")


@dataclass
class IndexFiles:
    """A whole index in memory: path in the version folder -> bytes, and the manifest."""

    version: str
    files: dict[str, bytes]
    manifest: dict
    stats: dict


def build_index(docs: Sequence[SearchDocument], field_slugs: Sequence[str]) -> IndexFiles:
    """A clean build in memory, nothing cached (tests and measurements)."""
    store = Store(None)
    store.begin()
    built = update(store, docs, [(slug, slug) for slug in field_slugs])
    files = {path: store.file(name) for path, name in built.head.files.items()}
    return IndexFiles(built.head.version, files, json.loads(built.manifest), built.stats)


def write_search_index(catalog: Catalog, config: MkDocsConfig) -> Built:
    """The build step (on_post_build): the index into the site, cached under .cache/search."""
    root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
    return write_index(catalog, Path(config.site_dir), root / ".cache" / "search")


def write_index(catalog: Catalog, site_dir: Path | None, cache_dir: Path | None = None) -> Built:
    """Write `search/` into `site_dir`; files of other versions are removed.

    With a cache, the files are hard links to `cache_dir/files/`, and `Built.sources` names them
    (site path -> cached file) for a caller that links the site itself; such a caller passes
    no `site_dir`, and nothing is installed twice.
    """
    started = time.perf_counter()
    fields = [(f.slug, f.name) for f in catalog.fields]
    labels = [strings_for(catalog.settings.language)[f"kind_{kind}"] for kind in KINDS]
    try:
        built = write_documents(
            iter_documents(catalog), fields, None if site_dir is None else site_dir / "search", cache_dir, labels=labels
        )
    except (sqlite3.DatabaseError, CacheDamaged, FileNotFoundError) as error:
        if cache_dir is None:
            raise
        log.warning(f"搜索索引缓存已损坏（{error}）：已清空 {cache_dir}，本次完整重建索引")
        shutil.rmtree(cache_dir, ignore_errors=True)
        built = write_documents(
            iter_documents(catalog), fields, None if site_dir is None else site_dir / "search", cache_dir, labels=labels
        )
    stats = built.stats
    log.info(
        f"搜索索引：{stats['docs']} 条记录，{stats['shards']} 个分片，{stats['files']} 个文件"
        f"（新写入 {stats['written']} 个），用时 {time.perf_counter() - started:.1f} 秒"
    )
    return built


def write_documents(
    docs: Iterable[SearchDocument],
    fields: Sequence[tuple[str, str]],
    root: Path | None,
    cache_dir: Path | None,
    *,
    labels: Sequence[str] | None = None,
) -> Built:
    """The index of these documents into `root` (the site's search/), patched from the cache in `cache_dir`.

    Without a `root`, nothing is installed: `Built.sources` says where each file is in the cache.
    """
    if root is None and cache_dir is None:
        raise ValueError("write_documents needs a folder to write into or a cache to keep the files in")
    if cache_dir is not None:
        for old in cache_dir.glob("*.pickle"):  # the whole-index cache of format 1
            old.unlink()
    store = Store(cache_dir)
    try:
        store.begin()
        built = update(store, docs, fields, labels)
        head = built.head
        if root is not None:
            if root.is_dir():  # versions from earlier builds (mkdocs serve reuses its folder)
                for old in root.iterdir():
                    if old.is_dir() and _VERSION.fullmatch(old.name) and old.name != head.version:
                        shutil.rmtree(old)
            store.install(head.files, root / head.version)
            store.install({"manifest.json": head.manifest}, root)
        else:
            store.verify([*head.files.values(), head.manifest])  # the caller links them: they must be there
        store.commit()
        if built.mode == "full":
            store.keep_only(set(head.files.values()) | {head.manifest})
        else:
            store.drop_files(built.stale)
    finally:
        store.rollback()
        store.close()
    if cache_dir is not None:
        files = cache_dir / "files"
        built.sources = {f"search/{head.version}/{path}": files / name for path, name in head.files.items()}
        built.sources["search/manifest.json"] = files / head.manifest
    return built

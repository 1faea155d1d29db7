"""Site search: folding, tokens, documents, the index format and ranking.

The browser side (theme/assets/search/search.js) is tested in
tests/browser/test_search_browser.py; here a Python reader with the same
rules (tests/test_search_support.py) asks the ranking questions.
"""

from __future__ import annotations

import json

import pytest

from generator.assets.search import (
    SearchDocument,
    build_index,
    fold,
    name_key,
    plain_text,
    query_tokens,
    token_hash,
    tokens,
)
from generator.assets.search import documents as search_documents_module
from tests.conftest import Built, SiteMaker, build
from tests.test_search_support import SearchReader, read_shard

# --- folding -----------------------------------------------------------------


def test_traditional_characters_fold_to_simplified() -> None:
    assert fold("雷鋒精神") == fold("雷锋精神") == "雷锋精神"
    assert fold("圖書館裡的志願者") == "图书馆里的志愿者"


def test_taiwan_and_hong_kong_variants_fold_together() -> None:
    assert fold("裡") == fold("裏") == fold("里")
    assert fold("為") == fold("爲") == fold("为")


def test_full_width_latin_and_case_fold_to_lowercase_ascii() -> None:
    assert fold("ＡＥＤ急救　Ｇ２０") == "aed急救 g20"
    assert fold("AED") == "aed"


def test_folding_keeps_every_position() -> None:
    text = "「雷鋒書架」ＡＢＣ😀 ok İ"
    assert len(fold(text)) == len(text)


# --- tokens --------------------------------------------------------------------


def test_chinese_runs_give_overlapping_bigrams() -> None:
    assert tokens(fold("雷锋精神")) == ["雷锋", "锋精", "精神"]


def test_a_single_character_gives_a_unigram_and_latin_gives_words() -> None:
    assert tokens(fold("王 AED急救 2024年")) == ["王", "aed", "急救", "2024", "年"]


def test_a_two_character_word_inside_a_longer_one_is_one_of_its_tokens() -> None:
    assert set(query_tokens("助残")) <= set(tokens(fold("开展志愿助残服务")))


@pytest.mark.parametrize("query", ["", "   ", "，。！？、“”", "！!?？……——", "\u3000\u3000", "😀😀"])
def test_punctuation_and_empty_queries_give_no_tokens(query: str) -> None:
    assert query_tokens(query) == []


def test_a_long_query_gives_a_bounded_number_of_tokens() -> None:
    assert len(query_tokens("学雷锋志愿服务" * 80)) <= 32


def test_name_key_ignores_spaces_and_punctuation() -> None:
    assert name_key("王 建国！") == name_key("王建國") == "王建国"


def test_token_hash_matches_the_browser_fnv1a() -> None:
    # FNV-1a reference values; the browser test checks search.js finds the same shards.
    assert token_hash("") == 0x811C9DC5
    assert token_hash("a") == 0xE40C292C


# --- documents -------------------------------------------------------------------


def test_plain_text_drops_markdown_syntax_and_keeps_words() -> None:
    markdown = "## 小标题\n\n**加粗**的[链接](https://x.cn)和![图](media/a.jpg)<br>\n\n- 列表项\n\n| 表 | 格 |\n|---|---|\n| 一 | 二 |"
    text = plain_text(markdown)
    assert text.startswith("小标题 加粗的链接和")
    assert "列表项" in text and "一" in text
    for noise in ("#", "*", "](", "media/", "<br>", "---"):
        assert noise not in text


def test_plain_text_is_remembered_for_the_next_build_only(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(search_documents_module, "_plain_text", lambda markdown: calls.append(markdown) or markdown)
    remembered = search_documents_module._Remembered
    monkeypatch.setattr(remembered, "last", {})
    monkeypatch.setattr(remembered, "this", {})
    for _ in range(2):  # two builds in one process (mkdocs serve)
        remembered.next_build()
        plain_text("**助残**")
    assert calls == ["**助残**"]
    remembered.next_build()  # a build without it
    remembered.next_build()
    plain_text("**助残**")
    assert calls == ["**助残**", "**助残**"]


# --- index and ranking -----------------------------------------------------------


def _doc(
    kind: str, url: str, title: str, *, lead: str = "", facts: str = "", body: str = "", year: int | None = None, fields: tuple = ()
) -> SearchDocument:
    parts = tuple((w, t) for w, t in ((8, title), (3, lead), (2, facts), (1, body)) if t)
    return SearchDocument(kind, url, title, "", year, fields, parts, " ".join(t for _, t in parts))


def _reader(docs: list[SearchDocument], fields: list[str] | None = None) -> SearchReader:
    fields = fields or ["zhu-lao", "zhu-can"]
    index = build_index(docs, fields)
    return SearchReader(index.manifest, index.files)


def test_a_full_name_finds_the_profile_before_stories_that_repeat_it() -> None:
    docs = [
        _doc("volunteer", "volunteers/wang/", "王建国", body="退休教师。"),
        _doc("story", "stories/2024/a/", "王建国和他的王建国服务队", body="王建国" * 20),
    ]
    docs.reverse()  # numbering order must not decide it
    reader = _reader(docs)
    assert reader.urls("王建国")[0] == "volunteers/wang/"
    assert reader.urls("王 建國")[0] == "volunteers/wang/"


def test_a_title_match_ranks_above_a_body_match() -> None:
    reader = _reader(
        [
            _doc("story", "stories/2024/body/", "社区新闻", body="今天开展了垃圾分类宣传。" + "居民很多。" * 30),
            _doc("story", "stories/2024/title/", "垃圾分类进社区", body="居民很多。" * 30),
        ]
    )
    assert reader.urls("垃圾分类") == ["stories/2024/title/", "stories/2024/body/"]


def test_simplified_and_traditional_find_each_other() -> None:
    reader = _reader(
        [
            _doc("story", "stories/2023/trad/", "雷鋒書架", body="傳承雷鋒精神。"),
            _doc("story", "stories/2024/simp/", "助老", body="弘扬雷锋精神。"),
        ]
    )
    assert set(reader.urls("雷锋精神")) == {"stories/2023/trad/", "stories/2024/simp/"}
    assert set(reader.urls("雷鋒精神")) == {"stories/2023/trad/", "stories/2024/simp/"}
    assert reader.urls("雷锋书架") == ["stories/2023/trad/"]


def test_a_short_word_inside_a_longer_word_is_found() -> None:
    reader = _reader([_doc("project", "projects/p/", "阳光志愿助残行动"), _doc("project", "projects/q/", "助老")])
    assert reader.urls("助残") == ["projects/p/"]


def test_all_tokens_must_match_when_some_document_has_them_all() -> None:
    reader = _reader([_doc("story", "stories/2024/a/", "空巢老人"), _doc("story", "stories/2024/b/", "空巢老人 垃圾分类")])
    assert reader.urls("空巢老人 垃圾分类") == ["stories/2024/b/"]


def test_without_a_full_match_the_best_partial_matches_are_returned() -> None:
    reader = _reader([_doc("story", "stories/2024/a/", "空巢老人"), _doc("story", "stories/2024/b/", "交通劝导")])
    assert reader.urls("空巢老人 不存在的词") == ["stories/2024/a/"]


def test_one_character_queries_find_names_and_titles() -> None:
    reader = _reader([_doc("volunteer", "volunteers/lei/", "雷小峰"), _doc("story", "stories/2024/a/", "无关", body="打雷了")])
    assert reader.urls("雷") == ["volunteers/lei/"]


def test_document_table_holds_kind_year_and_fields() -> None:
    reader = _reader(
        [
            _doc("volunteer", "volunteers/v/", "甲", fields=("zhu-can",)),
            _doc("story", "stories/2024/s/", "乙", year=2024, fields=("zhu-lao", "zhu-can")),
        ]
    )
    table = reader.files["docs.bin"]
    assert reader.width == 4 and len(table) == 8
    assert [reader.kind_of(0), reader.kind_of(1)] == ["volunteer", "story"]
    assert [reader.year_of(0), reader.year_of(1)] == [0, 2024]
    assert [table[3], table[7]] == [0b10, 0b11]


def test_every_token_is_in_the_shard_its_hash_names() -> None:
    docs = [_doc("story", f"stories/2024/{i}/", f"故事{i}", body="志愿服务" * i + f"第{i}号") for i in range(40)]
    index = build_index(docs, [])
    shards = index.manifest["shards"]
    for path, data in index.files.items():
        if path.startswith("s/"):
            number = int(path[2:-4])
            assert all(token_hash(t) % shards == number for t in read_shard(data))


def test_the_same_documents_give_the_same_bytes() -> None:
    docs = [_doc("story", "stories/2024/a/", "空巢老人", body="助老服务")]
    assert build_index(docs, []).files == build_index(list(docs), []).files


# --- a built site -------------------------------------------------------------------


def _small_site(site: SiteMaker) -> SiteMaker:
    site.volunteer("wang-jianguo", "王建国", fields=["助残服务"], headline="手语老师")
    site.record("projects", "zhucan", name="阳光志愿助残", fields=["zhu-can"])
    site.story("s1", "王建国的手语课", "2024-05-19", body="他为听障孩子上课。", volunteers=["wang-jianguo"], fields=["助残服务"])
    site.story("s2", "圖書館裡的雷鋒書架", "2023-03-05", body="傳承雷鋒精神。")
    return site


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Built:
    built = _small_site(SiteMaker(tmp_path_factory.mktemp("search"))).build()
    assert built.returncode == 0, built.output
    return built


def test_the_build_writes_an_index_of_records_only(small: Built) -> None:
    built = small
    manifest = json.loads((built.site / "search" / "manifest.json").read_text(encoding="utf-8"))
    reader = SearchReader.from_site(built.site)
    urls = sorted(reader.document(n)["u"] for n in range(manifest["docs"]))
    assert urls == ["projects/zhucan/", "stories/2023/s2/", "stories/2024/s1/", "volunteers/wang-jianguo/"]
    assert all(built.exists(url) for url in urls)
    assert manifest["years"] == [2024, 2023]
    assert not (built.site / "search" / "search_index.json").exists()


def test_the_built_index_answers_the_readers_questions(small: Built) -> None:
    reader = SearchReader.from_site(small.site)
    assert reader.urls("王建国")[0] == "volunteers/wang-jianguo/"
    assert reader.urls("雷锋精神") == ["stories/2023/s2/"]
    assert reader.urls("助残")[0] == "projects/zhucan/"


def test_every_page_has_the_search_box_and_no_material_search(small: Built) -> None:
    built = small
    for url in ("", "stories/", "volunteers/wang-jianguo/", "about/"):
        if not built.exists(url):
            continue
        soup = built.html(url)
        box = soup.select_one("[data-lf-search] input[name=q]")
        assert box is not None, url
        assert soup.select_one("form[name=search]") is None  # Material's script would fetch its own index
        assert soup.select_one('script[src$="assets/search/search.js"]') is not None
    assert (built.site / "assets" / "search" / "search.js").is_file()


def test_a_traditional_site_names_the_kinds_of_records_in_traditional(site: SiteMaker) -> None:
    _small_site(site).write_config()
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: zh\n", "language: zh-TW\n"), encoding="utf-8")
    built = build(site.root)
    assert built.returncode == 0, built.output
    manifest = json.loads((built.site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert dict(manifest["kinds"])["volunteer"] == "志願者"


def test_an_unchanged_site_reuses_the_cached_index(site: SiteMaker) -> None:
    first = _small_site(site).build()
    assert first.returncode == 0, first.output
    files = site.root / ".cache" / "search" / "files"
    stamps = {p.name: p.stat().st_mtime_ns for p in files.iterdir()}
    second = site.build()
    assert second.returncode == 0, second.output
    assert {p.name: p.stat().st_mtime_ns for p in files.iterdir()} == stamps
    assert "新写入 0 个" in second.output

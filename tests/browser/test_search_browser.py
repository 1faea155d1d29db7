"""Search in a real Chromium at phone size, on the example site served under
/zyfw/ by a plain static server: the reader's queries and what they see."""

from __future__ import annotations

import search_fixtures
from search_fixtures import SearchPage

from tests.test_search_support import SearchReader

# Search page helpers live in search_fixtures.py; the server and browser are conftest.py's.
search_site = search_fixtures.search_site
phone = search_fixtures.phone


def test_a_simplified_query_finds_records_and_highlights_the_words(phone: SearchPage) -> None:
    phone.open("stories/")
    phone.open_search()
    results = phone.search("雷锋精神")
    assert results, phone.message()
    assert "符合条件" in phone.message()
    assert {r.kind for r in results} <= {"故事", "志愿者", "项目", "组织", "主题活动", "荣誉", "专题"}
    assert any("雷锋精神" in r.marks for r in results[:3])
    assert all(phone.path(r.href) for r in results)


def test_a_simplified_query_finds_the_traditional_story(phone: SearchPage) -> None:
    phone.open()
    phone.open_search()
    results = phone.search("雷锋书架")
    paths = [phone.path(r.href) for r in results]
    assert "stories/2023/leifeng-shujia/" in paths[:2]
    story = results[paths.index("stories/2023/leifeng-shujia/")]
    assert story.kind == "故事"
    assert "雷鋒書架" in story.marks  # highlighted in the original characters


def test_a_traditional_query_finds_simplified_content(phone: SearchPage) -> None:
    phone.open()
    phone.open_search()
    results = phone.search("歐陽嵐")
    assert phone.path(results[0].href) == "volunteers/ouyang-lan/"
    assert results[0].title == "欧阳岚"
    traditional = phone.search("無聲的聲音")
    assert "stories/2024/wusheng-de-shengyin/" in [phone.path(r.href) for r in traditional][:3]


def test_a_two_character_word_inside_longer_words_is_found(phone: SearchPage) -> None:
    phone.open()
    phone.open_search()
    results = phone.search("助残")
    assert len(results) >= 3
    assert all("助残" in r.marks for r in results)
    texts = " ".join(r.title + r.snippet for r in results)
    assert "助老助残" in texts or "全国助残日" in texts or "助残服务" in texts


def test_a_full_name_finds_the_profile_first(phone: SearchPage) -> None:
    phone.open("honors/")
    phone.open_search()
    for name, path in (("高淑琴", "volunteers/gao-shuqin/"), ("李卫民", "volunteers/li-weimin/")):
        first = phone.search(name)[0]
        assert (first.kind, phone.path(first.href)) == ("志愿者", path)


def test_filters_narrow_the_results_by_type_and_year(phone: SearchPage) -> None:
    phone.open()
    phone.open_search()
    everything = phone.search("雷锋")
    assert {"故事", "志愿者"} <= {r.kind for r in everything}
    phone.page.select_option(
        "select[name=kind]",
        label=phone.page.eval_on_selector(
            "select[name=kind]", "s => Array.from(s.options).find(o => o.textContent.startsWith('志愿者')).textContent"
        ),
    )
    volunteers = phone.results("雷锋")
    assert volunteers and {r.kind for r in volunteers} == {"志愿者"}
    phone.page.select_option("select[name=kind]", value="")
    phone.page.select_option("select[name=year]", value="2024")
    in_2024 = phone.results("雷锋")
    assert in_2024 and len(in_2024) < len(everything)
    for result in in_2024:
        assert result.kind in ("故事", "荣誉", "主题活动", "专题")  # the kinds that have a year
        assert "2024" in phone.path(result.href) or result.kind != "故事"


def test_a_field_filter_keeps_records_of_that_field(phone: SearchPage) -> None:
    phone.open()
    phone.open_search()
    phone.search("志愿服务")
    phone.page.select_option(
        "select[name=field]",
        label=phone.page.eval_on_selector(
            "select[name=field]", "s => Array.from(s.options).find(o => o.textContent.startsWith('助残服务')).textContent"
        ),
    )
    results = phone.results("志愿服务")
    assert results
    for result in results:
        phone.page.goto(result.href)
        assert phone.page.locator("a[href*='fields/zhu-can/']").count() > 0, result.href
        break  # one page is enough to show the filter's meaning; the rest were counted above


def test_empty_long_and_punctuation_queries_leave_the_page_working(phone: SearchPage) -> None:
    phone.open("stories/")
    phone.open_search()
    assert phone.search("，。！？、“”……") == []
    assert "请输入" in phone.message()
    long = phone.search("学雷锋志愿服务暖人心" * 50)  # 500 characters
    assert len("学雷锋志愿服务暖人心" * 50) == 500 and long
    phone.type("")
    phone.page.wait_for_function("document.querySelector('[data-lf-search]').getAttribute('data-lf-search-state') === 'ready'")
    assert phone.page.locator("[data-lf-search-list] li").count() == 0
    assert phone.search("ＡＥＤ") is not None  # full-width Latin
    assert phone.page.evaluate("1 + 1") == 2  # still responsive


def test_the_index_is_read_from_the_sub_path_and_a_query_loads_few_files(phone: SearchPage) -> None:
    phone.open("volunteers/")
    phone.open_search()
    phone.search("垃圾分类")
    assert all(phone.path(u) for u in phone.requests)  # everything under /zyfw/
    index = [phone.path(u) for u in phone.requests if phone.path(u).startswith("search/")]
    assert "search/manifest.json" in index
    shards = [u for u in index if "/s/" in u]
    assert 1 <= len(shards) <= 4  # three bigrams and the name key, at most


def test_a_result_opens_its_page(phone: SearchPage) -> None:
    phone.open()
    phone.open_search()
    first = phone.search("高淑琴")[0]
    phone.page.click("[data-lf-search-list] li a")
    phone.page.wait_for_url(first.href)
    assert phone.page.locator("h1").first.inner_text().strip().startswith("高淑琴")


def test_letters_of_an_input_method_being_composed_are_not_searched(phone: SearchPage) -> None:
    phone.open()
    phone.open_search()
    phone.page.evaluate(
        """() => {
            const box = document.querySelector('[data-lf-search] input[name=q]');
            box.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
            box.value = 'lei feng';
            box.dispatchEvent(new InputEvent('input', {data: 'lei feng', isComposing: true}));
        }"""
    )
    phone.page.wait_for_timeout(300)
    assert phone.page.get_attribute("[data-lf-search-list]", "data-lf-query") is None
    phone.page.evaluate(
        """() => {
            const box = document.querySelector('[data-lf-search] input[name=q]');
            box.value = '雷锋';
            box.dispatchEvent(new InputEvent('input', {data: '雷锋', isComposing: true}));
            box.dispatchEvent(new CompositionEvent('compositionend', {data: '雷锋'}));
        }"""
    )
    assert phone.results("雷锋")


def test_the_browser_ranks_as_the_index_format_says(phone: SearchPage) -> None:
    # tests/test_search_support.py reads the format as index.py describes it; search.js must agree, ties included.
    reader = SearchReader.from_site(phone.site.site)
    phone.open()
    phone.open_search()
    for query in ("雷锋", "志愿服务", "助残", "社区", "王建国", "雷鋒精神"):
        shown = [phone.path(r.href) for r in phone.search(query)]
        assert shown == reader.urls(query)[: len(shown)], query

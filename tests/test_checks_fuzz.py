"""Property tests: whatever staff type, the loader and checks answer with clean problems.

The load and validate functions are called directly (no files, no MkDocs),
so hypothesis can try hundreds of inputs in a few seconds. "Clean" means:
no exception, and every problem names the file, a line inside it (or none),
and a message in Chinese. Personal numbers are found and never echoed.
"""

from __future__ import annotations

import datetime as dt
import os
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.content.load import parse_record, parse_story
from generator.content.models import RECORD_TYPES, YAML_RECORD_TYPES, Story
from generator.content.problems import Problems
from generator.content.settings import make_settings
from generator.content.sources import normalise_newlines
from generator.content.validate import is_resident_id, validate
from generator.site.catalog import Catalog

from .test_checks_support import english_sentences

ROOT = Path(__file__).resolve().parent / "data" / "fuzz-site"  # never created: media lookups just miss
SETTINGS = make_settings({"build_date": "2026-11-22"}, ROOT)
# LEIFENG_FUZZ_EXAMPLES=5000 for a longer hunt; the default keeps the suite fast.
FUZZ = settings(
    max_examples=int(os.environ.get("LEIFENG_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _field_names() -> list[str]:
    names: set[str] = set()

    def walk(model) -> None:
        for name, info in model.model_fields.items():
            names.add(name)
            for arg in [info.annotation, *getattr(info.annotation, "__args__", ())]:
                for inner in [arg, *getattr(arg, "__args__", ())]:
                    if isinstance(inner, type) and hasattr(inner, "model_fields"):
                        walk(inner)

    for cls in RECORD_TYPES.values():
        walk(cls)
    return sorted(names)


FIELDS = _field_names()
KEYS = st.one_of(st.sampled_from(FIELDS), st.sampled_from(FIELDS).map(lambda k: k[:-1] or k), st.text(min_size=1, max_size=8))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(
        [
            "2024-03-05",
            "2024-13-01",
            "2023-02-29",
            "0000-00-00",
            "media/a.jpg",
            "../../etc/passwd",
            "/etc/passwd",
            "zhang-san",
            "Zhang San",
            "助老服务",
            "市级",
            "运行中",
            "监护人",
            "http://x.example/a.jpg",
            "11010519491231002X",
            "13912345678",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=5)), max_leaves=20
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, max_size=10)

# Pieces of YAML text, glued into lines: indents with spaces and tabs, keys,
# colons, quotes, brackets, anchors, block scalars, document markers.
PIECES = st.sampled_from(
    [
        "  ",
        "    ",
        "\t",
        "- ",
        ": ",
        ":",
        "'",
        '"',
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "|",
        ">",
        "---",
        "...",
        "#",
        "%",
        "@",
        "`",
        "!",
        "?",
        "\\",
        "\ufeff",
        "\x07",
    ]
    + FIELDS
    + ["张三", "2024-02-30", "true", "1e400", "0x1F", "~", "null", "13912345678", "11010519491231002X"]
)
YAMLISH = st.lists(st.lists(PIECES, max_size=8).map("".join), max_size=12).map("\n".join)


def _assert_clean(problems: Problems, file: str, text: str) -> None:
    # Lines as an editor counts them (CR, CRLF, NEL, U+2028/2029 all end one), and one past the end.
    lines = normalise_newlines(text).count("\n") + 2
    for problem in problems:
        assert problem.position.file == file, problem
        assert 0 <= problem.position.line <= lines, (problem, lines)
        assert problem.message and any("\u4e00" <= ch <= "\u9fff" for ch in problem.message), problem
        assert not english_sentences(problem.message + "\n" + problem.hint, text), problem


def _check_record(cls, text: str) -> Problems:
    problems = Problems()
    file = f"content/{cls.folder}/fuzz.yaml"
    raw = parse_record(cls, "fuzz", file, ROOT / file, text, problems)
    validated = validate([raw], SETTINGS, problems)
    if not problems.errors:
        Catalog(validated, SETTINGS)  # what passes the checks must also catalogue
    _assert_clean(problems, file, text)
    return problems


def _check_story(text: str) -> Problems:
    problems = Problems()
    file = "stories/fuzz.md"
    raw = parse_story("fuzz", file, ROOT / file, text, problems)
    validated = validate([raw], SETTINGS, problems)
    if not problems.errors:
        Catalog(validated, SETTINGS)
    _assert_clean(problems, file, text)
    return problems


@FUZZ
@given(cls=st.sampled_from(YAML_RECORD_TYPES), text=st.text(max_size=300))
# Found by this test on CI: YAML counts CR, NEL and U+2028/2029 as line breaks, so line numbers ran ahead.
@example(cls=YAML_RECORD_TYPES[0], text="\r[")
@example(cls=YAML_RECORD_TYPES[0], text="a: 1\u2028b: [\u2029")
def test_random_text_never_crashes_the_loader(cls, text: str) -> None:
    _check_record(cls, text)


@FUZZ
@given(cls=st.sampled_from(YAML_RECORD_TYPES), text=YAMLISH)
def test_random_yaml_like_text_never_crashes_the_loader(cls, text: str) -> None:
    _check_record(cls, text)


@FUZZ
@given(cls=st.sampled_from(YAML_RECORD_TYPES), data=DOCUMENTS)
def test_random_well_formed_records_get_clean_problems(cls, data: dict) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _check_record(cls, text)


@FUZZ
@given(
    front=st.one_of(YAMLISH, DOCUMENTS.map(lambda d: yaml.safe_dump(d, allow_unicode=True))),
    body=st.text(max_size=200),
    closed=st.booleans(),
)
def test_random_front_matter_never_crashes_the_story_loader(front: str, body: str, closed: bool) -> None:
    text = "---\n" + front + ("\n---\n" if closed else "\n") + body
    _check_story(text)


@FUZZ
@given(text=st.text(max_size=300))
def test_random_story_files_never_crash_the_story_loader(text: str) -> None:
    _check_story(text)


# --- personal numbers -----------------------------------------------------------------


def _with_check_digit(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights, strict=True)) % 11]


ID_NUMBERS = st.builds(
    lambda area, born, seq: _with_check_digit(f"{area:06d}{born:%Y%m%d}{seq:03d}"),
    st.integers(110000, 659999),
    st.dates(dt.date(1920, 1, 1), dt.date(2020, 12, 31)),
    st.integers(0, 999),
)
MOBILES = st.builds(lambda prefix, rest: f"1{prefix}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 999_999_999))
FILLER = st.text(alphabet=string.ascii_letters + "，。志愿服务 \n", max_size=40)


@FUZZ
@given(number=ID_NUMBERS, before=FILLER, after=FILLER)
def test_an_id_number_in_a_story_is_found_on_its_line_and_never_echoed(number: str, before: str, after: str) -> None:
    assert is_resident_id(number)
    body = before + number + after
    text = "---\ntitle: 标题\ndate: 2024-03-05\n---\n" + body
    problems = _check_story(text)
    found = [p for p in problems if p.code == "privacy.id-number"]
    assert found and found[0].position.line == 5 + before.count("\n")
    assert all(number not in p.message + p.hint and number.lower() not in p.message for p in problems)


@FUZZ
@given(number=MOBILES, field=st.sampled_from(["bio", "quote", "headline", "unit"]), quoted=st.booleans())
def test_a_mobile_number_in_a_volunteer_is_found_and_never_echoed(number: str, field: str, quoted: bool) -> None:
    value = f'"电话 {number}"' if quoted else f"电话 {number}"
    problems = _check_record(RECORD_TYPES["volunteer"], f"name: 张三\n{field}: {value}\nconsent: {{publish: true}}\n")
    found = [p for p in problems if p.code == "privacy.mobile"]
    assert found and found[0].position.line == 2 and f"字段 {field}" in found[0].message
    assert all(number not in p.message + p.hint for p in problems)


@FUZZ
@given(digits=st.text(alphabet="0123456789", min_size=18, max_size=18))
def test_eighteen_digit_numbers_trip_the_rule_only_with_a_valid_check_digit(digits: str) -> None:
    text = f"---\ntitle: 标题\ndate: 2024-03-05\n---\n编号 {digits} 。\n"
    problems = _check_story(text)
    assert any(p.code == "privacy.id-number" for p in problems) == is_resident_id(digits)


def test_story_class_is_the_one_fuzzed() -> None:
    assert RECORD_TYPES["story"] is Story

"""No English from libraries in what staff read.

The YAML parsers (libyaml and PyYAML's pure-Python one) and pydantic describe
mistakes in English. Every one of their messages is fed through the checks
here, and what comes out must be Chinese with no English sentence in it
(`english_sentences`: a run of two or more English words that staff did not
write themselves). "Contains a Chinese character" is not enough: "YAML
格式错误：did not find expected key" contains one.

The vocabularies come from the parsers' own source: PyYAML's is read from the
installed package (every `...Error(context, mark, problem, mark)` it can
raise); libyaml's is written out below from its C source.
"""

from __future__ import annotations

import ast
import os
import random
import re
import textwrap
import typing
from pathlib import Path
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic_core.core_schema import ErrorType

from generator.content import sources
from generator.content.load import parse_record, parse_story
from generator.content.models import RECORD_TYPES, Honor, Story, Volunteer
from generator.content.problems import Problems
from generator.content.settings import make_settings
from generator.content.validate import describe_model_error, validate

from .test_checks_fuzz import PIECES
from .test_checks_support import GOOD_FILES, english_sentences

ROOT = Path(__file__).resolve().parent / "data" / "fuzz-site"  # never created: media lookups just miss
SETTINGS = make_settings({"build_date": "2026-11-22"}, ROOT)
LOADERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "python": yaml.SafeLoader}


def _chinese_and_nothing_else(message: str, hint: str, written: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert not english_sentences(message + "\n" + hint, written), (message, hint)


# --- the parsers' vocabularies -------------------------------------------------------------

# libyaml 0.2.5, src/scanner.c, src/parser.c, src/loader.c, src/reader.c: every context and
# problem string passed to yaml_parser_set_scanner_error / _parser_error(_context) / _composer_error.
LIBYAML_CONTEXTS = [
    "while scanning a %TAG directive",
    "while scanning a %YAML directive",
    "while scanning a block scalar",
    "while scanning a directive",
    "while scanning a plain scalar",
    "while scanning a quoted scalar",
    "while scanning a simple key",
    "while scanning a tag",
    "while scanning a tag directive",
    "while scanning an alias",
    "while scanning an anchor",
    "while scanning for the next token",
    "while parsing a %TAG directive",
    "while parsing a block collection",
    "while parsing a block mapping",
    "while parsing a block node",
    "while parsing a flow mapping",
    "while parsing a flow node",
    "while parsing a flow sequence",
    "while parsing a node",
    "while parsing a quoted scalar",
    "while parsing a tag",
    "while parsing a tag directive",
    "found duplicate anchor; first occurrence",
    "expected a single document in the stream",
]
LIBYAML_PROBLEMS = [
    "block sequence entries are not allowed in this context",
    "control characters are not allowed",
    "could not find expected ':'",
    "could not find expected directive name",
    "did not find URI escaped octet",
    "did not find expected '!'",
    "did not find expected ',' or ']'",
    "did not find expected ',' or '}'",
    "did not find expected '-' indicator",
    "did not find expected <document start>",
    "did not find expected <stream-start>",
    "did not find expected alphabetic or numeric character",
    "did not find expected comment or line break",
    "did not find expected digit or '.' character",
    "did not find expected hexdecimal number",
    "did not find expected key",
    "did not find expected node content",
    "did not find expected tag URI",
    "did not find expected version number",
    "did not find expected whitespace",
    "did not find expected whitespace or line break",
    "did not find the expected '>'",
    "duplicate %TAG directive",
    "found a tab character that violates indentation",
    "found a tab character where an indentation space is expected",
    "found an incorrect leading UTF-8 octet",
    "found an incorrect trailing UTF-8 octet",
    "found an indentation indicator equal to 0",
    "found character that cannot start any token",
    "found duplicate %TAG directive",
    "found duplicate %YAML directive",
    "found extremely long version number",
    "found incompatible YAML document",
    "found invalid Unicode character escape code",
    "found undefined alias",
    "found undefined tag handle",
    "found unexpected ':'",
    "found unexpected document indicator",
    "found unexpected end of stream",
    "found unexpected non-alphabetical character",
    "found unknown directive name",
    "found unknown escape character",
    "incompatible %YAML directive",
    "incomplete UTF-16 character",
    "incomplete UTF-16 surrogate pair",
    "incomplete UTF-8 octet sequence",
    "input is too long",
    "invalid Unicode character",
    "invalid leading UTF-8 octet",
    "invalid length of a UTF-8 sequence",
    "invalid trailing UTF-8 octet",
    "mapping keys are not allowed in this context",
    "mapping values are not allowed in this context",
    "second occurrence",
    "but found another document",
    "unexpected low surrogate area",
]


def _literal(node: ast.expr) -> str | None:
    """The text of a message argument: a string, or a `"... %r" % x` format with a sample filled in."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
        return re.sub(r"%[rsd]", lambda m: {"%r": "'@'", "%s": "scalar", "%d": "2"}[m.group(0)], node.left.value)
    return None


def pyyaml_vocabulary() -> list[tuple[str, str | None, str | None]]:
    """(error class, context, problem) of every error the installed PyYAML's loader modules raise."""
    found = set()
    for module in ("scanner", "parser", "composer", "constructor", "reader"):
        tree = ast.parse(Path(yaml.__file__).with_name(f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id.endswith("Error")):
                continue
            texts = [_literal(arg) for arg in node.args]
            context = texts[0] if texts else None
            problem = texts[2] if len(texts) > 2 else None
            if context or problem:
                found.add((node.func.id, context, problem))
    return sorted(found, key=str)


def test_the_vocabularies_are_read() -> None:
    vocabulary = pyyaml_vocabulary()
    assert len(vocabulary) > 50
    assert ("ScannerError", "while scanning a block scalar", "expected chomping or indentation indicators, but found '@'") in vocabulary


SAMPLE = "name: 张三\nregion: 江城\n"
ERROR_CLASSES = {cls.__name__: cls for cls in (yaml.scanner.ScannerError, yaml.parser.ParserError, yaml.composer.ComposerError)}
ERROR_CLASSES["ConstructorError"] = yaml.constructor.ConstructorError


def _raising_loader(error: Exception) -> type:
    """A loader that raises `error` as soon as it is asked for the document."""

    class Loader:
        def __init__(self, text: str) -> None:
            pass

        def get_single_node(self):
            raise error

        def dispose(self) -> None:
            pass

    return Loader


def _problems_for(error: Exception) -> Problems:
    problems = Problems()
    with mock.patch.object(sources, "_Loader", _raising_loader(error)):
        sources.parse_yaml(SAMPLE, "content/volunteers/x.yaml", problems)
    return problems


def _mark(line: int, column: int) -> yaml.Mark:
    return yaml.Mark("<file>", 0, line, column, None, None)


def _all_pairs() -> list[tuple[str, str | None, str | None]]:
    pyyaml = pyyaml_vocabulary()
    contexts = sorted({c for _, c, _ in pyyaml if c} | set(LIBYAML_CONTEXTS), key=str) + [None]
    problems = sorted({p for _, _, p in pyyaml if p} | set(LIBYAML_PROBLEMS), key=str)
    pairs = [(name, context, problem) for name in ERROR_CLASSES for context in contexts for problem in problems]
    return pyyaml + pairs + [(name, context, None) for name in ERROR_CLASSES for context in contexts]


def test_every_yaml_parser_message_reaches_staff_in_chinese() -> None:
    """Every context and problem either parser can raise, in every combination, on every error class."""
    unreadable = []
    for name, context, problem in _all_pairs():
        error = ERROR_CLASSES.get(name, yaml.scanner.ScannerError)(context, _mark(0, 6), problem, _mark(1, 0))
        problems = _problems_for(error)
        assert len(problems) == 1
        (found,) = problems
        assert found.position.line in (1, 2)
        if not re.search(r"[\u4e00-\u9fff]", found.message) or english_sentences(found.message + "\n" + found.hint, SAMPLE):
            unreadable.append((name, context, problem, found.message, found.hint))
    assert unreadable == []


def test_a_reader_error_reaches_staff_in_chinese() -> None:
    problems = _problems_for(yaml.reader.ReaderError("<file>", 7, 0x7, "unicode", "special characters are not allowed"))
    (found,) = problems
    _chinese_and_nothing_else(found.message, found.hint, SAMPLE)


# --- real mistakes, through both parsers -----------------------------------------------------

# One small file for each kind of mistake the parsers know (tags, directives, escapes,
# quotes, brackets, tabs, anchors, block scalars, merge keys, indentation...).
MISTAKES = {
    "python-tag": "name: !!python/object:os.system x\n",
    "unknown-tag": "name: !foo x\n",
    "bang-before-chinese": "summary: !重要通知\n",
    "undefined-tag-handle": "name: !x!y z\n",
    "unclosed-verbatim-tag": "name: !<tag:x\n",
    "tag-without-suffix": "name: !! x\n",
    "bad-uri-escape-in-tag": "name: !<%zz> x\n",
    "bad-base64": "name: !!binary 'not base64!!!'\n",
    "int-tag-on-text": "since: !!int abc\n",
    "float-tag-on-text": "service_hours: !!float 很多\n",
    "timestamp-tag-on-text": "date: !!timestamp 昨天\n",
    "map-tag-on-text": "fields: !!map x\n",
    "seq-tag-on-text": "fields: !!seq x\n",
    "omap-tag-on-list": "fields: !!omap [1]\n",
    "yaml-2-directive": "%YAML 2.0\n---\nname: x\n",
    "directive-without-start": "%YAML 1.1\nname: x\n",
    "unknown-directive": "%FOO bar\n---\nname: x\n",
    "duplicate-directive": "%YAML 1.1\n%YAML 1.1\n---\nname: x\n",
    "duplicate-tag-directive": "%TAG ! tag:a,\n%TAG ! tag:b,\n---\nname: x\n",
    "bad-version": "%YAML 1.x\n---\nname: x\n",
    "long-version": "%YAML 1.1234567890123\n---\nname: x\n",
    "bad-tag-directive": "%TAG x y\n---\nname: x\n",
    "directive-at-the-end": "name: x\n%YAML 1.1\n",
    "percent-line": "name: x\n% y\n",
    "unknown-escape": 'name: "a\\qb"\n',
    "bad-hex-escape": 'name: "a\\xZZ"\n',
    "bad-unicode-escape": 'name: "a\\uD800"\n',
    "unclosed-double-quote": 'name: "abc\nregion: x\n',
    "unclosed-single-quote": "name: 'abc\nregion: x\n",
    "document-marker-inside-quotes": 'name: "abc\n---\n"\n',
    "unclosed-bracket": "fields: [a, b\nregion: x\n",
    "unclosed-brace": "consent: {publish: true\nregion: x\n",
    "extra-bracket": "fields: [a, b]]\n",
    "brace-in-brackets": "fields: [a, }\n",
    "empty-entry": "fields: [a, , b]\n",
    "block-list-in-brackets": "fields: [\n- a]\n",
    "missing-comma": "fields: [a b: c d: e]\n",
    "tab-indent": "consent:\n\tpublish: true\n",
    "tab-after-colon": "name:\tx\n\tregion: y\n",
    "tab-after-dash": "fields:\n-\ta\n\t- b\n",
    "at-sign": "name: @x\n",
    "backtick": "name: `x\n",
    "colon-in-value": "summary: a: b\n",
    "over-indented": "name: x\n  region: y\n",
    "under-indented": "consent:\n    publish: true\n  by: 本人\n",
    "list-on-key-line": "fields: - a\n",
    "misaligned-list": "fields:\n  - a\n - b\n",
    "empty-anchor": "name: &\n",
    "undefined-alias": "name: *x\n",
    "empty-alias": "name: *\n",
    "duplicate-anchor": "a: &x 1\nb: &x 2\n",
    "recursive-alias": "a: &x [*x]\n",
    "two-documents": "name: x\n---\nname: y\n",
    "content-after-document-end": "name: x\n...\nname: y\n",
    "text-after-block-indicator": "bio: | abc\n  x\n",
    "zero-indentation-indicator": "bio: |0\n  x\n",
    "double-chomping": "bio: |++\n  x\n",
    "list-as-key": "[a]: x\n",
    "mapping-as-key": "{a: 1}: x\n",
    "merge-of-text": "<<: x\nname: y\n",
    "merge-of-list-of-text": "<<: [x]\nname: y\n",
    "key-without-colon": "name x\nregion: y\n",
    "quote-then-text": 'name: "a" b\n',
    "single-quote-then-text": "name: 'a' b\n",
    "dash-alone": "-\nname: x\n",
    "stray-bracket": "]\n",
    "text-after-mapping": "a: 1\nplain text\n",
    "control-character": "name: a\x07b\n",
    "nul-character": "name: a\x00b\n",
    "escape-character": "name: a\x1bb\n",
    "deep-nesting": "[" * 2000 + "]" * 2000 + "\n",
    "long-key": "name" + "x" * 1100 + ": v\n",
    "long-line-then-colon": "k" * 1100 + "\n: v\n",
}


@pytest.mark.parametrize("loader", [name for name, cls in LOADERS.items() if cls is not None])
@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_each_yaml_mistake_is_explained_in_chinese_on_its_line(mistake: str, loader: str) -> None:
    text = MISTAKES[mistake]
    problems = Problems()
    with mock.patch.object(sources, "_Loader", sources._loader_class(LOADERS[loader])):
        sources.parse_yaml(text, "content/volunteers/x.yaml", problems)
    if not problems:  # some mistakes are accepted by one of the parsers (`%FOO`, `\uD800`)
        yaml.load(text, Loader=LOADERS[loader])  # noqa: S506 - a safe loader
    for problem in problems:
        _chinese_and_nothing_else(problem.message, problem.hint, text)
        assert 1 <= problem.position.line <= text.count("\n") + 1, problem


# --- pydantic ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", typing.get_args(ErrorType))
def test_every_pydantic_error_type_reaches_staff_in_chinese(kind: str) -> None:
    for cls, loc in ((Volunteer, ("name",)), (Volunteer, ("consent", "by")), (Honor, ("categories", 0, "recipients", 1, "deed"))):
        error = {"type": kind, "loc": loc, "msg": "Input should be something pydantic says in English", "input": "x", "ctx": {}}
        message, hint, code = describe_model_error(cls, error)
        _chinese_and_nothing_else(message, hint, "x")
        assert code


def test_pydantic_internal_names_in_a_location_are_not_shown() -> None:
    error = {"type": "string_type", "loc": ("photo", "function-after[_check(), str]"), "msg": "Input should be a valid string", "input": 1}
    message, _, _ = describe_model_error(Volunteer, error)
    assert "function" not in message and message.startswith("photo（照片）")


EMPTY_REQUIRED = [
    (Story, "title: 标题\ndate:\n", "date"),
    (Honor, "title: 名单\nlevel: 市级\ndate:\ncategories: [{name: 类别, recipients: [{name: 张三}]}]\n", "date"),
    (Volunteer, "name: 张三\nconsent:\n  publish: true\n  by:\n", "by"),
    (RECORD_TYPES["project"], "name: 项目\nstatus:\n", "status"),
    (RECORD_TYPES["theme"], "name: 活动\nperiod:\n  start:\n", "start"),
    (Volunteer, "name:\nconsent: {publish: true}\n", "name"),
]


@pytest.mark.parametrize(("cls", "text", "field"), EMPTY_REQUIRED, ids=[f"{c.record_type}-{f}" for c, _, f in EMPTY_REQUIRED])
def test_an_empty_value_is_called_empty_never_none(cls, text: str, field: str) -> None:
    problems = Problems()
    file = f"content/{cls.folder}/x.yaml"
    if cls is Story:
        raw = parse_story("x", "stories/x.md", ROOT / "stories/x.md", "---\n" + text + "---\n正文\n", problems)
    else:
        raw = parse_record(cls, "x", file, ROOT / file, text, problems)
    validate([raw], SETTINGS, problems)
    found = [p for p in problems if field in p.message]
    assert found, [p.message for p in problems]
    assert all("None" not in p.message + p.hint and "不能为空" in p.message for p in found), found


# --- random mistakes in valid files --------------------------------------------------------------

FUZZ = settings(
    max_examples=int(os.environ.get("LEIFENG_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
GOOD_RECORDS = {path: textwrap.dedent(text) for path, text in GOOD_FILES.items() if path.startswith(("content/", "stories/"))}
_KIND_BY_FOLDER = {cls.folder: cls for cls in RECORD_TYPES.values()}


def _mutate(text: str, seed: int, pieces: list[str], count: int) -> str:
    """`count` random edits a hurried editor could make: insert a piece, delete, duplicate, indent, join lines."""
    rng = random.Random(seed)
    for _ in range(count):
        where = rng.randrange(len(text) + 1)
        action = rng.randrange(5)
        if action == 0:
            text = text[:where] + rng.choice(pieces) + text[where:]
        elif action == 1:
            text = text[:where] + text[where + rng.randrange(1, 6) :]
        elif action == 2:
            lines = text.split("\n")
            index = rng.randrange(len(lines))
            lines.insert(index, lines[index])
            text = "\n".join(lines)
        elif action == 3:
            lines = text.split("\n")
            index = rng.randrange(len(lines))
            lines[index] = rng.choice([" ", "  ", "\t", "- "]) + lines[index]
            text = "\n".join(lines)
        else:
            text = text[:where] + text[where:].replace("\n", " ", 1)
    return text


@FUZZ
# Found by this test against the messages before issue 13 (an indented first line: "document start").
@example(path="content/honors/zuimei-2024.yaml", seed=1423, pieces=["  "], count=1, loader=LOADERS["libyaml"] or yaml.SafeLoader)
@given(
    path=st.sampled_from(sorted(GOOD_RECORDS)),
    seed=st.integers(0, 2**32),
    pieces=st.lists(PIECES, min_size=1, max_size=6),
    count=st.integers(1, 4),
    loader=st.sampled_from([cls for cls in LOADERS.values() if cls is not None]),
)
def test_random_mistakes_in_valid_files_are_explained_in_chinese(path: str, seed: int, pieces: list[str], count: int, loader) -> None:
    text = _mutate(GOOD_RECORDS[path], seed, pieces, count)
    problems = Problems()
    with mock.patch.object(sources, "_Loader", sources._loader_class(loader)):
        if path.startswith("stories/"):
            raw = parse_story("x", path, ROOT / path, text, problems)
        else:
            cls = _KIND_BY_FOLDER[path.split("/")[1]]
            raw = parse_record(cls, "x", path, ROOT / path, text, problems)
        validate([raw], SETTINGS, problems)
    for problem in problems:
        _chinese_and_nothing_else(problem.message, problem.hint, text)

"""mkdocs.yml as staff write it: every setting mistake, with its line, in Chinese.

MkDocs validates its configuration in English ("Aborted with a
configuration error!"), and some wrong values only fail later with a Python
traceback (a theme language Material does not have). The settings staff
touch — the `leifeng` plugin's options and the theme's — are checked here
first, against the file as written, so that each mistake names mkdocs.yml,
its line and the setting, and says what to write instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .settings import check_options

PLUGIN = "leifeng"
# Material's theme keys that staff set, and what each must be.
_THEME_TEXT = ("name", "custom_dir", "favicon", "logo", "language")


@dataclass(frozen=True)
class ConfigProblem:
    setting: str  # dotted, as staff read it: plugins.leifeng.build_date, theme.language
    message: str
    hint: str = ""
    line: int = 0  # 0 when the file does not say (a value inherited with INHERIT)


class _Tolerant(yaml.SafeLoader):
    """Reads any tag (!ENV, !relative, !!python/name:...) as its plain value: only shapes and lines matter here."""


def _plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


_Tolerant.add_multi_constructor("!", _plain)
_Tolerant.add_multi_constructor("tag:", _plain)


def key_lines(text: str) -> dict[tuple, int]:
    """Line of every key in mkdocs.yml, by path; plugins are keyed by name (`plugins`, `leifeng`, `page_size`)."""
    try:
        root = yaml.compose(text, Loader=_Tolerant)
    except yaml.YAMLError:
        return {}
    lines: dict[tuple, int] = {}

    def walk(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    lines[path + (key.value,)] = key.start_mark.line + 1
                    walk(value, path + (key.value,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                if path == ("plugins",):
                    # `- leifeng:` (a mapping) or `- leifeng` (a name): key the entry by the plugin's name
                    if isinstance(item, yaml.ScalarNode):
                        lines[path + (item.value,)] = item.start_mark.line + 1
                        continue
                    if isinstance(item, yaml.MappingNode) and len(item.value) == 1 and isinstance(item.value[0][0], yaml.ScalarNode):
                        name = item.value[0][0].value
                        lines[path + (name,)] = item.start_mark.line + 1
                        walk(item.value[0][1], path + (name,))
                        continue
                lines[path + (index,)] = item.start_mark.line + 1
                walk(item, path + (index,))

    if root is not None:
        walk(root, ())
    return lines


def _line_of(lines: dict[tuple, int], path: tuple) -> int:
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return 0


def read_config_file(path: Path) -> tuple[dict, dict[tuple, int]]:
    """mkdocs.yml's values as written (tags read as plain values) and the line of each key."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = yaml.load(text, Loader=_Tolerant)
    except yaml.YAMLError:
        data = None
    return (data if isinstance(data, dict) else {}), key_lines(text)


def check_theme(theme: Any, languages: Iterable[str], root: Path) -> list[tuple[tuple, str, str]]:
    """(path below `theme`, message, hint) for each wrong theme setting."""
    found: list[tuple[tuple, str, str]] = []
    if theme is None or isinstance(theme, str):
        return found
    if not isinstance(theme, dict):
        return [((), "theme 应写成包含 name、language 等子项的设置块", "参照示例网站的 mkdocs.yml")]
    for key in _THEME_TEXT:
        if key in theme and not isinstance(theme[key], str):
            found.append(((key,), f"theme.{key} 应为文字，现在是“{theme[key]}”", ""))
    language = theme.get("language")
    known = sorted(set(languages))
    if isinstance(language, str) and language not in known:
        traditional = [code for code in known if code.lower().startswith("zh-")]
        found.append(
            (
                ("language",),
                f"theme.language 不支持“{language}”",
                f"简体中文写 zh，繁体中文写 {' 或 '.join(traditional)}（共支持 {len(known)} 种语言，如 en、ja、ko）",
            )
        )
    custom_dir = theme.get("custom_dir")
    if isinstance(custom_dir, str) and not (root / custom_dir).is_dir():
        found.append(
            (
                ("custom_dir",),
                f"theme.custom_dir 指向的文件夹 {custom_dir} 不存在",
                "只放内容的仓库不需要这一行（生成器自带主题），删除即可；要改写个别模板时再建这个文件夹",
            )
        )
    features = theme.get("features")
    if "features" in theme and (not isinstance(features, list) or not all(isinstance(f, str) for f in features)):
        found.append((("features",), "theme.features 应为列表，每项一行以“- ”开头", "例如 features: [navigation.tabs, navigation.top]"))
    font = theme.get("font")
    if "font" in theme and font is not False and not (isinstance(font, dict) and all(isinstance(v, str) for v in font.values())):
        found.append(
            (("font",), "theme.font 应为 false（不使用网络字体）", "写 font: false：谷歌字体在中国大陆无法访问，本站只用读者设备上的字体")
        )
    palette = theme.get("palette")
    if "palette" in theme and not (isinstance(palette, dict) or (isinstance(palette, list) and all(isinstance(p, dict) for p in palette))):
        found.append((("palette",), "theme.palette 应为包含 scheme、primary 等子项的设置块", "参照示例网站的 mkdocs.yml"))
    return found


def check_site_config(config_file: Path, plugin_options: dict | None, languages: Iterable[str]) -> list[ConfigProblem]:
    """Every mistake in the plugin's options (as MkDocs read them) and the theme settings of `config_file`."""
    data, lines = read_config_file(config_file)
    problems: list[ConfigProblem] = []
    base = ("plugins", PLUGIN)
    if plugin_options is not None:
        for problem in check_options(plugin_options):
            path = base + problem.path
            setting = ".".join(str(p) for p in ("plugins", PLUGIN, problem.path[0]))
            problems.append(ConfigProblem(setting, problem.message, problem.hint, _line_of(lines, path)))
    for path, message, hint in check_theme(data.get("theme"), languages, config_file.parent):
        problems.append(ConfigProblem(".".join(("theme", *map(str, path))), message, hint, _line_of(lines, ("theme", *path))))
    return sorted(problems, key=lambda p: (p.line, p.setting))


def format_config_problems(problems: list[ConfigProblem], file: str = "mkdocs.yml", *, building: bool = True) -> str:
    """A heading, then one line a problem: `mkdocs.yml 第 N 行：message。hint` (the message names the setting)."""
    heading = f"{file} 的设置有误，网站没有生成，原有网站保持不变：" if building else f"{file} 的设置有误："
    lines = [heading]
    for p in problems:
        where = f"第 {p.line} 行" if p.line else f"（{p.setting}，来自 INHERIT 继承的文件）"
        lines.append(f"  {file} {where}：{p.message}" + (f"。{p.hint}" if p.hint else ""))
    return "\n".join(lines)

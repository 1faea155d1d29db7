"""The browser editor at /admin/: Decap CMS, configured from the content models.

Staff who never touch git edit records in a form; every save becomes a branch
and a pull (merge) request that the PR check annotates and a reviewer merges
(Decap's "editorial workflow"). Nothing here is written twice: each field's
label, hint, required flag, type, bounds and pattern come from `models.py`
(the same metadata the JSON Schemas and the field reference read), and the
choices (service fields, columns, honour levels, organisation kinds) from the
site's settings.

The CMS code is served from the site itself, never from a CDN: Decap CMS and
js-yaml are locked in `admin/package.json` + `package-lock.json`, and copies of
the two files the page loads are committed in `admin/` so that a content-only
repository that pip-installs the generator needs no npm. `tests/test_cms.py`
checks that the copies are byte-identical to the locked packages when their
`node_modules` is present. To update: see docs/cms.md (`python -m
generator.assets.cms --update` copies the files after `npm install`).

`admin/leifeng-cms.js` connects Decap to the repository's files: records are
read and written as plain YAML (and stories as Markdown with front matter)
without an `id` key, because the file name is the id; a new record's id is
typed once in an "编号" field and checked there; the preview pane shows a
story and a volunteer with the site's own CSS.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import sys
import types
import typing
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal, Union
from urllib.parse import urlsplit

import yaml
from annotated_types import Ge, Le, MinLen
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..commands.reference import SERVICE_FIELD, STAR_FIELD, VOCABULARY_FIELDS, nested_model, reference_target
from ..content import models
from ..content.models import ID_PATTERN, RECORD_TYPES, YAML_RECORD_TYPES, Record, Story, Volunteer
from ..content.settings import STAR_NAMES, Settings
from ..text.i18n import in_language, is_traditional, strings_for, traditional

HERE = Path(__file__).with_name("admin")  # the page's files, and the npm lock of the CMS
ADMIN_DIR = "admin"

# Site file -> file in the locked npm packages (cms/node_modules/...).
VENDORED: dict[str, str] = {
    "decap-cms.js": "decap-cms/dist/decap-cms.js",
    "js-yaml.min.js": "js-yaml/dist/browser/js-yaml.umd.min.js",
}
OWN_SCRIPT = "leifeng-cms.js"

# The link form for records inside a story body is being designed (issue 14,
# point 2). When it is settled, describe it here: this text is the body's hint.
# The site's own link form for records (generator/site/bodies.py); the staff guide explains it.
RECORD_LINK_HINT = (
    "链接到站内其他记录时，链接地址写“类别:编号”，如 [张晓红](volunteer:zhang-xiaohong)、"
    "[](story:aixin-wucan-shi-nian)（文字留空则显示记录的名称）；类别有 story、volunteer、organization、"
    "project、theme、honor、feature。"
)

# What staff must know about consent before they publish a person; the checks
# on the pull request (validate.py, privacy.*) enforce the same rules.
CONSENT_RULES = (
    "没有“同意公开”的志愿者不会发布；填了照片就必须“同意使用肖像”；"
    "未满十四周岁（按出生年份计算）须由监护人同意，“同意人”选“监护人”。"
    "这些规则在合并请求的检查中核对。"
)

# Backends of Decap CMS that save through branches and pull/merge requests.
EDITORIAL_BACKENDS = frozenset({"github", "gitlab", "bitbucket", "azure", "forgejo", "proxy", "test-repo"})

# Fields whose text is longer than one line but is not Markdown.
MULTILINE_FIELDS = frozenset({"summary"})

DATE_WIDGET = {"widget": "datetime", "date_format": "YYYY-MM-DD", "time_format": False}


class UnmappedField(TypeError):
    """A model field whose type the editor cannot show yet: map it in `_scalar`."""


@dataclass(frozen=True)
class Vocabulary:
    """The values a site accepts for one field, from its settings."""

    values: tuple[str, ...]


def decap_locale(language: str) -> str:
    """Decap's UI locale for a site language: Traditional for zh-TW, zh-Hant, zh-HK."""
    return "zh_Hant" if is_traditional(language) else "zh_Hans"


# --- fields ---------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """(base type, metadata) of an annotation, through `X | None` and `Annotated`."""
    metadata: list[Any] = []
    while True:
        origin = typing.get_origin(annotation)
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, metadata
            annotation = args[0]
        elif origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            for item in extra:
                metadata.extend(item.metadata if isinstance(item, FieldInfo) else [item])
            annotation = base
        else:
            return annotation, metadata


def _alias_description(alias: Any) -> str:
    info = next(m for m in typing.get_args(alias)[1:] if isinstance(m, FieldInfo))
    return (info.description or "").rstrip("。")


def _target(name: str, description: str) -> type[Record] | None:
    """The kind of record an id field points to, by the field reference's rule."""
    label = reference_target(name, description)
    return next((cls for cls in RECORD_TYPES.values() if cls.label == label), None)


def _relation(target: type[Record], multiple: bool) -> dict:
    name_field = "title" if "title" in target.model_fields else "name"
    widget = {
        "widget": "relation",
        "collection": target.folder,
        "value_field": "{{slug}}",
        "search_fields": [name_field],
        "display_fields": [name_field],
        "options_length": 50,
    }
    if multiple:
        widget["multiple"] = True
    return widget


def _bounds(metadata: list[Any]) -> dict:
    out = {}
    low = next((m.ge for m in metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in metadata if isinstance(m, Le)), None)
    if low is not None:
        out["min"] = low
    if high is not None:
        out["max"] = high
    return out


def _pattern(metadata: list[Any]) -> str | None:
    return next((m.pattern for m in metadata if getattr(m, "pattern", None)), None)


def _media_root(settings: Settings) -> str:
    return f"{_relative(settings.content_dir, settings.root)}/media"


def _image(record: type[Record], settings: Settings) -> dict:
    """Images go to content/media/<folder>/; the stored path is relative to content/, as the models want."""
    return {"widget": "image", "media_folder": f"/{_media_root(settings)}/{record.folder}", "public_folder": f"media/{record.folder}"}


def _scalar(
    record: type[BaseModel], name: str, annotation: Any, metadata: list[Any], description: str, vocabulary: Vocabulary | None
) -> dict:
    """The widget of one value (a field, or the items of a list field)."""
    if vocabulary is not None:
        return {"widget": "select", "options": list(vocabulary.values)}
    if typing.get_origin(annotation) is Literal:
        return {"widget": "select", "options": [str(v) for v in typing.get_args(annotation)]}
    if annotation is bool:
        return {"widget": "boolean"}
    if annotation is int:
        return {"widget": "number", "value_type": "int", **_bounds(metadata)}
    if annotation is float:
        return {"widget": "number", "value_type": "float", **_bounds(metadata)}
    if annotation is models.dt.date:
        return dict(DATE_WIDGET)
    if annotation is str:
        pattern = _pattern(metadata)
        if pattern == ID_PATTERN:
            target = _target(name, description)
            if target is not None:
                return _relation(target, multiple=False)
            return {"widget": "string", "pattern": [ID_PATTERN, _alias_description(models.RecordId)]}
        if "Markdown" in description:
            return {"widget": "markdown"}
        widget: dict = {"widget": "text" if name in MULTILINE_FIELDS else "string"}
        if pattern:
            widget["pattern"] = [pattern, description.rstrip("。") or pattern]
        return widget
    raise UnmappedField(f"{record.__name__}.{name}: {annotation!r}")


def _vocabulary(record: type[BaseModel], model: type[BaseModel], name: str, settings: Settings) -> Vocabulary | None:
    if model is not record:
        return None
    if name == SERVICE_FIELD:
        return Vocabulary(tuple(settings.fields.values()))
    if (record, name) in VOCABULARY_FIELDS:
        attribute, _ = VOCABULARY_FIELDS[(record, name)]
        return Vocabulary(tuple(getattr(settings, attribute)))
    if record is Story and name == "column":
        return Vocabulary(tuple(settings.columns.values()))
    return None


def _fixed_choices(annotation: Any, settings: Settings) -> Vocabulary | None:
    """A model's fixed choice (project status...) in the site's script; the model accepts either script."""
    if typing.get_origin(annotation) is Literal:
        return Vocabulary(tuple(in_language(str(v), settings.language) for v in typing.get_args(annotation)))
    return None


def _hint(record: type[BaseModel], model: type[BaseModel], name: str, info: FieldInfo, settings: Settings) -> str:
    notes = [(info.description or "").rstrip("。")]
    if model is record and (record, name) == STAR_FIELD:
        notes.append(
            "星级：" + "、".join(f"{star} {hours} 小时" for star, hours in zip(STAR_NAMES, settings.star_thresholds, strict=False))
        )
    if model is models.Consent and name == "publish":
        notes.append(CONSENT_RULES.rstrip("。"))
    text = "；".join(n for n in notes if n)
    return text + "。" if text else ""


def field_config(record: type[BaseModel], model: type[BaseModel], name: str, info: FieldInfo, settings: Settings) -> dict:
    """One Decap field from one field of `model`, inside `record` (the kind of record, or the file, it belongs to)."""
    annotation, metadata = _unwrap(info.annotation)
    metadata = metadata + list(info.metadata)
    description = info.description or ""
    out: dict[str, Any] = {"name": name, "label": info.title or name}
    inner, is_list = nested_model(info.annotation)
    vocabulary = _vocabulary(record, model, name, settings) or _fixed_choices(annotation, settings)
    if inner is not None:
        sub = [field_config(record, inner, n, i, settings) for n, i in inner.model_fields.items()]
        if is_list:
            first = sub[0]["name"]
            out.update({"widget": "list", "fields": sub, "summary": f"{{{{fields.{first}}}}}", "collapsed": False})
        else:
            out.update({"widget": "object", "fields": sub, "collapsed": False})
    elif typing.get_origin(annotation) is list:
        item, item_metadata = _unwrap(typing.get_args(annotation)[0])
        widget = _scalar(record, name, item, item_metadata, description, vocabulary)
        if widget["widget"] in ("relation", "select"):
            out.update(widget, multiple=True)
        else:
            out.update({"widget": "list", "field": {"name": name, "label": info.title or name, **widget}})
    elif _is_media(info):
        out.update(_image(record, settings))
    else:
        out.update(_scalar(record, name, annotation, metadata, description, vocabulary))
    least = max((m.min_length for m in metadata if isinstance(m, MinLen)), default=0)
    if out["widget"] == "list" and least:
        out["min"] = least
    hint = _hint(record, model, name, info, settings)
    if hint:
        out["hint"] = hint
    if out["widget"] == "boolean":
        # A switch always has a value; one the model requires starts as "no" and is written.
        out["required"] = False
        if info.is_required():
            out["default"] = False
    elif not info.is_required():
        out["required"] = False
    return out


def _is_media(info: FieldInfo) -> bool:
    """A field typed `MediaPath` (or `MediaPath | None`)."""
    annotation = info.annotation
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return models.MediaPath in typing.get_args(annotation)
    return annotation == models.MediaPath


# --- collections -------------------------------------------------------------------


ID_FIELD_NAME = "id"


def _id_field(record: type[Record]) -> dict:
    """The record's id, typed once for a new record (it becomes the file name) and shown for others."""
    return {
        "name": ID_FIELD_NAME,
        "label": "编号",
        "widget": "leifeng-id",
        "pattern": [ID_PATTERN, _alias_description(models.RecordId)],
        "hint": f"{_alias_description(models.RecordId)}。编号就是文件名和网址，保存后不能再改。",
    }


def collection_config(record: type[Record], settings: Settings) -> dict:
    """The Decap collection of one kind of record, in the repository's own folder and format."""
    fields = [_id_field(record)]
    for name, info in record.model_fields.items():
        fields.append(field_config(record, record, name, info, settings))
    identifier = "title" if "title" in record.model_fields else "name"
    root = settings.root
    if record is Story:
        folder = _relative(settings.stories_dir, root)
        body = {"name": "body", "label": "正文", "widget": "markdown", "hint": "Markdown 正文。" + RECORD_LINK_HINT}
        fields.append(body)
        fmt, extension = "leifeng-frontmatter", "md"
    else:
        folder = f"{_relative(settings.content_dir, root)}/{record.folder}"
        fmt, extension = "leifeng-yaml", "yaml"
    config: dict[str, Any] = {
        "name": record.folder,
        "label": record.label,
        "label_singular": record.label,
        "folder": folder,
        "extension": extension,
        "format": fmt,
        "create": True,
        "slug": "{{fields.id}}",
        "identifier_field": identifier,
        "summary": "{{" + identifier + "}}",
        "media_folder": f"/{_media_root(settings)}/{record.folder}",
        "public_folder": f"media/{record.folder}",
        # The record's page on the published site, as Record.url / Story.url build it.
        "preview_path": f"{record.folder}/{{{{year}}}}/{{{{slug}}}}/" if record is Story else f"{record.folder}/{{{{slug}}}}/",
        "fields": fields,
    }
    if record is Volunteer:
        config["description"] = CONSENT_RULES
    if record is Story:
        config["preview_path_date_field"] = "date"
        config["sortable_fields"] = ["date", "title"]
    return config


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def figures_collection(settings: Settings) -> dict:
    """content/figures.yaml (数据看板): one file, edited as a whole."""
    from ..site.figures import FIGURES_FILE

    fields = [field_config(models.Figures, models.Figures, n, i, settings) for n, i in models.Figures.model_fields.items()]
    return {
        "name": "figures",
        "label": "数据看板",
        "format": "leifeng-yaml",
        "files": [
            {
                "name": "figures",
                "label": "统计数据",
                "file": f"{_relative(settings.content_dir, settings.root)}/{FIGURES_FILE}",
                "fields": fields,
            }
        ],
    }


# --- the whole configuration --------------------------------------------------------


def backend_config(settings: Settings, repo_url: str = "") -> dict:
    """The `backend:` block: the site's setting, else one guessed from `repo_url` (github.com, gitlab.com)."""
    if settings.admin.backend:
        return dict(settings.admin.backend)
    parts = urlsplit(repo_url or "")
    path = parts.path.strip("/").removesuffix(".git")
    hosts = {"github.com": "github", "gitlab.com": "gitlab"}
    if parts.hostname in hosts and path.count("/") >= 1:
        return {"name": hosts[parts.hostname], "repo": path, "branch": "main"}
    # No git host configured: the page works with decap-server on this computer only.
    return {"name": "proxy", "proxy_url": "http://localhost:8081/api/v1", "branch": "main"}


def _localise(node: Any, convert: Any) -> Any:
    """Labels, hints and descriptions in the site's script (Traditional for zh-TW sites)."""
    if isinstance(node, dict):
        return {
            k: (convert(v) if k in ("label", "label_singular", "hint", "description") and isinstance(v, str) else _localise(v, convert))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_localise(v, convert) for v in node]
    return node


def cms_config(settings: Settings, *, site_url: str = "", repo_url: str = "") -> dict:
    """The Decap CMS configuration (admin/config.yml) of a site, as plain data."""
    backend = backend_config(settings, repo_url)
    config: dict[str, Any] = {"backend": backend}
    if backend.get("name") in EDITORIAL_BACKENDS:
        config["publish_mode"] = "editorial_workflow"
    local = settings.admin.local_backend
    if local:
        config["local_backend"] = {"url": local} if isinstance(local, str) else True
    config["locale"] = decap_locale(settings.language)
    if site_url:
        config["site_url"] = site_url
        config["display_url"] = site_url
    config["media_folder"] = _media_root(settings)
    config["public_folder"] = "media"
    config["collections"] = [collection_config(cls, settings) for cls in (Story, *YAML_RECORD_TYPES)] + [figures_collection(settings)]
    if is_traditional(settings.language):
        config = _localise(config, traditional)
    return config


def config_yaml(settings: Settings, *, site_url: str = "", repo_url: str = "") -> str:
    """admin/config.yml: the same input gives the same text (made once while it is the same: `mkdocs serve`)."""
    key = pickle.dumps((settings, site_url, repo_url))
    if _last_config[0] != key:
        _last_config[:] = [key, _config_yaml(settings, site_url=site_url, repo_url=repo_url)]
    return _last_config[1]


_last_config: list = [b"", ""]


def _config_yaml(settings: Settings, *, site_url: str, repo_url: str) -> str:
    header = "# 由 leifeng 根据内容模型和 mkdocs.yml 生成，请勿手改（docs/cms.md）。\n"
    body = yaml.safe_dump(cms_config(settings, site_url=site_url, repo_url=repo_url), allow_unicode=True, sort_keys=False, width=1000)
    return header + body


# --- the admin page ---------------------------------------------------------------


@cache
def _phrases_hans() -> dict:
    return json.loads((HERE / "decap-zh-hans.json").read_text(encoding="utf-8"))


def ui_phrases(language: str) -> dict:
    """Our additions to Decap's Chinese UI strings (the ones Decap leaves in English)."""
    phrases = _phrases_hans()
    if not is_traditional(language):
        return phrases

    def convert(node: Any) -> Any:
        return {k: convert(v) for k, v in node.items()} if isinstance(node, dict) else traditional(node)

    return convert(phrases)


def _preview_strings(language: str) -> dict[str, str]:
    t = strings_for(language)
    keys = (
        "region",
        "unit",
        "position",
        "service_hours",
        "hours_unit",
        "quote",
        "bio",
        "source",
        "author",
        "editor",
        "kind_organization",
        "since",
    )
    return {key: t[key] for key in keys if key in t}


def admin_page(settings: Settings, site_name: str, stylesheets: typing.Sequence[str] = ()) -> str:
    environment = Environment(loader=FileSystemLoader(HERE), autoescape=select_autoescape(["html"]), keep_trailing_newline=True)
    data = {
        "locale": decap_locale(settings.language),
        "phrases": ui_phrases(settings.language),
        "previewStyles": [f"../{path}" for path in stylesheets],
        "strings": _preview_strings(settings.language),
    }
    hant = is_traditional(settings.language)
    title = ("內容編輯" if hant else "内容编辑") + f" · {site_name}"
    noscript = "請啟用瀏覽器的 JavaScript 後再編輯。" if hant else "请启用浏览器的 JavaScript 后再编辑。"
    return environment.get_template("index.html").render(
        title=title, noscript=noscript, lang="zh-Hant" if hant else "zh-Hans", data=data, scripts=[*VENDORED, OWN_SCRIPT]
    )


def admin_files(
    settings: Settings, site_name: str, site_url: str, language: str, *, stylesheets: typing.Sequence[str] = (), repo_url: str = ""
) -> dict[str, bytes]:
    """Site path -> content of every file of the admin page; empty when the site leaves it out."""
    if not settings.admin.enabled:
        return {}
    if settings.language != language:
        from dataclasses import replace

        settings = replace(settings, language=language)
    files = {f"{ADMIN_DIR}/{name}": (HERE / name).read_bytes() for name in (*VENDORED, OWN_SCRIPT)}
    files[f"{ADMIN_DIR}/config.yml"] = config_yaml(settings, site_url=site_url, repo_url=repo_url).encode("utf-8")
    files[f"{ADMIN_DIR}/index.html"] = admin_page(settings, site_name, stylesheets).encode("utf-8")
    return files


# --- keeping the committed copies of the npm files current ------------------------------


def vendored_differences(node_modules: Path | None = None) -> list[str]:
    """The committed copies that differ from the files in the installed (locked) packages."""
    node_modules = node_modules or HERE / "node_modules"
    return [
        name
        for name, source in VENDORED.items()
        if not (HERE / name).is_file() or (HERE / name).read_bytes() != (node_modules / source).read_bytes()
    ]


def fetch_locked(destination: Path) -> Path:
    """The locked packages the admin page copies from, without installing their dependencies.

    `npm pack` downloads just each package's tarball (a few MB, not the 600
    packages `npm ci` would install); its sha512 must equal the lock file's
    integrity. Returns a folder laid out like node_modules.
    """
    import base64
    import hashlib
    import subprocess
    import tarfile

    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    modules = destination / "node_modules"
    for package in sorted({source.split("/")[0] for source in VENDORED.values()}):
        entry = lock[f"node_modules/{package}"]
        packed = subprocess.run(
            ["npm", "pack", f"{package}@{entry['version']}", "--pack-destination", str(destination), "--json", "--silent"],
            capture_output=True,
            text=True,
            check=True,
        )
        tarball = destination / json.loads(packed.stdout)[0]["filename"]
        algorithm, _, expected = entry["integrity"].partition("-")
        actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
        if actual != expected:
            raise RuntimeError(f"{tarball.name} does not match the integrity in package-lock.json")
        with tarfile.open(tarball) as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.startswith("package/"):
                    target = modules / package / member.name[len("package/") :]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    extracted = archive.extractfile(member)
                    assert extracted is not None
                    target.write_bytes(extracted.read())
    return modules


def update_vendored(node_modules: Path | None = None) -> list[str]:
    """Copy the files the admin page serves out of the installed packages; returns the changed names."""
    node_modules = node_modules or HERE / "node_modules"
    changed = vendored_differences(node_modules)
    for name in changed:
        shutil.copyfile(node_modules / VENDORED[name], HERE / name)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.assets.cms", description="后台编辑页面（Decap CMS）的配置和文件")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="读取此 mkdocs.yml（默认 mkdocs.yml）")
    parser.add_argument("--update", action="store_true", help="npm install 之后，把锁定版本的 CMS 文件复制到 generator/assets/admin/")
    parser.add_argument("--check", action="store_true", help="已提交的 CMS 文件是否与锁定的 npm 包逐字节相同")
    args = parser.parse_args(argv)
    if args.update or args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as scratch:
            node_modules = HERE / "node_modules" if (HERE / "node_modules").is_dir() else fetch_locked(Path(scratch))
            if args.update:
                print("\n".join(update_vendored(node_modules)) or "已是最新")
                return 0
            stale = vendored_differences(node_modules)
            print("\n".join(stale) or "一致")
            return 1 if stale else 0
    from ..commands.reference import settings_from_config

    settings = settings_from_config(args.config_file)
    sys.stdout.buffer.write(config_yaml(settings).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

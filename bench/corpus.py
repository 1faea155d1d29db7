"""Write a realistic synthetic site of N stories, deterministic from a seed.

    python bench/corpus.py 2000 bench/out/corpus/n2000-s1 [--seed 1]

writes two sites over the same stories:

    ours/   mkdocs.yml (search on), mkdocs-nosearch.yml (search off),
            content/ (volunteers ~N/5, organisations ~N/50, projects ~N/40,
            themes ~N/200, honour lists ~N/100), stories/, docs/
    blog/   mkdocs.yml, mkdocs-nosearch.yml for Material's blog plugin:
            docs/blog/posts/<id>.md with the same title, date, text and cover

Every record is made from its own random stream (seed, kind, index), so a
record's text does not depend on how many others there are; only the
references between records do. Images are distinct files (each volunteer
photo and each story cover is its own JPEG) so image processing costs what it
would on a real site; they are small (400x500 portraits, 800x450 covers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vocab as V  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
# Bump when the output changes, so cached corpora are regenerated.
CORPUS_VERSION = "1"

try:
    from generator.content.settings import DEFAULT_FIELDS
except ImportError:  # pragma: no cover - the bench runs inside the repo
    DEFAULT_FIELDS = {}
FIELDS = list(DEFAULT_FIELDS.values()) or list(V.FIELD_WORDS)
assert all(f in V.FIELD_WORDS for f in FIELDS), "vocab.FIELD_WORDS must cover every configured field"


# --- helpers ----------------------------------------------------------------


def rng_for(seed: int, kind: str, index: int) -> random.Random:
    return random.Random(f"{seed}:{kind}:{index}")


def slugify_pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    slug = "-".join(lazy_pinyin(text))
    slug = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
    return re.sub(r"-{2,}", "-", slug) or "x"


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=None)


def clean(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, [], {}, "")}


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --- images -----------------------------------------------------------------

_WARM = [(196, 40, 40), (230, 120, 60), (240, 200, 120), (90, 140, 190), (70, 130, 90), (200, 200, 200), (120, 90, 70), (250, 235, 215)]


def make_photo(rng: random.Random, width: int, height: int, *, person: bool) -> Image.Image:
    """A plausible-looking photo: soft background, texture, optional red-vested figure."""
    small = Image.new("RGB", (6, 5))
    small.putdata([tuple(min(255, max(0, c + rng.randint(-40, 40))) for c in rng.choice(_WARM)) for _ in range(30)])
    image = small.resize((width, height), Image.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randint(60, 140)):  # texture: leaves, windows, people far away
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randint(3, width // 8), rng.randint(3, height // 8)
        colour = tuple(rng.randrange(256) for _ in range(3))
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + w, y + h), fill=colour)
        else:
            draw.rectangle((x, y, x + w, y + h), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(1.2, 2.5)))
    draw = ImageDraw.Draw(image)
    if person:
        cx = width // 2 + rng.randint(-width // 10, width // 10)
        head = width // 6
        top = height // 4 + rng.randint(-height // 20, height // 20)
        skin = (rng.randint(200, 240), rng.randint(160, 200), rng.randint(130, 170))
        vest = (rng.randint(180, 220), rng.randint(20, 50), rng.randint(20, 50))
        draw.ellipse((cx - head, top - head, cx + head, top + head), fill=skin)
        draw.ellipse((cx - head, top - head, cx + head, top - head // 4), fill=(30, 25, 20))
        draw.rounded_rectangle((cx - 2 * head, top + head, cx + 2 * head, height + head), radius=head, fill=vest)
        image = image.filter(ImageFilter.SMOOTH)
    return image


def save_jpeg(image: Image.Image, path: Path, rng: random.Random) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"quality": rng.randint(78, 90)}
    if rng.random() < 0.4:  # phone photos carry EXIF; the build must strip it
        exif = Image.Exif()
        exif[0x010F] = "Phone"
        exif[0x0110] = f"Model {rng.randint(1, 9)}"
        exif[0x0112] = 1
        kwargs["exif"] = exif.tobytes()
    image.save(path, "JPEG", **kwargs)


def save_logo(rng: random.Random, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    size = 240
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    colour = rng.choice([(196, 40, 40), (200, 80, 30), (30, 90, 160), (40, 120, 70)])
    draw.ellipse((10, 10, size - 10, size - 10), fill=colour)
    for _ in range(rng.randint(2, 5)):
        x, y, r = rng.randint(60, 180), rng.randint(60, 180), rng.randint(10, 40)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255))
    image.save(path, "PNG")


# --- people and places --------------------------------------------------------


def person_name(rng: random.Random) -> str:
    surname = rng.choice(V.SURNAMES) if rng.random() < 0.98 else rng.choice(V.SURNAMES[-4:])
    given = "".join(rng.choice(V.GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def place(rng: random.Random) -> dict[str, str]:
    district = rng.choice(V.DISTRICTS)
    street = rng.choice(V.STREET_PREFIX) + rng.choice(V.STREET_SUFFIX)
    community = rng.choice(V.COMMUNITY_PREFIX) + rng.choice(V.COMMUNITY_SUFFIX)
    return {"district": district, "street": street, "community": community, "region": f"{V.PROVINCE}{V.CITY}{district}"}


def unit_for(rng: random.Random, where: dict[str, str]) -> str:
    return rng.choice(V.UNITS).format(n=rng.choice("一二三四五六七八九十"), **where)


# --- text --------------------------------------------------------------------


@dataclass
class Ctx:
    """The slots a story's sentences fill."""

    rng: random.Random
    name: str
    org: str
    project: str
    field: str
    where: dict[str, str]
    position: str
    year: int
    used: set = field(default_factory=set)

    def sentence(self, pool: list[str]) -> str:
        """A sentence from `pool` not yet used in this record, or a composed one."""
        rng = self.rng
        fresh = [t for t in pool if t not in self.used]
        if fresh and rng.random() < 0.6:
            template = rng.choice(fresh)
            self.used.add(template)
            return self.fill(template)
        parts = [rng.choice(V.TIMES), "，", rng.choice(V.WHO), rng.choice(V.WHERE), "{act}", "，", rng.choice(V.RESULTS), "。"]
        return self.fill("".join(parts))

    def fill(self, template: str) -> str:
        rng = self.rng
        words = V.FIELD_WORDS[self.field]
        acts = rng.sample(words["acts"], 2)
        values = {
            "name": self.name,
            "name2": person_name(rng),
            "org": self.org,
            "project": self.project,
            "field": self.field,
            "place": rng.choice(words["places"]),
            "act": acts[0],
            "act2": acts[1],
            "act_short": rng.choice(words["short"]),
            "people": rng.choice(words["people"]),
            "thing": rng.choice(words["things"]),
            "position": self.position,
            "year": self.year - rng.randint(0, 8),
            "years": rng.randint(3, 25),
            "n": rng.randint(120, 9800),
            "n2": rng.randint(3, 60),
            "hours": rng.randint(200, 6000),
            "month": rng.randint(1, 12),
            "day": rng.randint(1, 28),
            "quote": rng.choice(V.QUOTES),
            "nick": rng.choice(V.NICKS),
            **self.where,
        }
        return template.format(**values)


def paragraph(ctx: Ctx, target: int, pools: list[list[str]]) -> str:
    text = ""
    index = 0
    while len(text) < target:
        text += ctx.sentence(pools[min(index, len(pools) - 1)])
        index += 1
    return text


def story_body(ctx: Ctx) -> tuple[str, int]:
    """4-9 paragraphs, 800-2000 characters; some headings and a quote."""
    rng = ctx.rng
    count = rng.randint(4, 9)
    target = rng.randint(780, 1850)
    per = max(60, target // count)
    blocks: list[str] = []
    plan = (
        [[V.SCENE, V.DETAIL]]
        + [[V.BACKGROUND, V.DETAIL]]
        + [[V.DETAIL, V.DETAIL, V.VOICE]] * (count - 3)
        + [[V.RESULT, V.VOICE, V.CLOSING]]
    )
    headings = rng.random() < 0.5
    for i, pools in enumerate(plan):
        if headings and i in (2, 5) and i < count - 1:
            blocks.append("## " + ctx.fill(rng.choice(V.HEADINGS)))
        blocks.append(paragraph(ctx, per, pools))
        if i == count // 2 and rng.random() < 0.4:
            blocks.append("> " + rng.choice(V.QUOTES))
    body = "\n\n".join(blocks)
    return body, len(body)


# --- records -----------------------------------------------------------------


@dataclass
class Corpus:
    n: int
    seed: int
    volunteers: list[dict] = field(default_factory=list)
    organizations: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    themes: list[dict] = field(default_factory=list)
    honors: list[dict] = field(default_factory=list)
    stories: list[dict] = field(default_factory=list)
    images: list[tuple[str, str, int, int, int]] = field(default_factory=list)  # (path, kind, index, w, h)


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def build_corpus(n: int, seed: int) -> Corpus:
    corpus = Corpus(n, seed)
    n_vol = max(5, n // 5)
    n_org = max(3, n // 50)
    n_proj = max(3, n // 40)
    n_theme = max(2, n // 200)
    n_honor = max(3, n // 100)

    org_ids: set[str] = set()
    for i in range(n_org):
        rng = rng_for(seed, "org", i)
        kind = rng.choice(V.ORG_KINDS)
        where = place(rng)
        prefix = rng.choice([where["district"], where["street"], where["community"], V.CITY, f"{V.CITY}{where['district']}"])
        name = prefix + rng.choice(V.ORG_NAME_TAILS[kind])
        oid = _unique(slugify_pinyin(prefix)[:24].rstrip("-") + f"-org-{i + 1}", org_ids)
        fields = rng.sample(FIELDS, rng.randint(1, 3))
        logo = None
        if rng.random() < 0.6:
            logo = f"media/organizations/{oid}.png"
            corpus.images.append((logo, "logo", i, 240, 240))
        ctx = Ctx(
            rng, person_name(rng), name, rng.choice(V.PROJECT_WORDS), fields[0], where, rng.choice(V.POSITIONS), rng.randint(2015, 2025)
        )
        corpus.organizations.append(
            clean(
                {
                    "id": oid,
                    "name": name,
                    "kind": kind,
                    "region": where["region"],
                    "founded": rng.randint(1995, 2023),
                    "members": rng.randint(12, 5000),
                    "fields": fields,
                    "logo": logo,
                    "phone": f"0571-{rng.randint(8000, 8999)} {rng.randint(1000, 9999)}" if rng.random() < 0.5 else None,
                    "summary": paragraph(ctx, 60, [V.BACKGROUND]),
                    "body": "\n\n".join(
                        paragraph(ctx, rng.randint(120, 260), [V.BACKGROUND, V.DETAIL, V.RESULT]) for _ in range(rng.randint(2, 4))
                    ),
                }
            )
        )

    proj_ids: set[str] = set()
    for i in range(n_proj):
        rng = rng_for(seed, "project", i)
        org = rng.choice(corpus.organizations)
        word = rng.choice(V.PROJECT_WORDS)
        name = f"“{word}”" + rng.choice(V.PROJECT_TAILS) if rng.random() < 0.5 else word + rng.choice(V.PROJECT_TAILS)
        pid = _unique(slugify_pinyin(word) + f"-{i + 1}", proj_ids)
        fields = rng.sample(FIELDS, rng.randint(1, 2))
        cover = None
        if rng.random() < 0.7:
            cover = f"media/projects/{pid}.jpg"
            corpus.images.append((cover, "cover", 10_000 + i, 800, 450))
        where = place(rng)
        ctx = Ctx(rng, person_name(rng), org["name"], name, fields[0], where, rng.choice(V.POSITIONS), rng.randint(2015, 2025))
        corpus.projects.append(
            clean(
                {
                    "id": pid,
                    "name": name,
                    "slogan": rng.choice(V.SLOGANS),
                    "organization": org["id"] if rng.random() < 0.9 else None,
                    "fields": fields,
                    "beneficiaries": rng.sample(V.BENEFICIARIES, rng.randint(1, 3)),
                    "region": where["region"],
                    "started": rng.randint(2008, 2025),
                    "status": rng.choice(["运行中", "运行中", "运行中", "已结项", "待启动"]),
                    "metrics": {
                        "volunteers": rng.randint(10, 3000),
                        "hours": rng.randint(500, 200000),
                        "beneficiaries": rng.randint(50, 90000),
                        "activities": rng.randint(10, 5000),
                    },
                    "cover": cover,
                    "cover_alt": f"{name}的志愿者在服务现场" if cover else None,
                    "summary": paragraph(ctx, 80, [V.BACKGROUND, V.DETAIL]),
                    "body": "\n\n".join(
                        paragraph(ctx, rng.randint(150, 300), [V.BACKGROUND, V.DETAIL, V.RESULT]) for _ in range(rng.randint(2, 5))
                    ),
                }
            )
        )

    vol_ids: set[str] = set()
    for i in range(n_vol):
        rng = rng_for(seed, "volunteer", i)
        name = person_name(rng)
        vid = _unique(slugify_pinyin(name), vol_ids)
        where = place(rng)
        org = rng.choice(corpus.organizations) if rng.random() < 0.8 else None
        fields = rng.sample(FIELDS, rng.randint(1, 3))
        position = rng.choice(V.POSITIONS)
        photo = None
        if rng.random() < 0.85:
            photo = f"media/volunteers/{vid}.jpg"
            corpus.images.append((photo, "portrait", 20_000 + i, 400, 500))
        minor = rng.random() < 0.02
        birth = rng.randint(2012, 2016) if minor else (rng.randint(1950, 2004) if rng.random() < 0.6 else None)
        ctx = Ctx(
            rng,
            name,
            org["name"] if org else "志愿服务队",
            rng.choice(V.PROJECT_WORDS),
            fields[0],
            where,
            position,
            rng.randint(2015, 2025),
        )
        hours = round(rng.lognormvariate(5.5, 1.0), 1)
        corpus.volunteers.append(
            clean(
                {
                    "id": vid,
                    "name": name,
                    "photo": photo,
                    "photo_alt": f"{name}在{rng.choice(V.FIELD_WORDS[fields[0]]['places'])}参加志愿服务" if photo else None,
                    "region": where["region"],
                    "unit": unit_for(rng, where),
                    "position": position,
                    "organization": org["id"] if org else None,
                    "fields": fields,
                    "service_hours": min(hours, 20000),
                    "since": rng.randint(1998, 2024),
                    "headline": ctx.fill(rng.choice(V.HEADLINES)),
                    "quote": rng.choice(V.QUOTES),
                    "bio": "\n\n".join(
                        paragraph(ctx, rng.randint(100, 250), [V.BACKGROUND, V.DETAIL, V.RESULT]) for _ in range(rng.randint(2, 4))
                    ),
                    "birth_year": birth,
                    "consent": {
                        "publish": True,
                        "portrait": bool(photo),
                        "date": f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                        "by": "监护人" if minor else "本人",
                    },
                }
            )
        )

    theme_ids: set[str] = set()
    for i in range(n_theme):
        rng = rng_for(seed, "theme", i)
        year = 2014 + (i % 12)
        base = rng.choice(V.THEME_NAMES)
        name = f"{year}年{base}"
        tid = _unique(f"theme-{year}-{i + 1}", theme_ids)
        start = dt.date(year, rng.choice([3, 3, 5, 7, 9, 12]), 1)
        end = start + dt.timedelta(days=rng.randint(30, 90))
        phases = []
        cursor = start
        for phase in rng.sample(V.PHASES, rng.randint(3, 4)):
            stop = min(end, cursor + dt.timedelta(days=rng.randint(5, 25)))
            phases.append(
                clean(
                    {
                        "name": phase,
                        "period": {"start": cursor.isoformat(), "end": stop.isoformat()},
                        "items": rng.sample(V.PHASE_ITEMS, rng.randint(2, 4)),
                    }
                )
            )
            cursor = stop
        organizers = [f"中共{V.CITY}委宣传部", f"{V.CITY}文明办"] + [
            o["id"] for o in rng.sample(corpus.organizations, min(2, len(corpus.organizations)))
        ]
        cover = None
        if rng.random() < 0.8:
            cover = f"media/themes/{tid}.jpg"
            corpus.images.append((cover, "cover", 30_000 + i, 800, 450))
        ctx = Ctx(
            rng, person_name(rng), f"{V.CITY}志愿者协会", rng.choice(V.PROJECT_WORDS), rng.choice(FIELDS), place(rng), "社区书记", year
        )
        corpus.themes.append(
            clean(
                {
                    "id": tid,
                    "name": name,
                    "slogan": rng.choice(V.SLOGANS),
                    "period": {"start": start.isoformat(), "end": end.isoformat()},
                    "organizers": organizers,
                    "phases": phases,
                    "activities": [
                        {"name": f"{a}志愿服务", "summary": paragraph(ctx, 40, [V.DETAIL])}
                        for a in rng.sample(V.ACTIVITIES, rng.randint(3, 8))
                    ],
                    "projects": [p["id"] for p in rng.sample(corpus.projects, min(len(corpus.projects), rng.randint(1, 4)))],
                    "cover": cover,
                    "cover_alt": f"{name}现场" if cover else None,
                    "summary": paragraph(ctx, 80, [V.BACKGROUND]),
                    "body": "\n\n".join(
                        paragraph(ctx, rng.randint(150, 300), [V.BACKGROUND, V.DETAIL, V.RESULT]) for _ in range(rng.randint(2, 4))
                    ),
                }
            )
        )

    honor_ids: set[str] = set()
    for i in range(n_honor):
        rng = rng_for(seed, "honor", i)
        year = 2014 + (i % 12)
        level = rng.choice(V.HONOR_LEVELS)
        big = i % 5 == 0  # every fifth list is long: hundreds of recipients
        categories = []
        for cname in rng.sample(V.HONOR_CATEGORIES, rng.randint(2, 5)):
            size = rng.randint(60, 220) if big else rng.randint(3, 30)
            recipients: list[dict] = []
            refs_v = rng.sample(corpus.volunteers, min(len(corpus.volunteers), size // 2))
            for _ in range(size):
                where = place(rng)
                roll = rng.random()
                if roll < 0.4 and refs_v:
                    entry: dict[str, Any] = {"volunteer": refs_v.pop()["id"]}
                elif roll < 0.47:
                    entry = {"organization": rng.choice(corpus.organizations)["id"]}
                elif roll < 0.52:
                    entry = {"project": rng.choice(corpus.projects)["id"]}
                else:
                    entry = {
                        "name": person_name(rng),
                        "unit": unit_for(rng, where),
                        "position": rng.choice(V.POSITIONS),
                        "region": f"{V.CITY}{where['district']}",
                    }
                if rng.random() < 0.6:
                    ctx = Ctx(rng, "", "", "", rng.choice(FIELDS), where, "", year)
                    entry["deed"] = ctx.fill(rng.choice(V.DEEDS))
                key = next(k for k in ("volunteer", "organization", "project", "name") if k in entry)
                if any(e.get(key) == entry[key] for e in recipients):
                    continue  # a duplicate line is a warning; keep the lists clean
                recipients.append(entry)
            categories.append({"name": cname, "recipients": recipients})
        title = f"{year}年度{V.CITY}{rng.choice(V.HONOR_TITLES)}"
        hid = _unique(f"honor-{year}-{i + 1}", honor_ids)
        corpus.honors.append(
            clean(
                {
                    "id": hid,
                    "title": title,
                    "level": level,
                    "awarded_by": f"中共{V.CITY}委宣传部 {V.CITY}文明办",
                    "date": f"{year}-{rng.choice([3, 12])}-05",
                    "document": f"江文明办〔{year}〕{rng.randint(1, 60)}号",
                    "order": rng.choice(["名单顺序", "拼音", "拼音", "姓氏笔画"]),
                    "summary": f"表彰{year}年度在学雷锋志愿服务中涌现出的先进典型。",
                    "body": "为深入学习宣传雷锋精神，大力弘扬“奉献、友爱、互助、进步”的志愿精神，经基层推荐、资格审核、综合评审和社会公示，确定以下先进典型。",
                    "categories": categories,
                }
            )
        )

    story_ids: set[str] = set()
    start = dt.date(2014, 1, 1)
    span = (dt.date(2025, 12, 31) - start).days
    for i in range(n):
        rng = rng_for(seed, "story", i)
        date = start + dt.timedelta(days=rng.randrange(span))
        fields = rng.sample(FIELDS, 1 if rng.random() < 0.6 else 2)
        slug = next(k for k, v in DEFAULT_FIELDS.items() if v == fields[0]) if DEFAULT_FIELDS else "story"
        sid = _unique(f"{slug}-{date.year}-{i + 1:05d}", story_ids)
        vols = rng.sample(corpus.volunteers, rng.randint(1, 3)) if rng.random() < 0.75 else []
        orgs = rng.sample(corpus.organizations, rng.randint(1, 2)) if rng.random() < 0.6 else []
        project = rng.choice(corpus.projects) if rng.random() < 0.5 else None
        theme = rng.choice(corpus.themes) if rng.random() < 0.3 else None
        where = place(rng)
        name = vols[0]["name"] if vols else person_name(rng)
        ctx = Ctx(
            rng,
            name,
            orgs[0]["name"] if orgs else rng.choice(corpus.organizations)["name"],
            project["name"] if project else rng.choice(V.PROJECT_WORDS),
            fields[0],
            where,
            rng.choice(V.POSITIONS),
            date.year,
        )
        title = ctx.fill(rng.choice(V.TITLES))
        body, _ = story_body(ctx)
        cover = None
        if rng.random() < 0.5:
            cover = f"media/stories/{sid}.jpg"
            corpus.images.append((cover, "cover", 40_000 + i, 800, 450))
        inline = None
        if rng.random() < 0.1:
            inline = f"media/stories/{sid}-2.jpg"
            corpus.images.append((inline, "cover", 60_000 + i, 800, 450))
            paragraphs = body.split("\n\n")
            paragraphs.insert(2, f"![{name}在服务现场]({inline})")
            body = "\n\n".join(paragraphs)
        corpus.stories.append(
            {
                "id": sid,
                "front": clean(
                    {
                        "title": title,
                        "date": date.isoformat(),
                        "summary": paragraph(ctx, rng.randint(50, 110), [V.BACKGROUND, V.DETAIL]),
                        "cover": cover,
                        "cover_alt": f"{name}在{where['community']}参加志愿服务" if cover else None,
                        "volunteers": [v["id"] for v in vols],
                        "organizations": [o["id"] for o in orgs],
                        "project": project["id"] if project else None,
                        "theme": theme["id"] if theme else None,
                        "fields": fields,
                        "region": where["region"],
                        "author": f"通讯员 {person_name(rng)}",
                        "source": rng.choice(V.SOURCES),
                        "source_url": f"https://example.com/news/{date.year}/{date.month:02d}{date.day:02d}/{sid}.html"
                        if rng.random() < 0.5
                        else None,
                        "editor": person_name(rng),
                        "tags": rng.sample(V.TAGS, rng.randint(0, 3)),
                        "featured": True if rng.random() < 0.02 else None,
                    }
                ),
                "body": body,
            }
        )
    return corpus


# --- writers -----------------------------------------------------------------


def load_repo_config(src: Path = REPO) -> dict:
    with open(src / "mkdocs.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _is_search(plugin: Any) -> bool:
    return plugin == "search" or (isinstance(plugin, dict) and "search" in plugin)


def ours_config(n: int, search: bool, src: Path = REPO) -> dict:
    """The repo's mkdocs.yml, with custom_dir pointing at `src`/theme by absolute path."""
    config = load_repo_config(src)
    config["site_name"] = f"江城志愿（基准 {n} 篇）"
    config["site_url"] = "https://example.gov.cn/zyfw/"
    config["docs_dir"] = "docs"
    config["theme"]["custom_dir"] = str(src / "theme")
    if not search:
        config["plugins"] = [p for p in config["plugins"] if not _is_search(p)]
    return config


def blog_config(n: int, search: bool, src: Path = REPO) -> dict:
    """Material's blog plugin with the repo's theme options (not its templates) and search settings."""
    repo = load_repo_config(src)
    # Material itself, not our theme (which extends it), with the repo's theme options.
    theme = {k: v for k, v in repo["theme"].items() if k not in ("custom_dir", "favicon", "logo")} | {"name": "material"}
    # The namespaced names: Material 9.8 dropped the bare `search` and `blog` aliases, and a
    # bare `search` now loads MkDocs's own search plugin, not Material's.
    plugins: list = [{"material/search": {"lang": "zh"}}] if search else []
    plugins.append({"material/blog": {"blog_dir": "blog"}})
    return {
        "site_name": f"江城志愿博客（基准 {n} 篇）",
        "site_url": "https://example.gov.cn/blog/",
        "docs_dir": "docs",
        "use_directory_urls": True,
        "theme": theme,
        "markdown_extensions": repo.get("markdown_extensions", []),
        "plugins": plugins,
        "nav": [{"首页": "index.md"}, {"志愿故事": "blog/index.md"}],
    }


def write_configs(out: Path, n: int, src: Path = REPO) -> None:
    """mkdocs.yml (search on) and mkdocs-nosearch.yml for both sites; cheap, so always rewritten."""
    head = "# Generated by bench/corpus.py; do not edit.\n"
    for search, name in ((True, "mkdocs.yml"), (False, "mkdocs-nosearch.yml")):
        write(out / "ours" / name, head + dump_yaml(ours_config(n, search, src)))
        write(out / "blog" / name, head + dump_yaml(blog_config(n, search, src)))


def write_images(corpus: Corpus, content: Path) -> None:
    """Each image is its own file, drawn from its own random stream."""
    for path, kind, index, width, height in corpus.images:
        rng = rng_for(corpus.seed, "image", index)
        target = content / path
        if kind == "logo":
            save_logo(rng, target)
        else:
            save_jpeg(make_photo(rng, width, height, person=kind == "portrait" or rng.random() < 0.5), target, rng)


def write_ours(corpus: Corpus, root: Path) -> None:
    write(root / "docs" / "about.md", "# 关于本站\n\n本站是基准测试用的合成网站，人物、组织和事迹均为虚构。\n")
    for folder, records in (
        ("volunteers", corpus.volunteers),
        ("organizations", corpus.organizations),
        ("projects", corpus.projects),
        ("themes", corpus.themes),
        ("honors", corpus.honors),
    ):
        for record in records:
            data = {k: v for k, v in record.items() if k != "id"}
            write(root / "content" / folder / f"{record['id']}.yaml", dump_yaml(data))
    for story in corpus.stories:
        write(root / "stories" / f"{story['id']}.md", "---\n" + dump_yaml(story["front"]) + "---\n\n" + story["body"] + "\n")
    write_images(corpus, root / "content")


def write_blog(corpus: Corpus, root: Path, ours_root: Path) -> None:
    """The same stories as Material blog posts: date, categories (fields), slug, cover."""
    docs = root / "docs"
    write(docs / "index.md", "# 江城志愿\n\n学习雷锋好榜样 志愿服务暖人心。\n")
    write(docs / "blog" / "index.md", "# 志愿故事\n")
    posts = docs / "blog" / "posts"
    for story in corpus.stories:
        front = story["front"]
        meta = clean(
            {
                "date": dt.date.fromisoformat(front["date"]),
                "slug": story["id"],
                "categories": front.get("fields"),
                "tags": front.get("tags"),
                "description": front.get("summary"),
            }
        )
        body = story["body"]
        images: list[str] = []
        if front.get("cover"):
            images.append(front["cover"])
        images += re.findall(r"\]\((media/stories/[^)]+)\)", body)
        body = re.sub(r"\]\(media/stories/", "](images/", body)
        cover = f"![{front.get('cover_alt', '')}](images/{Path(front['cover']).name})\n\n" if front.get("cover") else ""
        text = (
            "---\n" + dump_yaml(meta) + "---\n\n" + f"# {front['title']}\n\n{front.get('summary', '')}\n\n<!-- more -->\n\n{cover}{body}\n"
        )
        write(posts / f"{story['id']}.md", text)
        for image in images:
            target = posts / "images" / Path(image).name
            target.parent.mkdir(parents=True, exist_ok=True)
            source = ours_root / "content" / image
            try:
                target.hardlink_to(source)
            except OSError:
                shutil.copyfile(source, target)


def fingerprint(n: int, seed: int) -> str:
    """Changes when the corpus code or the vocabulary change."""
    digest = hashlib.sha256(f"{CORPUS_VERSION}:{n}:{seed}".encode())
    for path in (Path(__file__), Path(V.__file__)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def generate(n: int, out: Path, seed: int = 1, *, force: bool = False, src: Path = REPO) -> dict:
    """Write the corpus into `out` (ours/ and blog/) unless an identical one is there.

    The configurations are written every time, pointing at `src` (the repo, or
    a snapshot of it) for the theme and the base mkdocs.yml.
    """
    out = Path(out)
    stamp = out / "corpus.json"
    key = fingerprint(n, seed)
    if not force and stamp.exists():
        info = json.loads(stamp.read_text())
        if info.get("fingerprint") == key:
            write_configs(out, n, src)
            return info
    if out.exists():
        shutil.rmtree(out)
    started = time.perf_counter()
    corpus = build_corpus(n, seed)
    write_ours(corpus, out / "ours")
    write_blog(corpus, out / "blog", out / "ours")
    write_configs(out, n, src)
    lengths = [len(s["body"]) for s in corpus.stories]
    info = {
        "fingerprint": key,
        "stories": n,
        "seed": seed,
        "volunteers": len(corpus.volunteers),
        "organizations": len(corpus.organizations),
        "projects": len(corpus.projects),
        "themes": len(corpus.themes),
        "honors": len(corpus.honors),
        "honor_recipients": sum(len(c["recipients"]) for h in corpus.honors for c in h["categories"]),
        "images": len(corpus.images),
        "story_chars_min": min(lengths),
        "story_chars_median": sorted(lengths)[len(lengths) // 2],
        "story_chars_max": max(lengths),
        "generated_in_s": round(time.perf_counter() - started, 1),
    }
    stamp.write_text(json.dumps(info, ensure_ascii=False, indent=2))
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stories", type=int, help="number of stories")
    parser.add_argument("out", type=Path, nargs="?", help="output folder (default bench/out/corpus/n<N>-s<seed>)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="regenerate even if an identical corpus exists")
    args = parser.parse_args(argv)
    out = args.out or REPO / "bench" / "out" / "corpus" / f"n{args.stories}-s{args.seed}"
    info = generate(args.stories, out, args.seed, force=args.force)
    print(json.dumps(info, ensure_ascii=False, indent=2))
    print(f"ours: mkdocs build -f {out / 'ours' / 'mkdocs.yml'}   (no search: mkdocs-nosearch.yml)")
    print(f"blog: mkdocs build -f {out / 'blog' / 'mkdocs.yml'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

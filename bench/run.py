"""Build synthetic sites of several sizes with our generator and with Material's
blog plugin, alternately, and print a table of medians.

    python bench/run.py                           # sizes 500,2000, 3 repeats
    python bench/run.py --sizes 500,2000,10000 --repeat 3
    python bench/run.py --sizes 2000 --profile    # cProfile of our build, top 30

Every build runs in a fresh subprocess, with a clean site folder and (except
the "warm" variant) no `.cache/`. Corpora are generated once per size and seed
under bench/out/corpus/ and reused. Results go to bench/out/results-*.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import gzip
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus as corpus_mod  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
PYDEPS = OUT / "pydeps"  # optional: `pip install --target bench/out/pydeps jieba`
NOJIEBA = OUT / "nojieba"

# name -> (site, config file, cold?)
VARIANTS: dict[str, tuple[str, str, bool]] = {
    "ours": ("ours", "mkdocs.yml", True),
    # Right after `ours`: .cache/ and site/ kept, nothing changed. The first
    # rebuild links every file into a fresh staging folder; from the next one
    # on, the site of two builds ago is recycled and only changes are relinked.
    "ours-warm": ("ours", "mkdocs.yml", False),
    "ours-nochange": ("ours", "mkdocs.yml", False),
    "ours-nosearch": ("ours", "mkdocs-nosearch.yml", True),
    "blog": ("blog", "mkdocs.yml", True),
    "blog-nosearch": ("blog", "mkdocs-nosearch.yml", True),
}
DEFAULT_VARIANTS = "ours,ours-warm,ours-nochange,blog"
WARM = ("ours-warm", "ours-nochange")  # run in this order right after each `ours`
TIME = "/usr/bin/time"

# Run a command and report its peak RSS when /usr/bin/time is missing.
_RSS_WRAPPER = r"""
import resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\n[bench] Maximum resident set size (kbytes): {rss}\n")
sys.exit(rc)
"""


# --- environment ------------------------------------------------------------


def machine() -> dict:
    info: dict = {"nproc": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        info["nproc_usable"] = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        pass
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
        info["cpu"] = model.group(1).strip() if model else platform.processor()
        mhz = re.search(r"^cpu MHz\s*:\s*(.+)$", cpuinfo, re.M)
        if mhz:
            info["cpu_mhz"] = float(mhz.group(1))
    except OSError:
        info["cpu"] = platform.processor()
    try:
        meminfo = Path("/proc/meminfo").read_text()
        kb = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.M).group(1))
        info["ram_gb"] = round(kb / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    for package in ("mkdocs", "mkdocs-material", "jinja2", "markdown", "pillow", "pydantic"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    return info


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.strip()


def source_tree(ref: str | None) -> tuple[Path, dict]:
    """Where the generator and theme under test live: the work tree, or a snapshot of a commit.

    Other people edit generator/ and theme/ while a benchmark runs; `--ref HEAD`
    (or any commit) measures a fixed version from `git archive`.
    """
    try:
        head = git("rev-parse", "HEAD")
    except (subprocess.CalledProcessError, FileNotFoundError):
        head = None
    if ref is None:
        dirty = bool(head) and bool(git("status", "--porcelain", "--", "generator", "theme", "mkdocs.yml"))
        return REPO, {"source": "work tree", "head": head, "dirty": dirty}
    sha = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    src = OUT / "src" / sha[:12]
    if not (src / "generator" / "plugin.py").exists():
        src.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "generator", "theme", "mkdocs.yml"], cwd=REPO, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    return src, {"source": f"git {ref}", "head": sha, "dirty": False}


def build_env(jieba: str, src: Path = REPO) -> tuple[dict, str | None]:
    """The environment for builds, and the jieba version they will see (None: off)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    if src != REPO:
        paths.insert(0, str(src))  # shadows the editable install's generator package
    if jieba == "off":
        NOJIEBA.mkdir(parents=True, exist_ok=True)
        (NOJIEBA / "jieba.py").write_text('raise ImportError("jieba hidden by bench/run.py --jieba off")\n')
        paths.insert(0, str(NOJIEBA))
    elif PYDEPS.is_dir():
        paths.append(str(PYDEPS))
    env["PYTHONPATH"] = os.pathsep.join(paths)
    probe = subprocess.run(
        [sys.executable, "-c", "import jieba, sys; jieba.setLogLevel(60); jieba.initialize(); print(jieba.__version__)"],
        env=env,
        capture_output=True,
        text=True,
    )
    found = probe.stdout.strip() if probe.returncode == 0 else None
    if jieba == "on" and not found:
        sys.exit("--jieba on: jieba is not importable. Install it with\n  pip install --target bench/out/pydeps jieba==0.42.1")
    return env, found


# --- measuring ----------------------------------------------------------------


def tree_size(folder: Path) -> tuple[int, int, int]:
    """(bytes, files, index.html pages) under folder."""
    total = files = pages = 0
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            total += os.lstat(os.path.join(dirpath, name)).st_size
            files += 1
            pages += name == "index.html"
    return total, files, pages


def clean_build_state(root: Path, site: Path, cold: bool) -> None:
    """A cold build starts with no site, no staging folder and no .cache/; a warm one keeps them all."""
    if cold:
        for suffix in ("", ".staging", ".previous"):
            shutil.rmtree(f"{site}{suffix}", ignore_errors=True)
        shutil.rmtree(root / ".cache", ignore_errors=True)


def run_build(root: Path, config: str, site: Path, env: dict, log: Path) -> dict:
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / config), "-d", str(site)]
    if os.path.exists(TIME):
        command = [TIME, "-v", *command]
    else:
        command = [sys.executable, "-c", _RSS_WRAPPER, *command]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = os.times()
    # CPU time of the build (user + system), from the children's times: far
    # less sensitive than wall time to other work on a shared machine.
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(done.stdout + done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    warnings = len(re.findall(r"^WARNING", done.stderr, re.M))
    result = {
        "rc": done.returncode,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "rss_mb": round(int(rss.group(1)) / 1024, 1) if rss else None,
        "warnings": warnings,
        "load_before": round(load, 2) if load is not None else None,
    }
    if done.returncode != 0:
        result["error"] = "\n".join(done.stderr.strip().splitlines()[-15:])
    return result


def photo_bytes(site: Path) -> int:
    """Bytes of the derivatives of staff's own photos (media/, generated avatars excepted)."""
    total = 0
    for dirpath, _, filenames in os.walk(site / "media"):
        if "avatars" in Path(dirpath).parts:
            continue
        total += sum(os.lstat(os.path.join(dirpath, name)).st_size for name in filenames)
    return total


def site_metrics(site: Path, stories: int) -> dict:
    size, files, pages = tree_size(site)
    photos = photo_bytes(site)
    metrics = {
        "output_mb": round(size / 1e6, 2),
        "files": files,
        "pages": pages,
        "kb_per_story": round(size / 1e3 / stories, 1),
        # Issue 15's measure: the output per story not counting derivatives of staff's own photos.
        "kb_per_story_no_photos": round((size - photos) / 1e3 / stories, 1),
    }
    index = site / "search" / "search_index.json"
    if index.is_file():  # Material's search plugin: one file every reader loads
        raw = index.read_bytes()
        metrics["search_mb"] = round(len(raw) / 1e6, 2)
        metrics["search_gz_mb"] = round(len(gzip.compress(raw, 6)) / 1e6, 2)
        metrics["search_files"] = 1
    elif (site / "search").is_dir():  # our sharded index: the total of all its files
        raw_total = gz_total = count = 0
        for path in (site / "search").rglob("*"):
            if path.is_file() and path.suffix in (".json", ".bin"):
                raw = path.read_bytes()
                raw_total += len(raw)
                gz_total += len(gzip.compress(raw, 6))
                count += 1
        metrics["search_mb"] = round(raw_total / 1e6, 2)
        metrics["search_gz_mb"] = round(gz_total / 1e6, 2)
        metrics["search_files"] = count
    else:
        metrics["search_mb"] = metrics["search_gz_mb"] = None
    return metrics


def measure(size: int, folder: Path, variant: str, env: dict, repeat: int) -> dict:
    site_name, config, cold = VARIANTS[variant]
    root = folder / site_name
    site = root / "site"
    clean_build_state(root, site, cold)
    result = run_build(root, config, site, env, OUT / "logs" / f"n{size}-{variant}-r{repeat}.log")
    result.update(variant=variant, size=size, repeat=repeat)
    if result["rc"] == 0:
        result.update(site_metrics(site, size))
        result["pages_per_s"] = round(result["pages"] / result["wall_s"], 1)
        result["ms_per_story"] = round(result["wall_s"] * 1000 / size, 2)
        result["cpu_ms_per_story"] = round(result["cpu_s"] * 1000 / size, 2)
    return result


# --- reporting ----------------------------------------------------------------

COLUMNS = [
    ("wall_s", "wall s", "{:.2f}"),
    ("cpu_s", "CPU s", "{:.2f}"),
    ("rss_mb", "peak RSS MB", "{:.0f}"),
    ("output_mb", "output MB", "{:.1f}"),
    ("pages", "pages", "{:.0f}"),
    ("pages_per_s", "pages/s", "{:.0f}"),
    ("search_mb", "search MB", "{:.2f}"),
    ("search_gz_mb", "search gz MB", "{:.2f}"),
    ("ms_per_story", "ms/story", "{:.2f}"),
    ("cpu_ms_per_story", "CPU ms/story", "{:.2f}"),
    ("kb_per_story", "KB/story", "{:.1f}"),
    ("kb_per_story_no_photos", "KB/story w/o photos", "{:.1f}"),
    ("files", "files", "{:.0f}"),
]


def medians(runs: list[dict]) -> dict:
    ok = [r for r in runs if r.get("rc") == 0]
    summary: dict = {"runs": len(runs), "failed": len(runs) - len(ok)}
    for key, _, _ in COLUMNS + [("files", "", ""), ("warnings", "", ""), ("load_before", "", "")]:
        values = [r[key] for r in ok if r.get(key) is not None]
        summary[key] = round(statistics.median(values), 3) if values else None
    walls = [r["wall_s"] for r in ok]
    if len(walls) > 1:
        summary["wall_min"], summary["wall_max"] = min(walls), max(walls)
        cpus = [r["cpu_s"] for r in ok]
        summary["cpu_min"], summary["cpu_max"] = min(cpus), max(cpus)
    return summary


def fmt(value, pattern: str) -> str:
    return "—" if value is None else pattern.format(value)


def table(summary: dict[int, dict[str, dict]]) -> str:
    lines = ["| stories | build | " + " | ".join(label for _, label, _ in COLUMNS) + " |", "|" + "---|" * (len(COLUMNS) + 2)]
    for size, variants in summary.items():
        for variant, row in variants.items():
            failed = f" ({row['failed']} failed)" if row.get("failed") else ""
            lines.append(f"| {size:,} | {variant}{failed} | " + " | ".join(fmt(row.get(k), p) for k, _, p in COLUMNS) + " |")
    return "\n".join(lines)


def ratio(a: dict | None, b: dict | None, key: str) -> float | None:
    if not a or not b or a.get(key) in (None, 0) or b.get(key) in (None, 0):
        return None
    return round(a[key] / b[key], 3)


def comparisons(summary: dict[int, dict[str, dict]]) -> tuple[str, dict]:
    lines = [
        "| stories | ours/blog wall | ours/blog CPU | ours/blog RSS | ours/blog output | ours/blog search | "
        "ours-nosearch/blog-nosearch CPU | search share of our cold build (CPU) | warm/cold (ours, CPU) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    data: dict = {}
    for size, v in summary.items():
        ours, blog = v.get("ours"), v.get("blog")
        share = None
        if ours and v.get("ours-nosearch") and ours.get("cpu_s") and v["ours-nosearch"].get("cpu_s"):
            share = round(1 - v["ours-nosearch"]["cpu_s"] / ours["cpu_s"], 3)
        row = {
            "wall": ratio(ours, blog, "wall_s"),
            "cpu": ratio(ours, blog, "cpu_s"),
            "rss": ratio(ours, blog, "rss_mb"),
            "output": ratio(ours, blog, "output_mb"),
            "search": ratio(ours, blog, "search_mb"),
            "nosearch_cpu": ratio(v.get("ours-nosearch"), v.get("blog-nosearch"), "cpu_s"),
            "search_share": share,
            "warm_over_cold": ratio(v.get("ours-warm"), ours, "cpu_s"),
            "nochange_over_blog_wall": ratio(v.get("ours-nochange"), blog, "wall_s"),
            "nochange_over_blog_cpu": ratio(v.get("ours-nochange"), blog, "cpu_s"),
        }
        data[size] = row
        cells = " | ".join(fmt(row[k], "{:.2f}") for k in ("wall", "cpu", "rss", "output", "search", "nosearch_cpu"))
        lines.append(f"| {size:,} | {cells} | {fmt(share, '{:.0%}')} | {fmt(row['warm_over_cold'], '{:.2f}')} |")
    return "\n".join(lines), data


def targets(summary: dict[int, dict[str, dict]], compared: dict) -> list[str]:
    """The issue's targets, checked where this run has the numbers."""
    notes = []
    sizes = sorted(summary)
    if 2000 in compared and compared[2000]["wall"] is not None:
        for key in ("wall", "cpu"):
            r = compared[2000][key]
            if r is not None:
                notes.append(f"{'PASS' if r <= 0.5 else 'FAIL'}: 2,000 stories, cold build ours/blog {key} time = {r:.2f} (target <= 0.50)")
        for key in ("wall", "cpu"):
            r = compared[2000].get(f"nochange_over_blog_{key}")
            if r is not None:
                notes.append(
                    f"{'PASS' if r <= 0.1 else 'FAIL'}: 2,000 stories, no-change rebuild / blog {key} time = {r:.2f} (target <= 0.10)"
                )
    for size, row in ((s, summary[s].get("ours")) for s in sizes):
        if row and row.get("kb_per_story_no_photos") is not None:
            notes.append(
                f"{'PASS' if row['kb_per_story_no_photos'] <= 100 else 'FAIL'}: {size:,} stories, output {row['kb_per_story_no_photos']:.1f} KB per story "
                f"without photo derivatives (target <= 100 KB); {row.get('files', 0):,} files"
            )
    big = summary.get(10000, {})
    if big.get("ours", {}).get("wall_s"):
        notes.append(
            f"{'PASS' if big['ours']['wall_s'] <= 180 else 'FAIL'}: 10,000 stories cold build {big['ours']['wall_s']:.1f} s wall (target <= 180 s)"
        )
        if big["ours"].get("rss_mb"):
            notes.append(
                f"{'PASS' if big['ours']['rss_mb'] <= 1024 else 'FAIL'}: 10,000 stories cold build peak RSS {big['ours']['rss_mb']:.0f} MB (target <= 1,024 MB)"
            )
    if big.get("ours-nochange", {}).get("wall_s"):
        notes.append(
            f"{'PASS' if big['ours-nochange']['wall_s'] <= 15 else 'FAIL'}: 10,000 stories no-change rebuild {big['ours-nochange']['wall_s']:.1f} s wall (target <= 15 s)"
        )
    ours_rows = [(s, summary[s].get("ours")) for s in sizes if summary[s].get("ours") and summary[s]["ours"].get("ms_per_story")]
    if len(ours_rows) > 1:
        base_size, base = ours_rows[0]
        for key, label in (
            ("ms_per_story", "wall time per story"),
            ("cpu_ms_per_story", "CPU time per story"),
            ("kb_per_story", "output per story"),
        ):
            worst = max((row[key] / base[key] - 1 for _, row in ours_rows[1:]), key=abs)
            spread = ", ".join(f"{s:,}: {row[key]:.2f}" for s, row in ours_rows)
            notes.append(
                f"{'PASS' if abs(worst) <= 0.2 else 'FAIL'}: {label} flat within 20% from {base_size:,} ({spread}; worst {worst:+.0%})"
            )
    return notes


# --- profiling ----------------------------------------------------------------

AREAS = [
    ("templates (theme/ + material)", ".html"),
    ("jieba", "jieba"),
    ("material plugins", "material/plugins"),
    ("mkdocs", "/mkdocs/"),
    ("jinja2", "/jinja2/"),
    ("markdown + pymdownx", "/markdown/"),
    ("markdown + pymdownx", "/pymdownx/"),
    ("PIL", "/PIL/"),
    ("yaml", "/yaml/"),
    ("pydantic", "/pydantic"),
    ("pypinyin", "/pypinyin/"),
]


def area_of(filename: str, src: Path = REPO) -> str:
    if filename == "~" or filename.startswith("<"):
        return "builtins / C"
    if filename.startswith(str(src / "generator")):
        return "generator (ours)"
    for area, needle in AREAS:
        if needle in filename:
            return area
    return "other Python"


# cProfile with a CPU clock (time.process_time), so that other work on the
# machine does not inflate the figures; `python -m cProfile` uses wall time.
_CPU_PROFILE = r"""
import cProfile, runpy, sys, time
out = sys.argv[1]
sys.argv = ["mkdocs", *sys.argv[2:]]
profiler = cProfile.Profile(time.process_time)
profiler.enable()
try:
    runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
except SystemExit as exc:
    code = exc.code
else:
    code = 0
profiler.disable()
profiler.dump_stats(out)
sys.exit(code)
"""


def profile(size: int, folder: Path, env: dict, profiler: str, src: Path = REPO, top: int = 30, warm: bool = False) -> dict:
    root, site = folder / "ours", folder / "ours" / "site"
    if warm:  # a rebuild with nothing changed: fill .cache/ first if needed
        clean_build_state(root, site, cold=False)
        if not (root / ".cache").is_dir():
            run_build(root, "mkdocs.yml", site, env, OUT / "logs" / f"n{size}-profile-fill.log")
    else:
        clean_build_state(root, site, cold=True)
    OUT.mkdir(parents=True, exist_ok=True)
    base = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(root / "mkdocs.yml"), "-d", str(site)]
    if profiler == "pyinstrument":
        text = OUT / f"profile-n{size}.pyinstrument.txt"
        command = [sys.executable, "-m", "pyinstrument", "-o", str(text), "-m", *base[2:]]
        started = time.perf_counter()
        subprocess.run(command, cwd=root, env=env, check=True)
        print(f"profiled build of {size:,} stories: {time.perf_counter() - started:.1f} s (pyinstrument, written to {text})")
        print("\n".join(text.read_text().splitlines()[:120]))
        return {"size": size, "profiler": "pyinstrument", "file": str(text)}
    prof = OUT / f"profile-n{size}.prof"
    command = [sys.executable, "-c", _CPU_PROFILE, str(prof), *base[3:]]
    started = time.perf_counter()
    subprocess.run(command, cwd=root, env=env, check=True)
    wall = time.perf_counter() - started
    stats = pstats.Stats(str(prof))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(
        f"\nprofiled {'warm' if warm else 'cold'} build of {size:,} stories (ours): {wall:.1f} s wall under cProfile, {total:.1f} s CPU profiled"
    )
    print(f"\ntop {top} by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)

    by_area: dict[str, float] = {}
    ours: list[tuple[float, float, int, str]] = []
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        area = area_of(filename, src)
        by_area[area] = by_area.get(area, 0) + tt
        if area == "generator (ours)":
            ours.append((ct, tt, nc, f"{Path(filename).relative_to(src)}:{line} {name}"))
    print("self time by area (builtins/C are counted where they run, e.g. re and json called from jieba count as builtins):")
    for area, tt in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"  {area:32s} {tt:8.2f} s  {tt / total:6.1%}")
    print("\nour generator/ functions by cumulative time:")
    print(f"  {'cum s':>8} {'share':>6} {'self s':>8} {'calls':>9}  function")
    for ct, tt, nc, where in sorted(ours, reverse=True)[:25]:
        print(f"  {ct:8.2f} {ct / total:6.1%} {tt:8.2f} {nc:9d}  {where}")
    return {
        "size": size,
        "profiler": "cProfile",
        "wall_s": round(wall, 2),
        "profiled_s": round(total, 2),
        "by_area": {k: round(v, 3) for k, v in by_area.items()},
        "generator": [
            {"cum_s": round(ct, 3), "self_s": round(tt, 3), "calls": nc, "function": where}
            for ct, tt, nc, where in sorted(ours, reverse=True)[:40]
        ],
        "file": str(prof),
    }


# --- main ---------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1]
    )
    parser.add_argument("--sizes", default="500,2000", help="comma-separated story counts (default 500,2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="builds per variant; the table shows medians")
    parser.add_argument("--variants", default=DEFAULT_VARIANTS, help=f"comma-separated, from {','.join(VARIANTS)}")
    parser.add_argument(
        "--jieba",
        choices=("auto", "on", "off"),
        default="auto",
        help="Chinese segmentation in Material's search plugin (default: use it if importable or in bench/out/pydeps)",
    )
    parser.add_argument("--profile", action="store_true", help="profile our cold build for each size instead of benchmarking")
    parser.add_argument("--profiler", choices=("cprofile", "pyinstrument"), default="cprofile")
    parser.add_argument("--warm", action="store_true", help="with --profile: profile a rebuild with .cache/ kept and nothing changed")
    parser.add_argument("--regenerate", action="store_true", help="rewrite the corpora even if cached")
    parser.add_argument("--ref", help="benchmark this commit (git archive of generator/, theme/, mkdocs.yml) instead of the work tree")
    args = parser.parse_args(argv)

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants: {', '.join(unknown)}")
    src, source = source_tree(args.ref)
    env, jieba_version = build_env(args.jieba, src)
    info = machine()
    info["jieba"] = jieba_version
    info.update(source)
    print(
        f"machine: {info.get('cpu')} · {info.get('nproc')} CPUs · {info.get('ram_gb')} GB · Python {info['python']} · mkdocs {info['mkdocs']} · material {info['mkdocs-material']} · jieba {jieba_version or 'off'}"
    )
    print(f"generator: {source['source']} at {(source['head'] or '?')[:12]}{' + uncommitted changes' if source['dirty'] else ''}")

    folders: dict[int, Path] = {}
    corpora: dict[int, dict] = {}
    for size in sizes:
        folder = OUT / "corpus" / f"n{size}-s{args.seed}"
        started = time.perf_counter()
        corpora[size] = corpus_mod.generate(size, folder, args.seed, force=args.regenerate, src=src)
        folders[size] = folder
        c = corpora[size]
        print(
            f"corpus {size:,}: {c['volunteers']} volunteers, {c['organizations']} organisations, {c['projects']} projects, {c['themes']} themes, "
            f"{c['honors']} honour lists ({c['honor_recipients']} recipients), {c['images']} images; ready in {time.perf_counter() - started:.1f} s"
        )

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    if load > 0.5:
        print(f"note: load average {load:.1f} before starting: other work is running; wall times will be noisy, CPU times much less so")
    # One run at a time per corpus: two runs would delete each other's site and .cache.
    locks = contextlib.ExitStack()
    for folder in folders.values():
        handle = locks.enter_context(open(folder / ".lock", "w"))
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting: another bench run is using {folder.relative_to(REPO)}", flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    if args.profile:
        profiles = [profile(size, folders[size], env, args.profiler, src, warm=args.warm) for size in sizes]
        (OUT / f"profile-{stamp}.json").write_text(json.dumps({"machine": info, "profiles": profiles}, ensure_ascii=False, indent=2))
        return 0

    runs: list[dict] = []
    cold = [v for v in variants if v not in WARM]
    for size in sizes:
        for r in range(args.repeat):
            order = cold[r % len(cold) :] + cold[: r % len(cold)]  # alternate who goes first
            for variant in order:
                for name in [variant] + ([w for w in WARM if w in variants] if variant == "ours" else []):
                    result = measure(size, folders[size], name, env, r)
                    runs.append(result)
                    status = (
                        f"{result['wall_s']:7.2f} s wall {result['cpu_s']:7.2f} s CPU {result.get('rss_mb') or 0:6.0f} MB  (load {result['load_before']})"
                        if result["rc"] == 0
                        else f"FAILED (rc {result['rc']})"
                    )
                    print(f"  {size:>6,} stories  run {r + 1}/{args.repeat}  {name:14s} {status}", flush=True)
                    if result["rc"] != 0:
                        print("    " + result.get("error", "").replace("\n", "\n    "))

    summary: dict[int, dict[str, dict]] = {}
    for size in sizes:
        summary[size] = {}
        for variant in variants:
            picked = [r for r in runs if r["size"] == size and r["variant"] == variant]
            if picked:
                summary[size][variant] = medians(picked)
    compared_text, compared = comparisons(summary)
    notes = targets(summary, compared)
    print(f"\nmedians of {args.repeat} builds each\n")
    print(table(summary))
    print()
    print(compared_text)
    print()
    print("\n".join(notes))

    result = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "command": "python bench/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": info,
        "corpora": corpora,
        "repeat": args.repeat,
        "summary": summary,
        "ratios": compared,
        "targets": notes,
        "runs": runs,
    }
    path = OUT / f"results-{stamp}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    shutil.copyfile(path, OUT / "latest.json")
    print(f"\nwrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

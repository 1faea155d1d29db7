"""Where a `mkdocs serve` rebuild spends its time: rebuilds in this process, as the server runs them.

    python bench/serve_phases.py --size 2000 --edits 8

The corpus (bench/corpus.py) is copied to a scratch folder. Then, as `mkdocs
serve` does, one plugin instance (MkDocs keeps plugins that have
`on_startup`) builds the site once and again after each edit, each time with
a freshly loaded config; each edit appends to a different story's title and
comes two seconds after the last build (an editor reads the preview). Prints
each rebuild's wall time, the plugin's phase timers, the process' resident
memory, and the median. No HTTP server and no file watcher: `bench/serve.py`
measures those too (save -> page served).
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
SERVE_URL = "http://127.0.0.1:8000/"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between a rebuild and the next edit")
    args = parser.parse_args(argv)

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING)
    out = BENCH / "out" / "corpus" / f"n{args.size}-s{args.seed}"
    corpus.generate(args.size, out, args.seed)
    with tempfile.TemporaryDirectory(prefix=f"phases-{args.size}-") as scratch:
        root = Path(scratch) / "site"
        shutil.copytree(out / "ours", root, ignore=shutil.ignore_patterns("site", "site.*"), symlinks=True)

        def config():  # noqa: ANN202
            loaded = load_config(config_file=str(root / "mkdocs.yml"), site_dir=str(Path(scratch) / "served"))
            loaded.site_url = SERVE_URL
            return loaded

        first = config()
        first.plugins.on_startup(command="serve", dirty=False)
        started = time.perf_counter()
        build(first, serve_url=SERVE_URL)
        print(f"first build (cold .cache/): {time.perf_counter() - started:.1f} s, RSS {rss_mb():.0f} MB", flush=True)
        stories = sorted((root / "stories").rglob("*.md"))
        times = []
        for n in range(args.edits):
            path = stories[(n * 7919 + len(stories) // 3) % len(stories)]
            time.sleep(args.pause)
            text = path.read_text(encoding="utf-8")
            path.write_text(re.sub(r"^(title: .*?)([\"']?)$", rf"\1（改{n}）\2", text, count=1, flags=re.M), encoding="utf-8")
            started = time.perf_counter()
            loaded = config()
            build(loaded, serve_url=SERVE_URL)
            times.append(time.perf_counter() - started)
            phases = ", ".join(f"{k} {v:.2f}" for k, v in loaded.plugins["leifeng"].timings.items())
            print(f"  edit {n + 1}: {times[-1]:.2f} s ({phases}), RSS {rss_mb():.0f} MB", flush=True)
        first.plugins.on_shutdown()
    print(f"\n{args.size:,} stories: median rebuild after an edit {statistics.median(times):.2f} s over {len(times)} edits")
    return 0


if __name__ == "__main__":
    sys.exit(main())

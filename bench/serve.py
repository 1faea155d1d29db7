"""How long an editor waits: a story's title edited on disk until `mkdocs serve` serves the new title.

    python bench/serve.py --sizes 2000 --edits 7

For each size: the corpus (bench/corpus.py) is copied to a scratch folder and
built once with `mkdocs build` (a warm `.cache/`, as on an editor's machine
after the first preview); then `mkdocs serve` starts, and each edit changes
the title of a different story and polls the story's page every 20 ms until
the new title is served; the next save comes `--pause` seconds later (an
editor reads the preview first). The first edit after the server starts is reported
apart (MkDocs loads its templates then). Prints each wait, the median and the
server's peak memory.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

BENCH = Path(__file__).resolve().parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONWARNINGS": "ignore"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def peak_rss_mb(pid: int) -> float:
    """VmHWM of a running process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def story_files(root: Path) -> list[Path]:
    return sorted((root / "stories").rglob("*.md"))


def edit_title(path: Path, marker: str) -> tuple[str, str]:
    """Append `marker` to the story's title; returns (its URL path, the new title)."""
    text = path.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M).group(1).strip().strip('"')  # type: ignore[union-attr]
    date = re.search(r"^date: ['\"]?(\d{4})", text, re.M).group(1)  # type: ignore[union-attr]
    new = f"{title}{marker}"
    path.write_text(re.sub(r"^title: .*$", f'title: "{new}"', text, count=1, flags=re.M), encoding="utf-8")
    return f"stories/{date}/{path.stem}/", new


def measure(size: int, edits: int, seed: int, pause: float = 2.0) -> dict:
    out = BENCH / "out" / "corpus" / f"n{size}-s{seed}"
    corpus.generate(size, out, seed)
    source = out / "ours"
    with tempfile.TemporaryDirectory(prefix=f"serve-{size}-") as scratch:
        root = Path(scratch) / "site"
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("site", "site.*"), symlinks=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=ENV, check=True)
        warm_build = time.perf_counter() - started
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=root,
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        log: list[str] = []
        ready = threading.Event()

        def read() -> None:
            assert server.stdout is not None
            for line in server.stdout:
                log.append(line.rstrip())
                if "Serving on" in line:
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        try:
            if not ready.wait(1800):
                raise RuntimeError("mkdocs serve did not start:\n" + "\n".join(log[-20:]))
            base = re.search(r"Serving on (http://\S+)", next(line for line in log if "Serving on" in line)).group(1)  # type: ignore[union-attr]
            first_serve = time.perf_counter() - started - warm_build
            files = story_files(root)
            waits = []
            for n in range(edits):
                path = files[(n * 7919 + len(files) // 3) % len(files)]
                time.sleep(pause)  # the editor reads the preview before the next save
                t0 = time.perf_counter()
                url, title = edit_title(path, f"（改{n}）")  # the save
                while title not in fetch(base + url):
                    if time.perf_counter() - t0 > 600:
                        raise RuntimeError(f"{url} never showed {title}:\n" + "\n".join(log[-20:]))
                    time.sleep(0.02)
                waits.append(time.perf_counter() - t0)
                print(f"  {size:,} stories, edit {n + 1}: {url} visible after {waits[-1]:.2f} s", flush=True)
            rss = peak_rss_mb(server.pid)
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    return {
        "size": size,
        "warm_build_s": warm_build,
        "serve_start_s": first_serve,
        "first_edit_s": waits[0],
        "edits_s": waits[1:],
        "median_s": statistics.median(waits[1:]) if len(waits) > 1 else waits[0],
        "peak_rss_mb": rss,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2000")
    parser.add_argument("--edits", type=int, default=7, help="edits per size; the first is reported apart")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between a page showing its edit and the next save")
    args = parser.parse_args(argv)
    results = [measure(int(size), args.edits, args.seed, args.pause) for size in args.sizes.split(",")]
    print()
    print("| stories | warm build s | serve ready s | first edit s | edits s (each) | median edit → visible s | serve peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        each = ", ".join(f"{w:.2f}" for w in r["edits_s"])
        print(
            f"| {r['size']:,} | {r['warm_build_s']:.1f} | {r['serve_start_s']:.1f} | {r['first_edit_s']:.2f} | {each} | "
            f"**{r['median_s']:.2f}** | {r['peak_rss_mb']:.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

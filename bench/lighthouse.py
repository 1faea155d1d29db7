"""Lighthouse on the example site, mobile settings: home, a story, the largest honour list.

    python bench/lighthouse.py            # build, serve, audit; prints a Markdown table
    python bench/lighthouse.py --runs 3   # median of three runs per page

Not part of CI. Builds the example site into bench/out/lighthouse/site (from a
copy of content/, stories/, docs/, theme/ and mkdocs.yml), serves it on
127.0.0.1 under /zyfw/ with gzip for text (as any static host does), and runs
npm's `lighthouse` (installed once into bench/out/lighthouse/node, version
pinned below) against Debian's Chromium (CHROME_PATH, default
/usr/bin/chromium) with Lighthouse's default mobile emulation and simulated
slow 4G. Reports go to bench/out/lighthouse/*.json; the table is what
bench/LIGHTHOUSE.md records.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "lighthouse"
NODE = OUT / "node"
LIGHTHOUSE_VERSION = "12.8.2"  # 13.x needs Node 22; Debian and CI have 20
PREFIX = "/zyfw/"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run"
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files under PREFIX, gzip for text when the browser asks, 404.html for missing pages."""

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__outside__")
        return super().translate_path("/" + path[len(PREFIX) :])

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return None
        body = path.read_bytes()
        encoded = path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        if encoded:
            body = gzip.compress(body, 6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        if encoded:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        import io

        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def build_site() -> Path:
    root = OUT / "build"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name in ("content", "stories", "docs", "theme", "mkdocs.yml"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, env=env, check=True)
    return root / "site"


def ensure_lighthouse() -> Path:
    cli = NODE / "node_modules" / "lighthouse" / "cli" / "index.js"
    if not cli.is_file():
        NODE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--prefix", str(NODE), "--no-audit", "--no-fund", "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            check=True,
        )
    return cli


def pages(site: Path) -> dict[str, str]:
    """home, the longest story, the honour list with the most entries."""
    stories = sorted(site.glob("stories/[0-9][0-9][0-9][0-9]/*/index.html"))
    story = max(stories, key=lambda p: (len(p.read_bytes()), p.as_posix()))
    honors = sorted(site.glob("honors/*/index.html"))
    honor = max(honors, key=lambda p: (p.read_text(encoding="utf-8").count("lf-roll__entry"), p.as_posix()))
    return {
        "home": "",
        "story": story.parent.relative_to(site).as_posix() + "/",
        "largest honour list": honor.parent.relative_to(site).as_posix() + "/",
    }


def audit(cli: Path, url: str, name: str, run: int) -> dict:
    report = OUT / f"{name.replace(' ', '-')}-{run}.json"
    env = {**os.environ, "CHROME_PATH": CHROME}
    subprocess.run(
        [
            "node", str(cli), url,
            "--quiet",
            "--output=json", f"--output-path={report}",
            "--only-categories=performance,accessibility,best-practices,seo",
            f"--chrome-flags={CHROME_FLAGS}",
            "--locale=zh",
        ],
        env=env,
        check=True,
    )  # fmt: skip
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    by_type = {item["resourceType"]: item for item in audits["resource-summary"]["details"]["items"]}
    third_party = by_type.get("third-party", {}).get("requestCount", 0)
    return {
        "scores": {k: round(v["score"] * 100) for k, v in data["categories"].items()},
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "requests": by_type.get("total", {}).get("requestCount", 0),
        "by_type": {k: v.get("transferSize", 0) for k, v in by_type.items()},
        "third_party_requests": third_party,
        "failed": sorted(
            f"{a['id']} ({a.get('score')})"
            for a in audits.values()
            if a.get("score") is not None and a.get("scoreDisplayMode") == "binary" and a["score"] < 1
        ),
        "version": data["lighthouseVersion"],
        "chrome": data["environment"]["hostUserAgent"],
    }


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the table shows the median")
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    cli = ensure_lighthouse()
    site = build_site()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    results = {}
    try:
        for name, path in pages(site).items():
            runs = [audit(cli, f"{origin}{PREFIX}{path}", name, i) for i in range(args.runs)]
            runs.sort(key=lambda r: r["scores"]["performance"])
            median = runs[len(runs) // 2]
            median["path"] = path
            median["performance_runs"] = [r["scores"]["performance"] for r in runs]
            results[name] = median
    finally:
        server.shutdown()

    (OUT / "summary.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    first = next(iter(results.values()))
    print(f"Lighthouse {first['version']}, mobile (default emulation, simulated slow 4G); {first['chrome']}\n")
    print("| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        s = r["scores"]
        print(
            f"| {name} (`/zyfw/{r['path']}`) | {s['performance']} | {s['accessibility']} | {s['best-practices']} | {s['seo']} "
            f"| {r['fcp'] / 1000:.1f} s | {r['lcp'] / 1000:.1f} s | {r['tbt']:.0f} ms | {r['cls']:.3f} |"
        )
    print("\n| page | requests | transferred (gzip) | document | CSS | JS | images | fonts | other | other hosts |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        t = r["by_type"]
        print(
            f"| {name} | {r['requests']} | {kb(r['bytes'])} | {kb(t.get('document', 0))} | {kb(t.get('stylesheet', 0))} "
            f"| {kb(t.get('script', 0))} | {kb(t.get('image', 0))} | {kb(t.get('font', 0))} | {kb(t.get('other', 0) + t.get('media', 0))} "
            f"| {r['third_party_requests']} |"
        )
    print()
    for name, r in results.items():
        if args.runs > 1:
            print(f"{name}: performance in {args.runs} runs: {r['performance_runs']}")
        if r["failed"]:
            print(f"{name}: audits not passed: {', '.join(r['failed'])}")


if __name__ == "__main__":
    main()

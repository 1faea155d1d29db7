"""Search at scale: index build time, index size, and what a reader's phone downloads and waits.

    python bench/search_size.py                    # 10,000 stories (the issue's target size)
    python bench/search_size.py --stories 2000 --throttle

1. Builds our index for an N-story corpus (bench/corpus.py) from the catalog,
   timed without the cache: documents, index, files written.
2. Puts that index into the example site (same pages, same script; only
   search/ differs: result links point to pages the example does not have,
   which does not matter before the results are shown), serves it under
   /zyfw/ with gzip like a web server, and in headless Chromium at phone
   size opens a page, taps the search button and types queries the way a
   reader does (bench/search_quality.py's corpus queries, in order).

Reported:
    first query   bytes on the wire from page load's search code (search.js,
                  search.css) plus everything from opening the box to the
                  first results: manifest, docs.bin, fold.json, shards, the
                  result snippets (target: <= 300 KB at 10,000 stories)
    next queries  bytes per new query, and time from the last keystroke to
                  results on screen (includes the 80 ms typing pause; target:
                  <= 300 ms)
    build         documents + index + files, seconds (target: <= 30 s)

--throttle adds a run on an emulated slow phone network (150 ms round
trip, 1.6 Mbit/s down), to show what the byte counts mean in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import search_sites as S
from search_quality import Query, corpus_queries, score


def build_timed(catalog: object, site: Path) -> dict:
    """The plugin's build step (documents, index, files into the site), without the cache."""
    from generator.assets.search import search_documents, write_index

    started = time.perf_counter()
    search_documents(catalog)  # type: ignore[arg-type]
    t_docs = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    built = write_index(catalog, site, cache_dir=None)  # type: ignore[arg-type]
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    folder = site / "search" / built.head.version
    files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    shards = [len(gzip.compress(v, 6)) for k, v in files.items() if k.startswith("s/")]
    snippets = [len(gzip.compress(v, 6)) for k, v in files.items() if k.startswith("d/")]
    return {
        "documents": built.stats["docs"],
        "tokens": built.stats["tokens"],
        "postings": built.stats["postings"],
        "seconds": {"total_with_files": round(total, 1), "cpu": round(cpu, 1), "of_which_documents": round(t_docs, 1)},
        "load_average": round(os.getloadavg()[0], 1),
        "files": len(files) + 1,
        "bytes": sum(len(v) for v in files.values()),
        "index_bytes": sum(len(v) for k, v in files.items() if k.startswith("s/")),
        "shards": built.stats["shards"],
        "shard_gzip_median": int(statistics.median(shards)),
        "shard_gzip_max": max(shards),
        "snippet_file_gzip_median": int(statistics.median(snippets)),
        "docs_bin_gzip": len(gzip.compress(files["docs.bin"], 6)),
        "fold_gzip": len(gzip.compress(files["fold.json"], 6)),
    }


def browse(site: Path, queries: list[str], throttle: bool) -> dict:
    """Open a page, tap search, type the queries in turn; bytes, times and each query's result pages."""
    with S.serve(site) as base, S.chromium() as browser:
        engine = S.Ours(browser, base)
        try:
            if throttle:
                cdp = engine.context.new_cdp_session(engine.page)
                cdp.send("Network.enable")
                cdp.send(
                    "Network.emulateNetworkConditions",
                    {"offline": False, "latency": 150, "downloadThroughput": 200_000, "uploadThroughput": 90_000},
                )
            start = engine.wire.mark()
            engine.open("stories/")
            _, code_bytes, code_urls = engine.wire.since(start, lambda u: "/assets/search/" in u)
            engine.page.wait_for_timeout(500)
            engine.page.evaluate("window.__lf.long = []")  # long tasks from here on are search's
            opened = engine.wire.mark()
            engine.open_box()
            pages = [engine.query(queries[0])]
            first_latency = engine.last_latency_ms()
            n_first, first_bytes, first_urls = engine.wire.since(opened, lambda u: "/zyfw/search/" in u)
            per_query = []
            for query in queries[1:]:
                mark = engine.wire.mark()
                found = engine.query(query)
                pages.append(found)
                latency = engine.last_latency_ms()
                n, size, _ = engine.wire.since(mark, lambda u: "/zyfw/search/" in u)
                per_query.append({"query": query, "ms": round(latency), "bytes": size, "requests": n, "results": len(found)})
            long_tasks = engine.page.evaluate("window.__lf.long")
        finally:
            engine.close()
    ms = [q["ms"] for q in per_query]
    sizes = [q["bytes"] for q in per_query]
    return {
        "first_query": {
            "query": queries[0],
            "code_bytes": code_bytes,
            "code_files": [u.rsplit("/", 1)[-1] for u in code_urls],
            "index_bytes": first_bytes,
            "requests": n_first,
            "total_bytes": code_bytes + first_bytes,
            "ms_after_open": round(first_latency),
            "files": sorted(
                {u.split("/zyfw/")[-1].split("/")[-2] if "/s/" in u or "/d/" in u else u.rsplit("/", 1)[-1] for u in first_urls}
            ),
        },
        "next_queries": {
            "count": len(per_query),
            "ms_median": statistics.median(ms),
            "ms_p90": sorted(ms)[int(0.9 * (len(ms) - 1))],
            "ms_max": max(ms),
            "bytes_median": int(statistics.median(sizes)),
            "bytes_max": max(sizes),
            "over_300ms": [q["query"] for q in per_query if q["ms"] > 300],
        },
        "long_tasks_ms": long_tasks,  # main-thread tasks over 50 ms while searching
        "queries": per_query,
        "pages": pages,
    }


def compare(stories: int, queries: list[str]) -> dict:
    """Ours, Material (lunr + jieba) and Pagefind on the same corpus, as bench/search_quality.py built them."""
    from search_quality import build_sites

    sites = S.OUT / "sites"
    name = f"corpus-{stories}"
    if (
        not all((sites / f"{name}-{k}" / "index.html").is_file() for k in ("ours", "material"))
        or not (sites / f"{name}-ours" / "pagefind").is_dir()
    ):
        build_sites(name, S.corpus(stories), ["ours", "material", "pagefind"])
    index_folders = {
        "ours": sites / f"{name}-ours" / "search",
        "material": sites / f"{name}-material" / "search" / "search_index.json",
        "pagefind": sites / f"{name}-ours" / "pagefind",
    }
    # What each engine downloads for search (from page load: Material fetches its index then).
    wanted = {
        "ours": lambda u: "/zyfw/search/" in u or "/assets/search/" in u,
        "material": lambda u: "/search/search_index.json" in u or "/javascripts/workers/" in u or "/javascripts/lunr/" in u,
        "pagefind": lambda u: "/pagefind/" in u,
    }
    out = {}
    with S.chromium() as browser:
        for engine_name, engine_cls in (("ours", S.Ours), ("material", S.Material), ("pagefind", S.Pagefind)):
            files, raw, packed = S.folder_size(index_folders[engine_name])
            site = sites / f"{name}-{'material' if engine_name == 'material' else 'ours'}"
            with S.serve(site) as base:
                engine = engine_cls(browser, base)
                try:
                    start = engine.wire.mark()
                    engine.open("stories/")
                    opened = time.perf_counter()
                    engine.open_box()
                    engine.query(queries[0])
                    first_wall = time.perf_counter() - opened
                    _, first_bytes, _ = engine.wire.since(start, wanted[engine_name])
                    latencies = []
                    for query in queries[1:]:
                        engine.query(query)
                        latencies.append(engine.last_latency_ms() if engine_name == "ours" else engine.latency_ms)
                finally:
                    engine.close()
            out[engine_name] = {
                "index_files": files,
                "index_mb": round(raw / 1e6, 2),
                "index_gzip_mb": round(packed / 1e6, 2),
                "first_query_kb": round(first_bytes / 1000),
                "open_to_first_results_s": round(first_wall, 2),
                "next_query_ms_median": round(statistics.median(latencies)),
                "next_query_ms_max": round(max(latencies)),
            }
            print(f"  {engine_name}: {out[engine_name]}", flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--throttle", action="store_true", help="also measure on an emulated slow phone network")
    parser.add_argument("--compare", type=int, default=0, metavar="N", help="also compare with Material and Pagefind on an N-story corpus")
    args = parser.parse_args(argv)

    source = S.corpus(args.stories, args.seed)
    started = time.perf_counter()
    catalog = S.catalog_of(source)
    print(f"corpus {args.stories:,}: catalog loaded in {time.perf_counter() - started:.0f} s (load + validate, not search)", flush=True)

    sites = S.OUT / "sites"
    sites.mkdir(parents=True, exist_ok=True)
    site = sites / f"size-n{args.stories}"
    if site.exists():
        shutil.rmtree(site)
    S.build_ours(S.REPO, site)  # the example site; its search/ is replaced below

    build = build_timed(catalog, site)
    print(json.dumps(build, ensure_ascii=False), flush=True)
    asked: list[Query] = corpus_queries(catalog, count=0)
    queries = [q.text for q in asked]
    local = browse(site, queries, throttle=False)
    quality = score(asked, local.pop("pages"))
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "stories": args.stories,
        "build": build,
        "local": local,
        "quality": quality,
    }
    if args.throttle:
        report["slow_network"] = browse(site, queries, throttle=True)
        report["slow_network"].pop("pages")

    f, n = local["first_query"], local["next_queries"]
    print(
        f"\nindex build for {args.stories:,} stories ({build['documents']:,} records): {build['seconds']['total_with_files']} s "
        f"(CPU {build['seconds']['cpu']} s, load average {build['load_average']}; documents from the catalog {build['seconds']['of_which_documents']} s); "
        f"{build['files']:,} files, {build['bytes'] / 1e6:.1f} MB, {build['shards']} shards (gzip median {build['shard_gzip_median']:,} B, max {build['shard_gzip_max']:,} B)"
    )
    print(
        f"first query “{f['query']}”: {f['total_bytes'] / 1000:.0f} KB on the wire = code {f['code_bytes'] / 1000:.0f} KB + index {f['index_bytes'] / 1000:.0f} KB "
        f"in {f['requests']} requests; results {f['ms_after_open']} ms after the last keystroke"
    )
    print(
        f"next {n['count']} queries: {n['ms_median']:.0f} ms median, {n['ms_p90']} ms p90, {n['ms_max']} ms max from the last keystroke; "
        f"{n['bytes_median'] / 1000:.0f} KB median, {n['bytes_max'] / 1000:.0f} KB max per query"
    )
    print(
        f"the same {quality['queries']} corpus queries at this size: recall {quality['recall']:.0%}, expected page in the top 5 for {quality['top5']:.0%}"
    )
    if args.throttle:
        sf, sn = report["slow_network"]["first_query"], report["slow_network"]["next_queries"]
        print(
            f"slow network (150 ms RTT, 1.6 Mbit/s): first results {sf['ms_after_open']} ms after the last keystroke; next queries {sn['ms_median']:.0f} ms median, {sn['ms_max']} ms max"
        )
    if args.compare:
        print(f"\ncomparison on {args.compare:,} stories (same pages, same queries):", flush=True)
        catalog_small = S.catalog_of(S.corpus(args.compare, args.seed))
        report["compare"] = {
            "stories": args.compare,
            "engines": compare(args.compare, [q.text for q in corpus_queries(catalog_small, count=0)]),
        }
    path = S.OUT / f"size-n{args.stories}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{path.relative_to(S.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

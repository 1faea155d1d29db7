"""CPU cost of one unit of each expensive asset step, on images from a corpus.

    python bench/unit_costs.py [--corpus bench/out/corpus/n500-s1] [--ref HEAD]

Projects the cold cost of image derivatives, share posters and cards, and
avatars for a site of a given size before they are wired into the build, so
the numbers can be checked against the 10,000-story target. Each step is
optional: what the generator under test does not have is skipped.
"""

from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def cpu_ms(function, repeat: int) -> float:
    samples = []
    for i in range(repeat):
        started = time.process_time()
        function(i)
        samples.append((time.process_time() - started) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=BENCH / "out" / "corpus" / "n500-s1")
    parser.add_argument("--ref", help="measure this commit's generator (as run.py --ref)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    if args.ref:
        sys.path.insert(0, str(BENCH))
        import run  # noqa: PLC0415

        src, _ = run.source_tree(args.ref)
        sys.path.insert(0, str(src))
        for name in [m for m in sys.modules if m == "generator" or m.startswith("generator.")]:
            del sys.modules[name]  # run.py imported the work tree's; measure the snapshot's
    else:
        sys.path.insert(0, str(REPO))
    content = args.corpus / "ours" / "content"
    portraits = sorted((content / "media" / "volunteers").glob("*.jpg"))
    covers = sorted((content / "media" / "stories").glob("*.jpg"))
    if not portraits or not covers:
        sys.exit(f"no images under {content}: run python bench/corpus.py 500 first")
    info = json.loads((args.corpus / "corpus.json").read_text())
    n = info["stories"]
    results: dict[str, float] = {}
    tmp = Path(tempfile.mkdtemp(prefix="bench-units-"))

    def attempt(name: str, function) -> None:
        try:
            results[name] = round(cpu_ms(function, args.repeat), 1)
        except Exception as exc:  # noqa: BLE001 - an API that moved is reported, not fatal
            print(f"  {name}: skipped ({type(exc).__name__}: {exc})")

    media = importlib.import_module("generator.assets.media")
    print(f"generator from {Path(media.__file__).parent}")
    if hasattr(media, "clean_image"):
        attempt("media.clean_image, portrait 400x500", lambda i: media.clean_image(portraits[i % len(portraits)].read_bytes()))
        attempt("media.clean_image, cover 800x450", lambda i: media.clean_image(covers[i % len(covers)].read_bytes()))
    if hasattr(media, "make_avatar"):
        attempt("media.make_avatar", lambda i: media.make_avatar(f"张{i}"))
    try:
        images = importlib.import_module("generator.assets.images")
    except ImportError:
        images = None
    if images is not None and hasattr(images, "render_derivatives"):
        attempt(
            "images.render_derivatives, portrait 400x500",
            lambda i: images.render_derivatives(portraits[i % len(portraits)].read_bytes(), str(tmp / f"p{i}"), 40_000_000),
        )
        attempt(
            "images.render_derivatives, cover 800x450",
            lambda i: images.render_derivatives(covers[i % len(covers)].read_bytes(), str(tmp / f"c{i}"), 40_000_000),
        )
    try:
        share = importlib.import_module("generator.assets.share")
    except ImportError:
        share = None
    if share is not None and hasattr(share, "draw_poster"):
        title = "十年送餐路：一位社区网格员的“爱心午餐”"
        summary = "十年间，张晓红和“红马甲”志愿者们为青山街道的独居老人送出热乎午餐20余万份。一份饭，送的是温饱，更是牵挂。"

        def spec(i: int, url: str):
            return share.ShareSpec("志愿故事", title, summary, "江城志愿", url, str(covers[i % len(covers)]))

        attempt(
            "share poster 750x1334 (draw + JPEG)",
            lambda i: share.encode_jpeg(share.draw_poster(spec(i, f"https://example.gov.cn/zyfw/stories/2025/s{i}/"))),
        )
        attempt("share card 1200x630 (draw + JPEG)", lambda i: share.encode_jpeg(share.draw_card(spec(i, ""))))

    print(f"CPU ms per item (median of {args.repeat}):")
    for name, value in results.items():
        print(f"  {value:8.1f}  {name}")
    vols, with_photo = info["volunteers"], sum(1 for _ in portraits)
    print(f"\nprojected cold CPU seconds, single process, for this corpus ({n:,} stories, scale linearly):")
    counts = {
        "media.clean_image, portrait 400x500": with_photo,
        "media.clean_image, cover 800x450": len(covers),
        "media.make_avatar": vols - with_photo,
        "images.render_derivatives, portrait 400x500": with_photo,
        "images.render_derivatives, cover 800x450": len(covers),
        # a poster and a card for every story, volunteer, organisation, project, theme, honour list
        "share poster 750x1334 (draw + JPEG)": n + vols + info["organizations"] + info["projects"] + info["themes"] + info["honors"],
        "share card 1200x630 (draw + JPEG)": n + vols + info["organizations"] + info["projects"] + info["themes"] + info["honors"],
    }
    for name, value in results.items():
        count = counts.get(name, 0)
        print(f"  {value * count / 1000:8.1f} s  {name} × {count:,}  (at 10,000 stories: {value * count / 1000 * 10_000 / n:,.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

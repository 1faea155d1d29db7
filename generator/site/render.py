"""Step 5, render: each page drawn once, and again only when its inputs change.

A page's inputs are its spec (URL, template, title, plain context, Markdown
body and what the body refers to) and what every page shares: the templates,
the site's settings and navigation (the `fingerprint`). Their hash names the
rendered file in `.cache/pages/`; a page whose hash is already there is not
drawn, only linked into the site. Cached files are written once under a new
name and never changed in place, so a hard link into the site is as good as
a copy and costs no bytes.

Pages are streamed: each is drawn, written and forgotten, so memory does not
grow with the site. The engine (MkDocs today) supplies the Jinja environment
and the chrome: everything around our content that its theme needs.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..files import atomic_write
from .bodies import Bodies
from .pages import PageSpec

# Bump when what a cached page depends on changes in a way no input shows.
FORMAT = "1"
# Pages drawn in the main process before the rest is shared among workers.
_DRAW_ALONE = 64


def _reduce_model(obj: BaseModel) -> tuple:
    return (_model, (type(obj).__qualname__, tuple(obj.model_dump(mode="python").items())))


def _model(name: str, values: tuple) -> tuple:  # never called: the pickle is hashed, not loaded
    return name, values


_DISPATCH: dict[type, Callable] = {}


def _dispatch_table() -> dict[type, Callable]:
    """Content models pickle by their fields (a pydantic model carries a set whose
    order changes between processes). A plain dict looked up by exact type keeps
    everything else in the pickler's C code (a `reducer_override` would be a
    Python call for each of the ~50 objects in a page's context)."""
    stack = [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in _DISPATCH:
                _DISPATCH[sub] = _reduce_model
            stack.append(sub)
    return _DISPATCH


def digest(*parts: Any) -> str:
    """A stable hash of plain data (dataclasses, models, dates, containers)."""
    return _hash(pickled(*parts))


def _hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def pickled(*parts: Any) -> bytes:
    """The bytes `digest` hashes."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.dispatch_table = _DISPATCH or _dispatch_table()
    # No memo: a value shared by two fields is written twice, so that the
    # bytes depend on values only, not on which equal objects are the same one.
    pickler.fast = True
    pickler.dump(parts)
    return buffer.getvalue()


def fingerprint(*parts: Any) -> str:
    """A hash of what every page shares (templates, settings, navigation...)."""
    return digest(*parts)


def template_digest(folders: Iterable[str | Path]) -> str:
    """A hash of every template and partial in the theme folders, in search order."""
    digest = hashlib.blake2b(digest_size=20)
    for folder in folders:
        root = Path(folder)
        for path in sorted(root.rglob("*.html")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class RenderStats:
    drawn: int = 0
    reused: int = 0
    seconds: float = 0.0


class PageRenderer:
    """Draws page specs with the engine's Jinja environment, through the page cache."""

    def __init__(
        self,
        env: Any,
        chrome: Callable[[PageSpec, str, list], dict],
        bodies: Bodies,
        cache_dir: Path,
        shared: str,
    ) -> None:
        _dispatch_table()  # models defined since the last build, if any
        self.env = env
        self.chrome = chrome
        self.bodies = bodies
        self.cache_dir = cache_dir
        self.shared = shared

    def inputs(self, spec: PageSpec) -> bytes:
        """Everything the page shows, as bytes."""
        texts = "\n".join(t for t in (spec.body, *spec.context.get("markdown_texts", ())) if t)
        refers_to = self.bodies.resolver.inputs(texts, spec.source) if texts else ()
        return pickled(FORMAT, self.shared, spec, refers_to)

    def draw(self, spec: PageSpec) -> bytes:
        content, toc = self.bodies.convert(spec.body, spec.url, spec.source)
        context = self.chrome(spec, content, toc)
        context.update(spec.context)
        context["spec"] = spec
        return self.env.get_template(spec.template).render(context).encode("utf-8")

    def render(
        self,
        make_specs: Callable[[], Iterable[PageSpec]],
        outputs: dict[str, Path],
        workers: int = 1,
        *,
        keys: dict[str, str] | None = None,
        shows: Callable[[str, bytes], Any] | None = None,
        forget: bool = True,
    ) -> RenderStats:
        """Draw what changed; every page's file goes into `outputs` (site path -> cached file).

        `keys` (when given) gets each page's URL -> key, and `shows(url, inputs)`
        is called with each page's inputs, for `mkdocs serve`'s memo. With
        `forget` false, the cache keeps pages this call did not make.

        `make_specs` makes the page specs, as often as needed (they are
        streamed, never held). When many pages must be drawn (a cold build,
        a template changed), `workers` processes draw them side by side:
        forked after the first pass, each makes the specs again and draws its
        share. Cached pages no build used are forgotten.
        """
        started = time.perf_counter()
        stats = RenderStats()
        used: set[str] = set()
        todo: dict[int, Path] = {}  # spec number -> cache file, left for the workers
        for number, spec in enumerate(make_specs()):
            inputs = self.inputs(spec)
            key = _hash(inputs)  # the page's key: the name of its cached file
            if keys is not None:
                keys[spec.url] = key
            if shows is not None:
                shows(spec.url, inputs)
            cached = self.cache_dir / key[:2] / f"{key}.html"
            if cached.is_file():
                stats.reused += 1
            elif workers > 1 and (todo or stats.drawn >= _DRAW_ALONE):
                todo[number] = cached  # many to draw: the workers share them
            else:
                atomic_write(cached, self.draw(spec))
                stats.drawn += 1
            used.add(key)
            outputs[f"{spec.url}index.html"] = cached
        if todo:
            self._draw_in_parallel(make_specs, todo, workers)
            stats.drawn += len(todo)
        if forget:
            self._forget(used)
        stats.seconds = time.perf_counter() - started
        return stats

    def _draw_in_parallel(self, make_specs: Callable[[], Iterable[PageSpec]], todo: dict[int, Path], workers: int) -> None:
        import multiprocessing

        numbers = sorted(todo)
        context = multiprocessing.get_context("fork")
        children = [context.Process(target=self._draw_share, args=(make_specs, todo, set(numbers[i::workers]))) for i in range(1, workers)]
        for child in children:
            child.start()
        try:
            self._draw_share(make_specs, todo, set(numbers[0::workers]))
        finally:
            for child in children:
                child.join()
        failed = [child.exitcode for child in children if child.exitcode != 0]
        if failed:
            raise RuntimeError(f"a page-drawing process failed (exit status {failed[0]})")

    def _draw_share(self, make_specs: Callable[[], Iterable[PageSpec]], todo: dict[int, Path], mine: set[int]) -> None:
        for number, spec in enumerate(make_specs()):
            if number in mine:
                atomic_write(todo[number], self.draw(spec))

    def _forget(self, used: set[str]) -> None:
        if not self.cache_dir.is_dir():
            return
        for folder in self.cache_dir.iterdir():
            if not folder.is_dir():
                continue
            for entry in os.scandir(folder):
                if entry.name.endswith(".html") and entry.name[:-5] not in used:
                    os.remove(entry.path)

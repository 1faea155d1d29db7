"""The CJK font used for generated images (avatars, posters, cards).

Noto Sans CJK (SIL Open Font License 1.1) comes from a pip package, so
nothing is downloaded at build time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    try:
        import cvttf_NotoSansCJK_Regular as package
    except ImportError:  # pragma: no cover - the dependency is declared
        raise FontMissing("缺少中文字体包 cvttf-NotoSansCJK-Regular：请运行 pip install -e . 重新安装依赖") from None
    return Path(package.get_TTF_path())


@lru_cache(maxsize=32)
def cjk_font(size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(cjk_font_path()), size)

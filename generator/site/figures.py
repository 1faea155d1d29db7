"""Figures: what the department reports (`content/figures.yaml`) and what the
content itself shows (volunteers by star level, stories per month...).

The reported file is optional; it is read and checked like every record,
with file and line for each mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from ..content.models import Figures, FigureSeries
from ..content.problems import Position, Problems, relative_file
from ..content.settings import Settings
from ..content.sources import parse_yaml, read_text

FIGURES_FILE = "figures.yaml"


def load_figures(settings: Settings, problems: Problems) -> Figures:
    """The reported figures, or none when the file is missing or wrong (with problems reported)."""
    from ..content.validate import describe_model_error

    path = settings.content_dir / FIGURES_FILE
    if not path.is_file():
        return Figures()
    file = relative_file(path, settings.root)
    text = read_text(path, file, problems)
    if text is None:
        return Figures()
    doc = parse_yaml(text, file, problems)
    if doc is None:
        return Figures()
    if doc.data is None:
        return Figures()
    if not isinstance(doc.data, dict):
        problems.add(Position(file, 1, 1), "figures.yaml 应由“series:”开头，列出各项统计指标", "yaml.not-mapping")
        return Figures()
    try:
        figures = Figures.model_validate(doc.data)
    except ValidationError as exc:
        for error in exc.errors():
            message, hint, code = describe_model_error(Figures, error)  # type: ignore[arg-type]
            loc = tuple(error["loc"])
            position = doc.position(loc, key=error["type"] == "extra_forbidden")
            if error["type"] == "missing" and len(loc) > 1:
                position = doc.position(loc[:-1])
            problems.add(position, message, code, hint=hint)
        return Figures()
    for index, series in enumerate(figures.series):
        dates = [v.date for v in series.values]
        if len(set(dates)) != len(dates):
            problems.add(
                doc.position(("series", index, "values")),
                f"指标“{series.name}”有重复的日期",
                "figures.duplicate-date",
                hint="每个日期只填一个数值",
            )
    return figures


@dataclass(frozen=True)
class Reported:
    """The latest value of a reported series and its change from the one before."""

    series: FigureSeries
    latest: float
    latest_date: object
    previous: float | None

    @property
    def change(self) -> float | None:
        """Growth in percent over the previous value, when there is one."""
        if self.previous in (None, 0):
            return None
        return (self.latest - self.previous) / self.previous * 100  # type: ignore[operator]


def reported(figures: Figures) -> list[Reported]:
    result = []
    for series in figures.series:
        values = sorted(series.values, key=lambda v: v.date)
        previous = values[-2].value if len(values) > 1 else None
        result.append(Reported(series, values[-1].value, values[-1].date, previous))
    return result

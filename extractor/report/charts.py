"""The charts of the report and of ``notebooks/01-explore.ipynb``.

Each chart function takes the output tables and returns a matplotlib
Figure, so the notebook shows exactly what the HTML report embeds.

Chinese labels need a CJK font. :func:`use_cjk_font` finds one among the
installed fonts (Noto Sans CJK, Source Han Sans, WenQuanYi, …) and puts it
first in ``font.sans-serif``; when there is none it warns once and charts
show boxes for Chinese characters. To install one: Debian/Ubuntu
``apt-get install fonts-noto-cjk`` (or the smaller ``fonts-wqy-microhei``),
Fedora ``dnf install google-noto-sans-cjk-fonts``, macOS and Windows ship
one (PingFang, Microsoft YaHei).
"""
from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import font_manager

# Figures are made without pyplot: no GUI backend is ever started, and a
# notebook still shows them (its inline backend renders any Figure).
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import data

# Font families with Simplified Chinese glyphs, best first.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback", "AR PL UMing CN",
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "SimHei", "Noto Sans CJK JP",
)
# File names of those fonts, to register fonts installed after matplotlib's
# font cache was built (it does not notice new system fonts by itself).
_CJK_FILES = re.compile(r"(notosanscjk|notoserifcjk|sourcehan|wqy|droidsansfallback|uming|ukai|"
                        r"pingfang|hiragino|msyh|simhei)", re.IGNORECASE)
# The same stack for a browser showing SVG text (see page.css).
CSS_FONT_STACK = ", ".join(f'"{f}"' for f in CJK_FAMILIES) + ", sans-serif"
INSTALL_HINT = ("no CJK font found for matplotlib: Chinese chart labels show as boxes in notebooks "
                "and images (a browser draws the report's with its own fonts). Install one, e.g. "
                "`apt-get install fonts-noto-cjk` (or fonts-wqy-microhei) on Debian/Ubuntu; "
                "then start Python again")

_font: list[str | None] = []  # memo of use_cjk_font: [family or None] once looked up


def find_cjk_font() -> str | None:
    """The name of an installed CJK font family matplotlib can use, or None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    found = next((f for f in CJK_FAMILIES if f in names), None)
    if found:
        return found
    for path in font_manager.findSystemFonts():
        if _CJK_FILES.search(Path(path).name):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((f for f in CJK_FAMILIES if f in names), None)


def use_cjk_font() -> str | None:
    """Put a CJK font first in matplotlib's sans-serif list (once per process);
    warn once, with how to install one, when there is none. Returns its name."""
    if not _font:
        family = find_cjk_font()
        _font.append(family)
        if family is None:
            warnings.warn(INSTALL_HINT, stacklevel=2)
    family = _font[0]
    rc = matplotlib.rcParams
    if family and rc["font.sans-serif"][:1] != [family]:
        rc["font.sans-serif"] = [family] + [f for f in rc["font.sans-serif"] if f != family]
    rc["font.family"] = ["sans-serif"]
    rc["axes.unicode_minus"] = False  # some CJK fonts lack U+2212
    return family


def label(value: object, width: int = 18) -> str:
    """A corpus string made safe as a chart label: no mathtext (``$``), one
    line, cut to ``width`` characters."""
    s = " ".join(str(value).split()).replace("$", r"\$")
    return s if len(s) <= width else s[:width - 1] + "…"


def _kind(slug: str, labels: dict[str, str] | None) -> str:
    return f"{labels[slug]} {slug}" if labels and slug in labels else slug


def _colors(kinds: list[str]) -> dict[str, tuple]:
    cmap = matplotlib.colormaps["tab20"]
    return {k: cmap(i % 20) for i, k in enumerate(kinds)}


def _figure(width: float, height: float) -> tuple[Figure, object]:
    use_cjk_font()
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def _empty(ax, title: str) -> None:
    ax.set_title(title)
    ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_axis_off()


def activity_counts(records: pd.DataFrame, labels: dict[str, str] | None = None) -> Figure:
    """Horizontal bars: records per activity type."""
    counts = data.activity_counts(records)
    fig, ax = _figure(7, 0.35 * max(len(counts), 3) + 1.2)
    title = f"Records per activity type ({int(counts.sum())} records)"
    if counts.empty:
        _empty(ax, title)
        return fig
    counts = counts[::-1]
    bars = ax.barh([label(_kind(k, labels), 30) for k in counts.index], counts.values,
                   color=[_colors(list(counts.index[::-1]))[k] for k in counts.index])
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_xlabel("records")
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def activity_by_unit(records: pd.DataFrame, labels: dict[str, str] | None = None, top: int = 12) -> Figure:
    """Stacked horizontal bars: activity types of the ``top`` units with most records."""
    table = data.activity_by_unit(records, top)
    fig, ax = _figure(9, 0.4 * max(len(table), 3) + 1.6)
    title = f"Activity types by unit (top {top} units by records)"
    if table.empty:
        _empty(ax, title)
        return fig
    table = table.iloc[::-1]
    colors = _colors(list(data.activity_counts(records).index))
    left = np.zeros(len(table))
    names = [label(u, 22) for u in table.index]
    for kind in table.columns:
        ax.barh(names, table[kind].values, left=left, color=colors.get(kind), label=label(_kind(kind, labels), 30))
        left += table[kind].values
    ax.set_xlabel("records")
    ax.set_title(title)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def timeline(records: pd.DataFrame, documents: pd.DataFrame) -> Figure:
    """Bars: records per day (per week over a span of more than 120 days),
    by the day their date names; the title says how many have no usable day."""
    days = data.record_days(records, documents)
    fig, ax = _figure(9, 3.6)
    undated = len(records) - len(days)
    if days.empty:
        _empty(ax, f"Records over time (none of {len(records)} records has a day)")
        return fig
    span = (days["day"].max() - days["day"].min()).days
    freq, unit = ("W-MON", "week") if span > 120 else ("D", "day")
    counts = days.set_index("day").resample(freq).size()
    ax.bar(counts.index, counts.values, width=6 if unit == "week" else 0.8, align="edge" if unit == "week" else "center",
           color="#4c72b0")
    ax.set_ylabel(f"records per {unit}")
    assumed = int(days["assumed_year"].sum())
    guess = f" ({assumed} in an assumed year)" if assumed else ""
    ax.set_title(f"Records over time: {len(days)} dated{guess}, {undated} without a day")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    fig.autofmt_xdate()
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def headcounts(records: pd.DataFrame, top: int = 10) -> Figure:
    """Two panels: how many people the records' sentences state (histogram,
    log-spaced bins) and the ``top`` largest deployments, labelled by unit."""
    deps = data.deployments(records)
    use_cjk_font()
    fig = Figure(figsize=(10, 0.3 * max(min(len(deps), top), 4) + 2), layout="constrained")
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.3])
    if deps.empty:
        _empty(left, "Headcounts")
        right.set_axis_off()
        return fig
    values = deps["headcount"].to_numpy(dtype=float)
    high = max(values.max(), 2.0)
    bins = np.unique(np.round(np.logspace(0, np.log10(high) + 0.01, 12)))
    left.hist(values, bins=np.append(bins, bins[-1] + 1), color="#dd8452", edgecolor="white")
    left.set_xscale("log")
    left.set_xlabel("people named in the sentence")
    left.set_ylabel("sentences")
    left.yaxis.set_major_locator(MaxNLocator(integer=True))
    left.set_title(f"Headcounts: {len(deps)} stated, median {np.median(values):g}")
    biggest = deps.head(top).iloc[::-1]
    names = [label(f"{u or c or d} #{i}", 26) for u, c, d, i in
             zip(biggest["unit"], biggest["community"], biggest["doc_id"], biggest["record_id"])]
    bars = right.barh(range(len(biggest)), biggest["headcount"], color="#c44e52")
    right.set_yticks(range(len(biggest)), names, fontsize=8)
    right.bar_label(bars, labels=[label(v, 12) for v in biggest["value"]], padding=2, fontsize=8)
    right.set_xlabel("people")
    right.set_title(f"Largest {len(biggest)} deployments")
    for ax in (left, right):
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def scores_by_method(frame: pd.DataFrame, metric: str = "F1") -> Figure:
    """Grouped bars: one group per scored field, one bar per method.
    ``frame`` has a row per field and a column per method (``metric`` values)."""
    fig, ax = _figure(10, 3.8)
    title = f"{metric} per field and method"
    if frame.empty:
        _empty(ax, title)
        return fig
    x = np.arange(len(frame.index))
    width = 0.8 / max(len(frame.columns), 1)
    for i, method in enumerate(frame.columns):
        ax.bar(x + i * width - 0.4 + width / 2, frame[method].to_numpy(dtype=float), width, label=method)
    ax.set_xticks(x, [label(f, 20) for f in frame.index], rotation=35, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel(metric)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1, 1), ncols=len(frame.columns), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def all_charts(documents: pd.DataFrame, records: pd.DataFrame,
               labels: dict[str, str] | None = None) -> dict[str, Figure]:
    """The report's charts by name, in the order it shows them."""
    return {
        "activity_counts": activity_counts(records, labels),
        "activity_by_unit": activity_by_unit(records, labels),
        "timeline": timeline(records, documents),
        "headcounts": headcounts(records),
    }


_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def to_svg(fig: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element to inline in HTML: text kept as
    text (searchable, small; the page's CSS gives it a CJK font stack), no
    XML prolog or metadata, ids salted with ``name`` so several figures on one
    page do not share clip-path ids."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name}), warnings.catch_warnings():
        # SVG text is drawn by the browser with its own fonts: a glyph this
        # process's fonts lack is no loss there (use_cjk_font warned once).
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = _METADATA.sub("", _PROLOG.sub("", buf.getvalue(), count=1), count=1)
    return svg.replace("<svg ", f'<svg class="chart" role="img" aria-label="{name}" ', 1)

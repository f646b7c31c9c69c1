"""The report page: one HTML file holding its charts (inline SVG), styles and
script, so it opens offline and can be mailed as it is.

All text from the corpus is hostile until escaped: every cell goes through
:func:`html.escape`, and a Content-Security-Policy lets the page run only
its own script (by hash) and fetch nothing.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Iterable, Sequence
from importlib import resources

import pandas as pd

from . import charts, data
from ..fields import registry
from .highlight import MentionIndex, field_colors, mark_css, marked_html, record_spans

# Drawn in the page from the rows the filter keeps (page.js); the headcount
# chart is matplotlib's, over all records.
LIVE_CHARTS = ("activity_counts", "activity_by_unit", "timeline")
CHART_TITLES = {
    "activity_counts": "Records per activity type",
    "activity_by_unit": "Activity types by unit",
    "timeline": "Records over time",
    "headcounts": "Headcounts",
}


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def esc(value: object) -> str:
    """A cell as escaped HTML text; missing values are empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = (),
          table_id: str = "", row_classes: Iterable[str] | None = None,
          row_attrs: Iterable[str] | None = None) -> str:
    """An HTML table; ``rows`` hold cells that are already HTML, ``row_attrs``
    escaped attributes for each ``<tr>`` (`` data-x="…"``)."""
    numeric = set(numeric)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    classes = iter(row_classes) if row_classes is not None else None
    attrs = iter(row_attrs) if row_attrs is not None else None
    body = []
    for row in rows:
        cls = next(classes, "") if classes is not None else ""
        extra = (f' class="{cls}"' if cls else "") + (next(attrs, "") if attrs is not None else "")
        cells = "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                        for i, c in enumerate(row))
        body.append(f"<tr{extra}>{cells}</tr>")
    ident = f' id="{table_id}"' if table_id else ""
    return f"<table{ident}><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table>"


def _kind(slug: str, labels: dict[str, str]) -> str:
    return esc(f"{labels[slug]} {slug}" if slug in labels else slug)


def legend() -> str:
    """Which colour marks which field."""
    marks = "".join(f'<mark class="f-{f}">{f}</mark>' for f in field_colors())
    return (f'<p class="legend">{marks} — pale: a mention in the sentence that is not '
            "this record's argument</p>")


def documents_section(documents: pd.DataFrame, records: pd.DataFrame, labels: dict[str, str]) -> str:
    """The per-document summary table."""
    summary = data.document_summary(documents, records, labels=labels)
    headers = ["doc_id", "title", "published", "script", "chars", "mentions", "records",
               "top activity types", "status"]
    rows, classes = [], []
    for r in summary.to_dict("records"):
        error = esc(r["error"]).strip()
        rows.append([esc(r["doc_id"]), esc(r["title"]), esc(r["published"]), esc(r["script"]),
                     esc(r["n_chars"]), esc(r["n_mentions"]), esc(r["n_records"]),
                     esc(r["top_activities"]), esc(r["status"]) + (f": {error}" if error else "")])
        classes.append("error" if str(r["status"]) == "error" else "")
    return "<h2>Documents</h2>\n" + table(headers, rows, numeric=(4, 5, 6), row_classes=classes)


def deployments_section(records: pd.DataFrame, index: MentionIndex, top: int = 10) -> str:
    """The largest headcounts with their highlighted sentences."""
    deps = data.deployments(records).head(top)
    if deps.empty:
        return ""
    by_key = {(str(d), str(i)): r for d, i, r in zip(data.text(records["doc_id"]),
                                                   data.text(records["record_id"]),
                                                   records.to_dict("records"))}
    rows = []
    for d in deps.to_dict("records"):
        record = by_key.get((d["doc_id"], str(d["record_id"])), {"sentence": d["sentence"]})
        rows.append([esc(d["value"]), esc(d["doc_id"]), esc(d["unit"]), esc(d["community"]), esc(d["date"]),
                     esc(d["activity_types"]), marked_html(d["sentence"], record_spans(record, index))])
    return (f"<h3>Largest {len(rows)} deployments</h3>\n"
            + table(["people", "doc_id", "unit", "community", "date", "activity types", "sentence"],
                    rows, numeric=(0,)))


def records_section(records: pd.DataFrame, documents: pd.DataFrame, index: MentionIndex,
                    labels: dict[str, str], max_rows: int) -> str:
    """The records table: filtered by the words typed, sorted by a click on
    any header, exported as CSV (the rows kept); evidence sentences
    highlighted, with the original beside them for traditional sources.
    Each row carries what the live charts count (``data-kind``, ``-unit``,
    ``-day``, ``-assumed``)."""
    fields = registry.record_fields()
    headers = ["doc_id", "#", "activity type", *(f.name for f in fields), "source", "conf.", "evidence"]
    # record_id, the fields whose value is a plain number, the confidence
    numeric = (1, *(3 + i for i, f in enumerate(fields) if f.scorer == "value"), 4 + len(fields))
    shown = records.head(max_rows)
    days = data.record_day_column(shown, documents)
    rows, attrs = [], []
    for r, (day, assumed) in zip(shown.to_dict("records"), days):
        # one cell per field: its record columns together (25600 户次)
        args = [" ".join(v for v in (esc(r.get(c, "")) for c in f.record_columns) if v) for f in fields]
        conf = "" if pd.isna(r["confidence"]) else f"{float(r['confidence']):.2f}"
        sentence = "" if pd.isna(r["sentence"]) else str(r["sentence"])
        original = esc(r.get("sentence_original"))
        evidence = marked_html(sentence, record_spans(r, index))
        if original:
            evidence += f'<span class="orig" lang="zh-Hant">{original}</span>'
        rows.append([esc(r["doc_id"]), esc(r["record_id"]), _kind(str(r["activity_type"]), labels), *args,
                     esc(r["source"]), conf, evidence])
        attrs.append(f' data-kind="{esc(r["activity_type"])}" data-unit="{esc(r.get("unit"))}"'
                     f' data-day="{day.date().isoformat() if day is not None else ""}"'
                     f' data-assumed="{int(assumed)}"')
    note = ""
    if len(records) > max_rows:
        note = (f'<p class="note">The first {max_rows:,} of {len(records):,} records are listed; '
                "the charts above count those listed, the headcounts all.</p>")
    box = ('<div class="filter"><input id="filter" type="search" placeholder="filter: words that '
           'must all occur in a row (e.g. 测温 2020-02)" aria-label="filter records">'
           '<span><span id="shown"></span> records shown</span>'
           '<a id="export" href="#" download="records.csv">download the rows shown (CSV)</a></div>'
           '<p class="hint">Click a column header to sort by it (again: the other way).</p>')
    labels_json = esc(json.dumps(labels, ensure_ascii=False, sort_keys=True))
    table_html = table(headers, rows, numeric=numeric, table_id="records", row_attrs=attrs)
    table_html = table_html.replace('<table id="records">', f'<table id="records" data-labels="{labels_json}">', 1)
    return "<h2>Records</h2>\n" + legend() + note + box + table_html


def live_charts() -> str:
    """Places for the charts the page's script draws from the rows the
    filter keeps (as SVG, so the browser's own fonts draw the labels)."""
    return "\n".join(f'<figure id="chart-{name}" class="live"><figcaption><h3>{html.escape(CHART_TITLES[name])}'
                     f'</h3></figcaption></figure>' for name in LIVE_CHARTS)


def render(documents: pd.DataFrame, mentions: pd.DataFrame, records: pd.DataFrame,
           title: str = "Extraction report", labels: dict[str, str] | None = None,
           max_rows: int = 20_000) -> str:
    """The whole page as one string."""
    labels = labels or {}
    index = MentionIndex(mentions)
    headcount_svg = charts.to_svg(charts.headcounts(records), "headcounts")
    ok = int((data.text(documents["status"]) == "ok").sum())
    meta = (f"{len(documents):,} documents ({ok:,} ok, {len(documents) - ok:,} errors), "
            f"{len(mentions):,} mentions, {len(records):,} records")
    css = _asset("page.css").replace("CJK_FONT_STACK", charts.CSS_FONT_STACK) + mark_css() + "\n"
    script = _asset("page.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           "img-src data:; font-src data:")
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
{css}</style>
</head>
<body>
<h1>{esc(title)}</h1>
<p class="meta">{meta}</p>
<h2>Charts</h2>
<p class="hint">These charts count the records the filter box below keeps.</p>
<div class="charts">
{live_charts()}
</div>
<h2>Headcounts</h2>
<figure>{headcount_svg}</figure>
{deployments_section(records, index)}
{documents_section(documents, records, labels)}
{records_section(records, documents, index, labels, max_rows)}
<script>{script}</script>
</body>
</html>
"""

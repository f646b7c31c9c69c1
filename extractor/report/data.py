"""Derived tables behind the charts, the report and the notebooks.

Everything here takes the three output tables (DataFrames as
:func:`extractor.extract` or :func:`extractor.read_tables` return them) and
gives plain DataFrames, so a chart, an HTML table and a notebook cell show
the same numbers.
"""
from __future__ import annotations

import re

import pandas as pd

from ..ruleset import Rules

_DAY = re.compile(r"(\d{4}|XXXX)-(\d{2})-(\d{2})")
_YEAR = re.compile(r"^(\d{4})-")
_RANGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$")


def text(col: pd.Series) -> pd.Series:
    """A column as plain strings, missing values empty (tables read back
    from CSV have NaN where the API has ``""``)."""
    return col.astype("object").where(col.notna(), "").astype(str).str.strip()


def activity_labels(rules: str | Rules | None = None) -> dict[str, str]:
    """Activity slug → Chinese label, from the taxonomy in ``rules/activities.yaml``."""
    rules = rules if isinstance(rules, Rules) else Rules(rules)
    from ..fields.activities import FILE

    taxonomy = rules.load(FILE).taxonomy
    return {str(slug): str(label) for slug, label in taxonomy.items()}


def activity_counts(records: pd.DataFrame) -> pd.Series:
    """Records per activity type, most frequent first."""
    kinds = text(records["activity_type"])
    return kinds[kinds != ""].value_counts()


def activity_by_unit(records: pd.DataFrame, top: int = 12) -> pd.DataFrame:
    """Records per (unit, activity type) for the ``top`` units with most
    records: units as rows (most records first), activity types as columns."""
    frame = pd.DataFrame({"unit": text(records["unit"]), "activity_type": text(records["activity_type"])})
    frame = frame[frame["unit"] != ""]
    if frame.empty:
        return pd.DataFrame()
    units = frame["unit"].value_counts().index[:top]
    table = pd.crosstab(frame["unit"], frame["activity_type"]).loc[units]
    return table[table.sum().sort_values(ascending=False).index]


def _day(value: str, year: str) -> pd.Timestamp | None:
    """The first day a date value names; an unknown year (``XXXX``) takes ``year``."""
    m = _DAY.match(value)
    if not m:
        return None
    y = m.group(1) if m.group(1) != "XXXX" else year
    if not y:
        return None
    day = pd.to_datetime(f"{y}-{m.group(2)}-{m.group(3)}", errors="coerce")
    return None if pd.isna(day) else day


def document_years(documents: pd.DataFrame, records: pd.DataFrame) -> dict[str, str]:
    """The year each document is about: its publication year, else the most
    frequent year among its records' dates (articles rarely cross a year)."""
    years: dict[str, str] = {}
    dates = pd.DataFrame({"doc_id": text(records["doc_id"]),
                          "year": text(records["date"]).str.extract(_YEAR, expand=False)}).dropna()
    for doc_id, group in dates.groupby("doc_id"):
        years[str(doc_id)] = str(group["year"].mode().iloc[0])
    for doc_id, published in zip(text(documents["doc_id"]), text(documents["published"])):
        m = _YEAR.match(published)
        if m:
            years[doc_id] = m.group(1)
    return years


def record_day_column(records: pd.DataFrame, documents: pd.DataFrame) -> list[tuple[pd.Timestamp | None, bool]]:
    """Per record, in order: the calendar day its date names and whether its
    year was assumed (see :func:`record_days`); ``(None, False)`` for none."""
    years = document_years(documents, records)
    corpus_year = pd.Series(list(years.values()), dtype="object").mode()
    fallback = str(corpus_year.iloc[0]) if len(corpus_year) else ""
    out: list[tuple[pd.Timestamp | None, bool]] = []
    for doc_id, value in zip(text(records["doc_id"]), text(records["date"])):
        own = years.get(doc_id, "")
        day = _day(value, own or fallback) if value else None
        out.append((day, day is not None and value.startswith("XXXX") and not own))
    return out


def record_days(records: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Records with a calendar day: ``doc_id``, ``activity_type``, ``day``,
    ``assumed_year``.

    An interval counts on its first day. A day without a year (``XXXX-03-05``)
    takes the document's year (:func:`document_years`), else the corpus's
    most frequent one, and is then flagged ``assumed_year``. A record whose
    date names no day is left out.
    """
    rows = [(doc_id, kind, day, assumed)
            for doc_id, kind, (day, assumed) in zip(text(records["doc_id"]), text(records["activity_type"]),
                                                    record_day_column(records, documents))
            if day is not None]
    return pd.DataFrame(rows, columns=["doc_id", "activity_type", "day", "assumed_year"])


def number(value: str) -> float | None:
    """A headcount or quantity as a number; a range ``3-4`` is its middle."""
    value = value.strip()
    m = _RANGE.match(value)
    if m:
        return (float(m.group(1)) + float(m.group(2))) / 2
    try:
        return float(value)
    except ValueError:
        return None


def deployments(records: pd.DataFrame) -> pd.DataFrame:
    """One row per headcount stated in an evidence sentence, largest first:
    ``headcount`` (number), ``value`` (as written), the record's ``doc_id``,
    ``date``, ``unit``, ``community``, the ``activity_types`` of the sentence
    and the ``sentence``, ``start`` and ``record_id`` of its first record.

    Several records of one sentence share its headcount; they count once.
    """
    cols = ["doc_id", "record_id", "activity_type", "date", "unit", "community", "headcount",
            "sentence", "start"]
    frame = records[cols].copy()
    for c in ("doc_id", "activity_type", "date", "unit", "community", "headcount", "sentence"):
        frame[c] = text(frame[c])
    frame = frame[frame["headcount"] != ""]
    out_cols = ["headcount", "value", "doc_id", "record_id", "date", "unit", "community",
                "activity_types", "sentence", "start"]
    if frame.empty:
        return pd.DataFrame(columns=out_cols)
    frame["number"] = frame["headcount"].map(number)
    frame = frame.dropna(subset=["number"])
    grouped = frame.groupby(["doc_id", "start", "headcount"], sort=False)
    out = grouped.agg(number=("number", "first"), record_id=("record_id", "first"),
                      date=("date", "first"), unit=("unit", "first"),
                      community=("community", "first"), sentence=("sentence", "first"),
                      activity_types=("activity_type", lambda s: ", ".join(dict.fromkeys(s))))
    out = out.reset_index().rename(columns={"headcount": "value", "number": "headcount"})
    return out.sort_values("headcount", ascending=False, kind="stable")[out_cols].reset_index(drop=True)


def document_summary(documents: pd.DataFrame, records: pd.DataFrame, top: int = 3,
                     labels: dict[str, str] | None = None) -> pd.DataFrame:
    """The documents table with each document's ``top`` activity types
    (``label slug ×n``, the label from ``labels`` when given)."""
    cols = ["doc_id", "title", "published", "script", "n_chars", "n_mentions", "n_records",
            "status", "error"]
    out = documents[cols].copy()
    labels = labels or {}
    kinds = pd.DataFrame({"doc_id": text(records["doc_id"]), "kind": text(records["activity_type"])})
    tops = {str(doc_id): ", ".join(f"{labels[k] + ' ' if k in labels else ''}{k} ×{n}"
                                   for k, n in group["kind"].value_counts().head(top).items())
            for doc_id, group in kinds.groupby("doc_id")}
    out["top_activities"] = [tops.get(d, "") for d in text(out["doc_id"])]
    return out

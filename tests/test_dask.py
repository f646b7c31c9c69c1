"""The Dask engine and DataFrame API, on a LocalCluster of 2 worker
processes: the same tables as the local engine, byte for byte; and the
pure-pandas function behind the Spark recipe (a real Spark run only where
pyspark is installed)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import SEEDS, shared_path

pytest.importorskip("distributed")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402

import extractor  # noqa: E402
import extractor.dask as xdask  # noqa: E402
from extractor.cli import main  # noqa: E402
from extractor.engine import dask as engine_dask  # noqa: E402
from extractor.frames import column_roles, partition_tables  # noqa: E402
from extractor.read import iter_documents  # noqa: E402
from extractor.settings import Settings  # noqa: E402
from extractor.spark import extract_batches, split_long, table_schema  # noqa: E402

STORIES = 300
TABLES = ("documents", "mentions", "records")
# Error documents must travel through every engine too.
ODD_LINES = ['{"id": "broken", "text": ', '{"id": "no-text"}', '{"id": "blank", "text": "  "}']


@pytest.fixture(scope="module")
def cluster():
    # The engine's own local cluster (2 single-threaded worker processes,
    # no dashboard, quiet), here shared by the module's tests.
    with engine_dask._local_cluster(2) as c:
        yield c


@pytest.fixture(scope="module")
def odd(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("odd") / "odd.jsonl"
    path.write_text("\n".join(ODD_LINES) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["seeds", "seeds+xwlb"])
def inputs(request, odd, tmp_path_factory) -> list[str]:
    """The seeds, odd lines, and (with ../shared) the first stories of xwlb-2020."""
    found = [str(SEEDS), str(odd)]
    if request.param == "seeds+xwlb":
        stories = shared_path("corpus", "external", "xwlb-2020", "stories.jsonl")
        head = tmp_path_factory.mktemp("xwlb") / "stories.jsonl"
        with open(stories, encoding="utf-8") as f:
            head.write_text("".join(line for _, line in zip(range(STORIES), f)), encoding="utf-8")
        found.append(str(head))
    return found


def _run(out: Path, inputs: list[str], *options: str) -> None:
    assert main(["extract", *inputs, "--out", str(out), "--quiet", *options]) == 0


def test_cli_dask_writes_the_local_tables(cluster, inputs, tmp_path):
    _run(tmp_path / "local", inputs, "--engine", "local", "--workers", "1")
    _run(tmp_path / "dask", inputs, "--engine", "dask", "--scheduler", cluster.scheduler_address)
    for name in TABLES:
        local = (tmp_path / "local" / f"{name}.csv").read_bytes()
        assert (tmp_path / "dask" / f"{name}.csv").read_bytes() == local, name
    n_docs = len(list(iter_documents(inputs)))
    assert len(extractor.read_tables(tmp_path / "dask").documents) == n_docs
    # The work ran on the cluster's workers, each building its own pipeline.
    from distributed import Client

    with Client(cluster) as client:
        built = client.run(lambda: len(getattr(sys.modules.get("extractor.pipeline"), "_CACHE", ())))
    assert sum(built.values()) >= 1


def _frame(inputs: list[str]) -> pd.DataFrame:
    """The inputs as a DataFrame a user might hold (metadata in columns)."""
    docs = list(iter_documents(inputs))
    return pd.DataFrame({
        "id": [d.doc_id for d in docs],
        "text": [d.raw if d.status == "ok" else None for d in docs],
        "origin": [d.source for d in docs],
        "title": [d.meta.get("title") for d in docs],
        "date": [d.meta.get("published") for d in docs],
    })


def _same_tables(got, expected) -> None:
    for name, g, e in zip(TABLES, got, expected):
        pd.testing.assert_frame_equal(g.reset_index(drop=True), e.reset_index(drop=True), obj=name)


def test_dataframe_api_gives_the_api_tables(cluster, inputs):
    from distributed import Client

    expected = extractor.extract(inputs)
    pdf = _frame(inputs)
    tables = xdask.extract(dd.from_pandas(pdf, npartitions=4), text="text", id="id",
                           source="origin", title="title", published="date")
    for name, frame in zip(TABLES, tables):
        assert dict(frame.dtypes) == dict(getattr(expected, name).dtypes), name
    with Client(cluster):
        got = dask.compute(*tables)
    # Error rows differ only in their reason (a missing text vs. a broken line).
    got[0]["error"] = got[0]["error"].str.len() > 0
    expected.documents["error"] = expected.documents["error"].str.len() > 0
    _same_tables(got, expected)
    assert len(got[0]) == len(pdf) and len(got[1]) > 0 and len(got[2]) > 0


def test_the_three_tables_share_one_pass(monkeypatch):
    import extractor.frames

    seen: list[str] = []
    real = extractor.frames.process_documents

    def counting(settings, docs):
        seen.extend(d.doc_id for d in docs)
        return real(settings, docs)

    monkeypatch.setattr(extractor.frames, "process_documents", counting)
    pdf = _frame([str(SEEDS)])
    tables = xdask.extract(dd.from_pandas(pdf, npartitions=2))
    dask.compute(*tables, scheduler="sync")
    assert sorted(seen) == sorted(pdf["id"])


@pytest.mark.parametrize("row, status, doc_id", [
    ({"id": "a", "text": "2020年3月1日，某社区开展排查。"}, "ok", "a"),
    ({"id": None, "text": "正文"}, "ok", "row-7"),
    ({"id": "b", "text": None}, "error", "b"),
    ({"id": "c", "text": 12}, "error", "c"),
])
def test_dataframe_rows_become_documents(row, status, doc_id):
    # The per-partition function itself: dd.from_pandas would turn 12 into "12".
    pdf = pd.DataFrame([row], index=[7], dtype=object)
    docs, _, _ = partition_tables(pdf, Settings(), column_roles("text", "id", {}))
    assert list(docs["status"]) == [status] and list(docs["doc_id"]) == [doc_id]
    assert list(docs["source"]) == ["<dataframe>"]


def test_dataframe_api_rejects_unknown_columns():
    ddf = dd.from_pandas(pd.DataFrame({"id": ["a"], "body": ["正文"]}), npartitions=1)
    with pytest.raises(KeyError, match="text='text'"):
        xdask.extract(ddf)
    with pytest.raises(TypeError, match="author"):
        xdask.extract(ddf, text="body", author="id")


def test_a_document_that_kills_its_worker_becomes_an_error_row(cluster):
    from distributed import Client

    def killer(settings, docs):
        if any(d.doc_id == "poison" for d in docs):
            os._exit(1)
        return engine_dask.process_documents(settings, docs)

    docs = list(iter_documents([str(SEEDS)]))
    poison = extractor.document.Document(doc_id="poison", source="<test>", raw="正文")
    stream = docs[:2] + [poison] + docs[2:]
    settings = Settings()
    scheduler = cluster.scheduler
    allowed, scheduler.allowed_failures = scheduler.allowed_failures, 0  # fail fast, not after 3 deaths
    try:
        with Client(cluster) as client:
            got = list(engine_dask._Mapper(client, settings, task=killer).map(stream))
    finally:
        scheduler.allowed_failures = allowed
        cluster.wait_for_workers(2, timeout=60)  # the nannies restart the dead
    assert [r.document["doc_id"] for r in got] == [d.doc_id for d in stream]
    assert [r.document["status"] for r in got] == ["ok"] * 2 + ["error"] + ["ok"] * (len(docs) - 2)
    assert "worker process died" in got[2].document["error"]


def test_engine_without_scheduler_starts_and_closes_a_local_cluster(monkeypatch):
    from distributed.core import Status

    started = []

    def local_cluster(workers):
        started.append(real(workers))
        return started[-1]

    real = engine_dask._local_cluster
    monkeypatch.setattr(engine_dask, "_local_cluster", local_cluster)
    docs = list(iter_documents([str(SEEDS)]))
    got = list(engine_dask.map_dask(iter(docs), Settings(), workers=1))
    assert [r.document for r in got] == [extractor.pipeline.Pipeline().process(d).document
                                         for d in iter_documents([str(SEEDS)])]
    assert len(started) == 1 and started[0].status == Status.closed


def test_spark_batches_give_the_api_tables(inputs):
    expected = extractor.extract(inputs)
    pdf = _frame(inputs)
    batches = (pdf.iloc[i:i + 50] for i in range(0, len(pdf), 50))
    long = pd.concat(extract_batches(batches, source="origin", title="title", published="date"))
    assert list(long.columns) == ["table", "doc_id", "row"]
    got = split_long(long)
    got.documents["error"] = got.documents["error"].str.len() > 0
    expected.documents["error"] = expected.documents["error"].str.len() > 0
    _same_tables(got, expected)


def test_spark_schemas_name_every_column():
    for name in TABLES:
        cols = [part.split("`")[1] for part in table_schema(name).split(", ")]
        assert cols == list(getattr(extractor.extract([]), name).columns)


@pytest.mark.filterwarnings("ignore")  # pyspark's own warnings about pandas 3
def test_under_spark_map_in_pandas(tmp_path, monkeypatch):
    """Only where pyspark is installed (not a dependency; ~45 s here)."""
    pyspark = pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    from extractor.spark import OUTPUT_SCHEMA

    # Spark's Python workers must run the Python that has the package.
    monkeypatch.setenv("PYSPARK_PYTHON", os.environ.get("PYSPARK_PYTHON", sys.executable))
    spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    try:
        pdf = _frame([str(SEEDS)])
        sdf = spark.createDataFrame(pdf.astype(str).replace("None", "")).repartition(2)
        long = sdf.mapInPandas(lambda it: extract_batches(it, source="origin", title="title", published="date"),
                               schema=OUTPUT_SCHEMA)
        long.write.partitionBy("table").parquet(str(tmp_path / "long"))
        back = spark.read.parquet(str(tmp_path / "long"))
        mentions = (back.where("table = 'mentions'")
                    .select(F.from_json("row", table_schema("mentions")).alias("r")).select("r.*"))
        got = mentions.toPandas().sort_values(["doc_id", "start", "end", "field"]).reset_index(drop=True)
    finally:
        spark.stop()
    expected = extractor.extract([str(SEEDS)]).mentions
    expected = expected.sort_values(["doc_id", "start", "end", "field"]).reset_index(drop=True)
    assert pyspark.__version__ and len(got) == len(expected) > 0
    assert list(got["value"]) == list(expected["value"])
    assert list(got["start"]) == list(expected["start"])

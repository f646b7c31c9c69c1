"""A new field is its extractor, its rules file, one registry entry and its
cases: a toy ``phone`` field, added here and nowhere in the package, goes
through the tables, the linker, the evaluator and the report."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import REPO
import extractor
from extractor.analysis import Analysis
from extractor.document import Mention
from extractor.evaluate import SCORED_FIELDS, evaluate
from extractor.fields import registry
from extractor.report import write_report
from extractor.ruleset import Rules
from extractor.rulespec import Regex, RuleFile, Section
from extractor.schema import RECORDS

PHONE_FILE = RuleFile("phone.yaml", Section({"pattern": Regex(groups=0)}))


class PhoneExtractor:
    """Mobile numbers (the toy field's whole extractor)."""

    def __init__(self, rules: Rules):
        self.pattern = rules.load(PHONE_FILE).pattern

    def extract(self, doc: Analysis) -> list[Mention]:
        return [Mention(field="phone", text=m.group(), value=m.group(), start=m.start(), end=m.end())
                for m in self.pattern.finditer(doc.body)]


PHONE = registry.Field("phone", "phones", f"{__name__}:PhoneExtractor", ("phone.yaml",), "value", "#cccccc",
                       ("phone",), record_scored=True)
TEXT = "3月2日,市财政局工作队在阳光社区开通热线13812345678,为居民代购药品。"


@pytest.fixture
def phone_rules(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(REPO / "rules", root)
    (root / "phone.yaml").write_text("pattern: '(?<!\\d)1[3-9]\\d{9}(?!\\d)'\n", encoding="utf-8")
    linking = root / "linking.yaml"
    text = linking.read_text(encoding="utf-8")
    linking.write_text(text.replace("arguments:\n", "arguments:\n  phone: {pick: first, scopes: [clause, sentence]}\n", 1),
                       encoding="utf-8")
    return root


def test_a_toy_field_end_to_end(tmp_path, phone_rules):
    gold = tmp_path / "gold"
    gold.mkdir()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d1.txt").write_text(TEXT, encoding="utf-8")
    (gold / "d1.json").write_text(json.dumps({
        "doc_id": "d1", "phones": [{"text": "13812345678", "value": "13812345678"}],
        "records": [{"evidence": "为居民代购药品", "activity_type": "supply_delivery", "phone": "13812345678",
                     "date": None, "unit": None, "community": None, "headcount": None}],
    }, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    with registry.registered(PHONE):
        assert RECORDS[-1] == "phone" and "phones" in SCORED_FIELDS and "record_phone" in SCORED_FIELDS
        extractor.extract_to(out, [tmp_path / "in"], rules=phone_rules, method="rule")
        tables = extractor.read_tables(out)
        phones = tables.mentions[tables.mentions["field"] == "phone"]
        assert list(phones["value"]) == ["13812345678"]
        record = tables.records[tables.records["activity_type"] == "supply_delivery"].iloc[0]
        assert record["phone"] == "13812345678"
        scores = evaluate(out, gold)
        assert (scores["phones"].tp, scores["record_phone"].tp) == (1, 1)
        html = write_report(out, tmp_path / "report.html").read_text(encoding="utf-8")
        assert re.search(r'<mark class="f-phone"[^>]*>13812345678', html)
        assert "mark.f-phone { background: #cccccc; }" in html
    # gone with its entry: the contract's tables are as before
    assert "phone" not in RECORDS and "phones" not in SCORED_FIELDS


def test_a_field_with_a_record_column_needs_a_linking_policy(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(REPO / "rules", root)
    (root / "phone.yaml").write_text("pattern: '1[3-9]\\d{9}'\n", encoding="utf-8")
    with registry.registered(PHONE):
        with pytest.raises(ValueError, match=r"linking\.yaml: 'arguments' has no policy for the field 'phone'"):
            extractor.extract_texts([TEXT], rules=root, method="rule")

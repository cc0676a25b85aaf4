"""Reports as they are published (issue 11): which files a folder scan takes, the text a
run saves, and a file's own title and date as evidence of the report year and region."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from chaoyang_extract.cli import main
from chaoyang_extract.extract import document_metadata
from chaoyang_extract.normalize import normalize
from chaoyang_extract.sources import collect
from chaoyang_extract.structure import analyze

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "chaoyang_2017.txt"


def test_folder_scan_takes_report_files_in_any_case(tmp_path: Path) -> None:
    names = ["a.txt", "B.TXT", "c.Html", "d.htm", "e.SHTML", "f.pdf", "g.DOCX", "h.doc", "i.md"]
    for n in names:
        (tmp_path / n).write_bytes(b"x")
    sources, failures = collect([str(tmp_path)])
    assert failures == []
    assert sorted(Path(s.label).name for s in sources) == sorted(names[:7])
    sources, _ = collect([str(tmp_path)], ["*.doc", "*.MD"])
    assert sorted(Path(s.label).name for s in sources) == ["h.doc", "i.md"]


def test_glob_option_changes_the_folder_scan(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "2017.report").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.txt").write_text("无关", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["extract", str(folder), "--glob", "*.REPORT", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((out / "records.csv").open(encoding="utf-8-sig")))
    assert rows and {r["doc"] for r in rows} == {"2017"}


def test_saved_text_holds_every_quote_at_its_offsets(tmp_path: Path) -> None:
    out, saved = tmp_path / "out", tmp_path / "text"
    result = CliRunner().invoke(
        main, ["extract", str(SAMPLE), "-o", str(out), "--save-text", str(saved), "-q"]
    )
    assert result.exit_code == 0, result.output
    text = (saved / "chaoyang_2017.txt").read_text(encoding="utf-8")
    assert text == SAMPLE.read_text(encoding="utf-8")
    rows = list(csv.DictReader((out / "chaoyang_2017.csv").open(encoding="utf-8-sig")))
    assert len(rows) > 20
    for r in rows:
        assert text[int(r["start"]) : int(r["end"])] == r["quote"].removeprefix("'")


def test_a_files_own_title_and_date_are_evidence() -> None:
    # A page opening with no year of its own: the file's metadata decides.
    body = normalize(
        "全市生产总值增长7%，一般公共预算收入增长5%。\n今年生产总值增长6.5%左右。"
    ).text
    bare = analyze(body)
    assert bare.report_year is None
    meta = [normalize(m).text for m in document_metadata("朝阳市政府工作报告", "2017-02-15")]
    with_meta = analyze(body, metadata=meta)
    assert with_meta.report_year == 2017
    assert with_meta.sections == bare.sections  # the metadata is no part of the text
    # A page dated in summer is a repost: its date is no evidence.
    summer = [normalize(m).text for m in document_metadata(None, "2017-08-15")]
    assert analyze(body, metadata=summer).report_year is None


def test_a_mixed_folder_reads_every_format_and_records_what_each_was(tmp_path: Path) -> None:
    import json
    import shutil

    import openpyxl
    import pyarrow.parquet as pq

    fixtures = Path(__file__).resolve().parent / "fixtures"
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "chaoyang_2017.txt")
    shutil.copy(fixtures / "html" / "gov_gbk.html", folder / "gov.HTML")
    shutil.copy(fixtures / "pdf" / "report.pdf", folder / "report.pdf")
    shutil.copy(fixtures / "docx" / "report.docx", folder / "word.docx")
    (folder / "scan.pdf").write_bytes((fixtures / "pdf" / "scanned.pdf").read_bytes())
    out, saved = tmp_path / "out", tmp_path / "text"
    result = CliRunner().invoke(
        main,
        ["extract", str(folder), "-o", str(out), "--format", "csv,parquet,xlsx"]
        + ["--save-text", str(saved)],
    )
    assert result.exit_code == 3, result.output  # the scan, and only it, failed
    assert f"cyx: {folder / 'scan.pdf'}: no text layer (scanned?); OCR it first" in result.stderr
    assert "4 document(s) read (1 text, 1 html, 1 pdf, 1 docx)" in result.stderr
    rows = list(csv.DictReader((out / "records.csv").open(encoding="utf-8-sig")))
    assert {r["doc"] for r in rows} == {"chaoyang_2017", "gov", "report", "word"}
    for r in rows:  # every quote stands at its offsets in the text cyx read
        text = (saved / f"{r['doc']}.txt").read_text(encoding="utf-8")
        assert text[int(r["start"]) : int(r["end"])] == r["quote"].removeprefix("'")
    meta = pq.read_schema(out / "records.parquet").metadata[b"cyx_documents"]
    docs = {d["doc"]: d for d in json.loads(meta)}
    assert {d: docs[d]["format"] for d in docs} == {
        "chaoyang_2017": "text",
        "gov": "html",
        "report": "pdf",
        "word": "docx",
    }
    assert docs["gov"]["date"] == "2017-03-01" and docs["report"]["title"]
    sheet = openpyxl.load_workbook(out / "records.xlsx")["metadata"]
    documents = [json.loads(v) for k, v in sheet.iter_rows(values_only=True) if k == "document"]
    assert [d["format"] for d in documents] == [docs[d["doc"]]["format"] for d in documents]
    assert len(documents) == 4


def test_each_bad_published_file_is_one_line_and_the_others_are_written(tmp_path: Path) -> None:
    import shutil

    fixtures = Path(__file__).resolve().parent / "fixtures"
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "good.txt")
    bad = {
        "nothing.html": (fixtures / "html" / "no_text.html").read_bytes(),
        "scan.pdf": (fixtures / "pdf" / "scanned.pdf").read_bytes(),
        "locked.pdf": (fixtures / "pdf" / "encrypted.pdf").read_bytes(),
        "cut.pdf": (fixtures / "pdf" / "truncated.pdf").read_bytes(),
        "empty.pdf": b"",
        "cut.docx": (fixtures / "docx" / "truncated.docx").read_bytes(),
        "locked.docx": (fixtures / "docx" / "encrypted.docx").read_bytes(),
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["extract", str(folder), "-o", str(out), "-q"])
    assert result.exit_code == 3, result.output
    errors = [line for line in result.stderr.splitlines() if not line.startswith("cyx: warning")]
    assert sorted(errors) == sorted(
        [
            f"cyx: {folder / 'nothing.html'}: no article text found in the HTML page",
            f"cyx: {folder / 'scan.pdf'}: no text layer (scanned?); OCR it first",
            f"cyx: {folder / 'locked.pdf'}: encrypted PDF; remove the password first",
            f"cyx: {folder / 'cut.pdf'}: not a readable PDF (damaged?)",
            f"cyx: {folder / 'empty.pdf'}: empty PDF file",
            f"cyx: {folder / 'cut.docx'}: not a readable Word document (damaged?)",
            f"cyx: {folder / 'locked.docx'}: encrypted Word document; remove the password first",
        ]
    )
    rows = list(csv.DictReader((out / "records.csv").open(encoding="utf-8-sig")))
    assert rows and {r["doc"] for r in rows} == {"good"}

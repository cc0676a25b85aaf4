"""The Word reader: .docx text in document order with its tables, title and date, the
errors a user can meet, and old .doc files through LibreOffice (a stand-in here)."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from chaoyang_extract import extract_text
from chaoyang_extract.errors import InputError
from chaoyang_extract.formats import docx as word
from chaoyang_extract.formats.docx import read_doc, read_docx
from chaoyang_extract.normalize import normalize

from .conftest import ROOT, SAMPLE

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
SEP = "\u3000"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def report_paragraph(start: str) -> str:
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip("\u3000 ").startswith(start):
            return line.strip("\u3000 ")
    raise AssertionError(start)


def saved(d: docx.document.Document) -> bytes:
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def message(err: pytest.ExceptionInfo[InputError]) -> str:
    assert err.value.path == "in.docx"
    assert "\n" not in str(err.value)
    return err.value.message


# --- the report fixture ---


def test_report_text_is_every_paragraph_and_row_in_document_order() -> None:
    got = read_docx(fixture("report.docx"), "report.docx")
    assert got.format == "docx"
    assert got.text.splitlines() == [
        "2017年朝阳市政府工作报告",
        "各位代表：",
        report_paragraph("现在，我代表"),
        "2016年工作回顾",
        report_paragraph("去年下半年起"),
        "2017年工作安排",
        report_paragraph("主要预期目标是"),
        "主要经济指标",
        # The table where it stands: "指标" is merged down two rows and shows in both,
        # "完成情况与预期目标" is merged across two columns and shows once.
        f"指标{SEP}完成情况与预期目标。",
        f"指标{SEP}2016年完成{SEP}2017年目标。",
        f"地区生产总值增长{SEP}-9%{SEP}6.5%左右。",
        f"公共财政预算收入增长{SEP}-6.8%{SEP}5%。",
        f"固定资产投资增长{SEP}-51.4%{SEP}12%。",
        f"社会消费品零售总额增长{SEP}4.5%{SEP}8%。",
        f"城镇登记失业率{SEP}{SEP}控制在4.5%以内。",  # its empty cell keeps its column
        report_paragraph("确定这样的预期目标"),
        "一、着力增强发展动力",
        report_paragraph("动力是朝阳发展的根基"),  # a page break adds nothing
    ]
    assert got.text.endswith("\n")


def test_report_title_and_date_come_from_the_core_properties() -> None:
    got = read_docx(fixture("report.docx"), "report.docx")
    assert (got.title, got.date) == ("2017年朝阳市政府工作报告", "2017-02-20")


def test_the_report_text_gives_the_figures_of_its_paragraphs() -> None:
    df = extract_text(read_docx(fixture("report.docx"), "report.docx").text)
    got = {(r.indicator, r.kind, r.measure, float(r.value), int(r.year)) for r in df.itertuples()}
    assert ("gdp", "result", "level", 780.0, 2016) in got
    assert ("gdp", "target", "growth", 6.5, 2017) in got


# --- rows and cells ---


def test_adjacent_figures_in_cells_never_become_one_number() -> None:
    d = docx.Document()
    d.add_paragraph("预计全年完成情况")
    row = d.add_table(rows=1, cols=3).rows[0].cells
    for cell, text in zip(row, ["预计全年完成地区生产总值", "780", "800亿元"], strict=True):
        cell.text = text
    text = read_docx(saved(d), "in.docx").text
    assert f"780{SEP}800亿元" in text
    clean = normalize(text).text
    assert "780 800亿元" in clean and "780800" not in clean
    values = set(extract_text(text, year=2017)["value"].astype(float))
    assert 780800.0 not in values


def test_a_row_keeps_its_own_sentence_end_and_cell_breaks_stay_on_the_line() -> None:
    d = docx.Document()
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "说明"
    table.cell(0, 1).text = "全年增长6.5%。"
    cell = table.cell(1, 0)
    cell.text = "第一段"
    cell.add_paragraph("第二段")
    cell.paragraphs[0].add_run().add_break()  # a manual line break inside the cell
    cell.paragraphs[0].add_run("续")
    table.cell(1, 1).text = "（备注）"
    lines = read_docx(saved(d), "in.docx").text.splitlines()
    assert lines == [f"说明{SEP}全年增长6.5%。", f"第一段；续；第二段{SEP}（备注）。"]


def test_a_line_break_in_a_body_paragraph_stays_a_line_break() -> None:
    d = docx.Document()
    p = d.add_paragraph("2017年主要预期目标：")
    p.add_run().add_break()
    p.add_run("地区生产总值增长6.5%左右。")
    assert (
        read_docx(saved(d), "in.docx").text == "2017年主要预期目标：\n地区生产总值增长6.5%左右。\n"
    )


def test_runs_inside_smart_tags_links_and_insertions_are_text_deletions_are_not() -> None:
    d = docx.Document()
    p = d.add_paragraph("地区生产总值增长")
    w = nsdecls("w")
    p._p.append(
        parse_xml(f'<w:smartTag {w} w:element="chsdate"><w:r><w:t>6.5%</w:t></w:r></w:smartTag>')
    )
    p._p.append(
        parse_xml(f'<w:del {w} w:id="1" w:author="a"><w:r><w:delText>7%</w:delText></w:r></w:del>')
    )
    p._p.append(parse_xml(f'<w:ins {w} w:id="2" w:author="a"><w:r><w:t>左右</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f"<w:hyperlink {w}><w:r><w:t>。</w:t></w:r></w:hyperlink>"))
    assert read_docx(saved(d), "in.docx").text == "地区生产总值增长6.5%左右。\n"


def test_content_controls_around_paragraphs_are_read_in_place() -> None:
    d = docx.Document()
    d.add_paragraph("第一段。")
    last = d.add_paragraph("第三段。")
    w = nsdecls("w")
    sdt = parse_xml(
        f"<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>第二段。</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    last._p.addprevious(sdt)
    assert read_docx(saved(d), "in.docx").text.splitlines() == ["第一段。", "第二段。", "第三段。"]


# --- properties ---


def without_core_properties(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                continue
            if info.filename == "_rels/.rels":
                text, count = re.subn(
                    r"<Relationship [^>]*core-properties[^>]*/>", "", body.decode()
                )
                assert count == 1
                body = text.encode()
            dst.writestr(info, body)
    return out.getvalue()


def test_no_core_properties_means_no_title_or_date() -> None:
    d = docx.Document()
    d.add_paragraph("全年增长6.5%。")
    got = read_docx(without_core_properties(saved(d)), "in.docx")
    # python-docx would make up "Word Document" for a file without them.
    assert (got.title, got.date) == (None, None)
    assert got.text == "全年增长6.5%。\n"


def rewritten(data: bytes, name: str, old: bytes, new: bytes) -> bytes:
    """``data`` with ``old`` replaced by ``new`` in its member ``name``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == name:
                assert old in body
                body = body.replace(old, new)
            dst.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("created", [b"", b"yesterday"])
def test_an_unreadable_created_date_is_no_date(created: bytes) -> None:
    data = fixture("report.docx")
    data = rewritten(data, "docProps/core.xml", b"2017-02-20T01:30:00Z", created)
    got = read_docx(data, "in.docx")
    assert (got.title, got.date) == ("2017年朝阳市政府工作报告", None)


def test_an_empty_title_is_none() -> None:
    d = docx.Document()
    d.add_paragraph("全年增长6.5%。")
    d.core_properties.title = "  "
    assert read_docx(saved(d), "in.docx").title is None


# --- errors ---


def test_a_truncated_file_is_damaged() -> None:
    with pytest.raises(InputError) as err:
        read_docx(fixture("truncated.docx"), "in.docx")
    assert message(err) == "not a readable Word document (damaged?)"


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 not really", b"plain text, not Word", "zip of something else"],
)
def test_what_is_not_a_word_package_is_damaged(data: bytes | str) -> None:
    if isinstance(data, str):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            z.writestr("hello.txt", "hello")
        data = out.getvalue()
    with pytest.raises(InputError) as err:
        read_docx(data, "in.docx")
    assert message(err) == "not a readable Word document (damaged?)"


def test_a_word_package_with_a_broken_document_part_is_damaged() -> None:
    d = docx.Document()
    d.add_paragraph("全年增长6.5%。")
    data = rewritten(saved(d), "word/document.xml", "6.5%。</w:t>".encode(), b"6.5%</w:x>")
    with pytest.raises(InputError) as err:
        read_docx(data, "in.docx")
    assert message(err) == "not a readable Word document (damaged?)"


@pytest.mark.parametrize("reader", [read_docx, read_doc])
def test_an_encrypted_document_asks_for_the_password_to_be_removed(reader: object) -> None:
    with pytest.raises(InputError) as err:
        reader(fixture("encrypted.docx"), "in.docx")  # type: ignore[operator]
    assert message(err) == "encrypted Word document; remove the password first"


def test_a_document_without_text_says_so() -> None:
    d = docx.Document()
    d.add_paragraph("   ")
    d.add_table(rows=2, cols=2)
    with pytest.raises(InputError) as err:
        read_docx(saved(d), "in.docx")
    assert message(err) == "no text in the Word document"


@pytest.mark.parametrize("limit", ["MAX_UNPACKED", "MAX_XML"])
def test_a_package_that_unpacks_too_large_is_refused(
    monkeypatch: pytest.MonkeyPatch, limit: str
) -> None:
    monkeypatch.setattr(word, limit, 2**20 // 2)  # the fixture: 0.9 MB, most of it XML
    with pytest.raises(InputError) as err:
        read_docx(fixture("report.docx"), "in.docx")
    assert message(err).startswith("the Word document unpacks to 1 MB (1 MB of XML), more than")


# --- old .doc files ---


def test_importing_the_reader_does_not_import_python_docx() -> None:
    # python-docx and lxml are imported by the first Word file, not by the module.
    code = (
        "import sys\nimport chaoyang_extract.formats.docx\n"
        "print(sorted(m for m in ('docx', 'lxml') if m in sys.modules))"
    )
    run = [sys.executable, "-c", code]
    out = subprocess.run(run, capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


@pytest.fixture
def bare_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with nothing on it but what a test puts in the returned folder (scripts
    with a #! line: POSIX only)."""
    if os.name != "posix":
        pytest.skip("the stand-in LibreOffice is a #! script")
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def fake_office(folder: Path, name: str, body: str) -> Path:
    """An executable ``name`` in ``folder`` that runs the Python ``body`` with ``args``."""
    script = folder / name
    script.write_text(f"#!{sys.executable}\nimport sys\nargs = sys.argv[1:]\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


CONVERT = """
import pathlib, shutil
pathlib.Path({log!r}).write_text("\\n".join(args))
out = pathlib.Path(args[args.index("--outdir") + 1])
out.mkdir(parents=True, exist_ok=True)
shutil.copy({docx!r}, out / (pathlib.Path(args[-1]).stem + ".docx"))
"""


def test_without_libreoffice_a_doc_file_says_what_to_do(bare_path: Path) -> None:
    for reader in (read_doc, read_docx):
        with pytest.raises(InputError) as err:
            reader(fixture("old.doc"), "in.docx")
        assert message(err) == (
            "a .doc (old Word) file: install LibreOffice (soffice) to read it, or save it as .docx"
        )


@pytest.mark.parametrize("name", ["soffice", "libreoffice"])
def test_a_doc_file_is_converted_by_libreoffice_and_read(bare_path: Path, name: str) -> None:
    log = bare_path / "args.txt"
    docx_path = FIXTURES / "report.docx"
    fake_office(bare_path, name, CONVERT.format(log=str(log), docx=str(docx_path)))
    got = read_docx(fixture("old.doc"), "old.doc")
    want = read_docx(docx_path.read_bytes(), "report.docx")
    assert got.format == "doc"
    assert (got.text, got.title, got.date) == (want.text, want.title, want.date)
    args = log.read_text().splitlines()
    assert args[args.index("--convert-to") + 1] == "docx"
    assert "--headless" in args
    assert any(a.startswith("-env:UserInstallation=file://") for a in args)
    # The input is a copy in a temporary folder that is gone afterwards.
    assert args[-1].endswith(".doc") and not Path(args[-1]).exists()


def test_a_conversion_that_writes_nothing_is_reported(bare_path: Path) -> None:
    fake_office(bare_path, "soffice", "sys.exit(1)")
    with pytest.raises(InputError) as err:
        read_doc(fixture("old.doc"), "in.docx")
    assert message(err).startswith("LibreOffice could not convert the .doc file")


def test_a_conversion_that_hangs_is_stopped_with_its_children(bare_path: Path) -> None:
    pid_file = bare_path / "child.pid"
    body = (
        "import subprocess, time\n"
        "child = subprocess.Popen(['/bin/sleep', '60'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "time.sleep(60)\n"
    )
    fake_office(bare_path, "soffice", body)
    started = time.monotonic()
    with pytest.raises(InputError) as err:
        read_doc(fixture("old.doc"), "in.docx", timeout=2)
    assert time.monotonic() - started < 15
    assert message(err) == "LibreOffice took more than 2 s to convert the .doc file"
    child = int(pid_file.read_text())
    # Killed with the launcher's process group (the grandchild, like soffice.bin).
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        # A killed child of the killed script lingers as a zombie until reaped by init.
        if (
            Path(f"/proc/{child}/stat").exists()
            and ") Z" in Path(f"/proc/{child}/stat").read_text()
        ):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the hung converter's child is still running")


def test_an_old_office_file_that_is_not_word_is_refused(bare_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_doc(fixture("workbook.xls"), "in.docx")
    assert message(err) == "an old Office (OLE2) file that is not a Word document"


def test_a_docx_given_as_doc_is_read_directly(bare_path: Path) -> None:
    got = read_doc(fixture("report.docx"), "in.doc")
    assert got.format == "docx" and got.title == "2017年朝阳市政府工作报告"

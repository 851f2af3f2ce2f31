"""Bad input gives a clear Chinese message naming the file, never a traceback; a batch goes on."""
import json
import subprocess
import sys

from conftest import ROOT
from core.ingest import ingest

REPORT = ("某某县财政局2023年政府信息公开工作年度报告\n一、总体情况\n2023年，我局收到政府信息公开申请2件。\n"
          "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n规章\t0\t0\t0\n"
          "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t1\t2\n")


def test_empty_file():
    r = ingest(b"", "空.txt")
    assert r.error and "空.txt" in r.error and "空" in r.error


def test_binary_garbage():
    r = ingest(bytes(range(256)) * 40, "garbage.bin")
    assert r.error and "garbage.bin" in r.error


def test_text_that_is_not_an_annual_report():
    r = ingest("今天天气很好，我们去公园散步。\n晚上吃饺子。\n".encode(), "日记.txt")
    assert r.error and "日记.txt" in r.error and "年度报告" in r.error


def test_report_without_table_3_warns():
    text = REPORT.split("三、收到")[0]
    r = ingest(text.encode(), "no-t3.txt")
    assert r.error is None
    assert any(w.rule == "missing_table" and "表三" in w.message for w in r.warnings)
    assert not any(k.startswith("applications.") for k in r.fields)


def test_gbk_utf16_and_utf8_bom_files_read_the_same():
    expect = ingest(REPORT.encode("utf-8"), "a.txt").fields
    assert expect["applications.new_received.total"] == 2
    for data in (REPORT.encode("gbk"), REPORT.encode("gb18030"), REPORT.encode("utf-16"),
                 REPORT.encode("utf-16-le"), REPORT.encode("utf-16-be"),
                 b"\xef\xbb\xbf" + REPORT.encode("utf-8")):
        assert ingest(data, "b.txt").fields == expect


def test_legacy_word_and_other_zip_get_a_hint():
    r = ingest(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc")
    assert r.error and "old.doc" in r.error and ".docx" in r.error
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    r = ingest(buf.getvalue(), "bundle.zip")
    assert r.error and "bundle.zip" in r.error


def test_command_line_batch_goes_on_past_bad_files(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(REPORT, encoding="gbk")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    run = subprocess.run([sys.executable, "-m", "core", "parse", "--json", str(empty), str(tmp_path / "missing.txt"), str(good)],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert [("error" in o) for o in out] == [True, True, False]
    assert "missing.txt" in out[1]["error"]
    assert out[2]["fields"]["meta.agency"] == "某某县财政局"
    assert set(out[2]) == {"source", "fields", "warnings", "provenance", "unread"}
    assert {"rule", "severity", "message", "keys"} <= set(out[2]["warnings"][0])


def test_command_line_misuse_is_a_nonzero_exit():
    run = subprocess.run([sys.executable, "-m", "core", "parse"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0


def test_readable_summary_without_json(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text(REPORT, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "core", "parse", str(f)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "某某县财政局" in run.stdout and "2023" in run.stdout


def test_hostile_text_neither_hangs_nor_is_stored(tmp_path):
    """Thousands of tabs per line, lines of spaces, a sentence with no punctuation: each once took
    minutes (regex backtracking, unbounded cells). A hang shows as the subprocess timeout."""
    tabs = tmp_path / "tabs.txt"
    tabs.write_text("三、收到和处理政府信息公开申请情况\n" + ("\t" * 2000 + "1\n") * 3000, encoding="utf-8")
    spaces = tmp_path / "spaces.txt"
    spaces.write_text(REPORT + (" " * 50_000 + "|\n") * 20 + "无标点" * 200_000, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "core", "parse", "--json", str(tabs), str(spaces)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    out = json.loads(run.stdout)
    assert "单元格" in out[0]["error"]
    assert out[1]["fields"]["meta.agency"] == "某某县财政局"


def test_oversized_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(60 * 1024 * 1024)  # sparse: 60 MB on paper, nothing on disk
    run = subprocess.run([sys.executable, "-m", "core", "parse", "--json", str(big)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert "文件过大" in json.loads(run.stdout)[0]["error"]


def test_a_parser_failure_is_that_files_error_not_a_raise(monkeypatch):
    import core.ingest as ingest_module

    def broken(doc):
        raise OverflowError("int too large to convert to float")
    monkeypatch.setattr(ingest_module, "parse_document", broken)
    r = ingest(REPORT.encode(), "坏.txt")
    assert r.error and r.error.startswith("坏.txt：")
    assert "Error" not in r.error and "Overflow" not in r.error


def test_numbers_beyond_any_report_are_unread_and_the_json_stays_valid():
    huge = "9" * 5000
    text = REPORT.replace("数量\t1\t0", f"数量\t{huge}\t0").replace("规章\t0\t0\t0", "规章\t" + "9" * 400 + ".5\t0\t0")
    r = ingest(text.encode(), "大数.txt")
    assert r.error is None
    assert r.fields["applications.new_received.natural"] is None
    assert "applications.new_received.natural" in r.unread
    assert r.fields["proactive.regulations.issued"] is None
    quoted = [w.message for w in r.warnings if w.rule == "unreadable_cell"]
    assert any("超出" in m and "共 5000 个字符" in m for m in quoted)
    json.dumps(r.to_json(), allow_nan=False)  # no Infinity, no NaN
    assert not {w.rule for w in r.warnings if w.severity == "error"} & {"R1", "R2", "R3", "R4"}


def test_counts_beyond_any_report_and_negative_counts_are_findings():
    text = REPORT.replace("数量\t1\t0", "数量\t-5\t0").replace("规章\t0\t0\t0", "规章\t0\t0\t300000000")
    r = ingest(text.encode(), "可疑.txt")
    implausible = [w.message for w in r.warnings if w.rule == "implausible_value"]
    assert any("负数" in m for m in implausible)
    assert any("数量级" in m for m in implausible)

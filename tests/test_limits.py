"""One size limit, in bytes: the upload widget's (server.maxUploadSize), the command line's and the
library's are the same number, refused with the same Chinese words. (The browser side, that Streamlit's
widget refuses exactly one byte more, is checked in chromium by test_e2e.py.)"""
import json
import subprocess
import sys
import tomllib

from conftest import ROOT
from core.library import Library
from core.readers import MAX_FILE_BYTES, MAX_FILE_TEXT, read_document
from core.grid import ReadError

import pytest


def test_the_upload_widget_limit_is_max_file_bytes():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    megabytes = config["server"]["maxUploadSize"]
    # Streamlit's widget counts a megabyte as 1,000,000 bytes in the browser (1,048,576 on Windows and
    # on its server, which therefore never refuses a file the browser lets through)
    assert megabytes * 1_000_000 == MAX_FILE_BYTES
    assert MAX_FILE_BYTES <= megabytes * 1024 * 1024
    assert MAX_FILE_TEXT == "50,000,000 字节（50 MB）"


def test_the_readme_states_the_limit_in_bytes():
    assert "50,000,000 字节" in (ROOT / "README.md").read_text(encoding="utf-8")


def _sparse(path, size):
    with path.open("wb") as f:
        f.truncate(size)  # on paper only: nothing is written to disk
    return path


def test_the_command_line_refuses_one_byte_more_than_the_limit(tmp_path):
    over = _sparse(tmp_path / "over.pdf", MAX_FILE_BYTES + 1)
    at = _sparse(tmp_path / "at.pdf", MAX_FILE_BYTES)
    run = subprocess.run([sys.executable, "-m", "core", "parse", "--json", str(over), str(at)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    out = json.loads(run.stdout)
    assert out[0]["error"].startswith("over.pdf：文件过大（50,000,001 字节），超过 50,000,000 字节（50 MB）的上限")
    assert "文件过大" not in out[1].get("error", "")


def test_the_library_refuses_one_byte_more_than_the_limit_in_the_same_words(tmp_path):
    lib = Library(tmp_path / "lib.sqlite3")
    data = b"\0" * (MAX_FILE_BYTES + 1)
    result = lib.add(data, "big.pdf")
    assert result.status == "error"
    assert result.message.startswith("big.pdf：文件过大（50,000,001 字节），超过 50,000,000 字节（50 MB）的上限")
    with pytest.raises(ReadError) as caught:
        read_document(data, "big.pdf")
    assert str(caught.value) == result.message
    assert lib.add(b"\0" * MAX_FILE_BYTES, "at.pdf").message.find("文件过大") == -1
    assert lib.all() == []

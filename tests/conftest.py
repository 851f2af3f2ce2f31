import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import itertools  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def postgres():
    """The tests' own PostgreSQL server (tests/postgres_server.py); skips where there is none."""
    from postgres_server import Server
    server = Server()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgres"])
def location(request, tmp_path):
    """A maker of new, empty library locations, once on each database the library runs on: a SQLite
    file, and a database on the tests' PostgreSQL server."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres").new_database
    names = itertools.count()
    return lambda: tmp_path / f"lib{next(names)}.sqlite3"

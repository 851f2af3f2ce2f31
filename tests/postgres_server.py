"""A real PostgreSQL server the tests start themselves (Debian's postgresql package: initdb and pg_ctl,
no service, no network: a Unix socket in a temporary folder), with a fresh database per test.

Absent server programs or driver: the tests that need it skip, unless GOVREPORT_REQUIRE_POSTGRES=1
(CI installs the package and sets it), where they fail instead of passing unseen.
"""
from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REQUIRED = os.environ.get("GOVREPORT_REQUIRE_POSTGRES") == "1"


def _missing(why: str) -> None:
    if REQUIRED:
        pytest.fail(f"PostgreSQL is required here (GOVREPORT_REQUIRE_POSTGRES=1) but {why}")
    pytest.skip(f"no PostgreSQL for the tests: {why}")


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    return found[-1] if found else shutil.which(name)


class Server:
    """One server for the test session; `new_database()` gives the URL of an empty database."""

    def __init__(self) -> None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            _missing("the psycopg driver is not installed")
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not (initdb and pg_ctl):
            _missing("initdb/pg_ctl not found (Debian: apt-get install postgresql)")
        # a short path: a Unix socket's path must stay under 108 bytes
        self.dir = Path(tempfile.mkdtemp(prefix="govpg", dir="/tmp"))
        as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
            as_user = ["runuser", "-u", "postgres", "--"]
        self._pg_ctl = [*as_user, pg_ctl, "-D", str(self.dir / "data")]
        subprocess.run([*as_user, initdb, "-D", str(self.dir / "data"), "-A", "trust", "-U", "postgres", "--no-sync",
                        "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True, cwd=self.dir)
        options = (f"-k {self.dir} -c listen_addresses='' -p 5432 -c fsync=off -c synchronous_commit=off"
                   " -c full_page_writes=off -c max_connections=200")
        subprocess.run([*self._pg_ctl, "-l", str(self.dir / "log"), "-w", "-s", "-o", options, "start"],
                       check=True, capture_output=True, cwd=self.dir)
        self._names = itertools.count()

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.dir}&port=5432"

    def new_database(self) -> str:
        import psycopg
        name = f"lib{next(self._names)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        subprocess.run([*self._pg_ctl, "-m", "immediate", "-s", "stop"], capture_output=True, cwd=self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)

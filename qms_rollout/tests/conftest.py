"""The tests that run real processes on SQLite files of their own start from one migrated
database per test process: ``migrate`` runs once, each test gets a copy."""

import sqlite3

import pytest

from qms_rollout.tests.production_env import documented_env, manage


def copy_database(source, target) -> None:
    """A consistent copy of the SQLite database ``source`` (WAL included) into ``target``."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def run(commands: list[list[str]], env: dict[str, str]) -> None:
    for command in commands:
        result = manage(command, env)
        assert result.returncode == 0, result.stderr


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A fresh SQLite database migrated by ``manage.py migrate``, with the cache table."""
    path = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    env = documented_env() | {"DATABASE_URL": f"sqlite:///{path}"}
    run([["migrate", "--noinput", "-v0"], ["createcachetable"]], env)
    return path

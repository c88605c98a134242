"""DBOS peer of the `engine` suite: per-step durable overhead of a workflow of trivial steps.

DBOS (PyPI `dbos`) checkpoints every step's output in its system database before the next
step runs; here that database is SQLite, switched to WAL before DBOS opens it (DBOS leaves the
journal mode at SQLite's default). `--synchronous NORMAL` sets what Switchyard's SQLite store
uses on every connection DBOS opens (WAL + NORMAL: no fsync per commit); without it DBOS runs as
it ships (SQLite's default FULL: an fsync per step). Prints one JSON line:
{"step_overhead_us": ..., "workflow_us": ..., "steps": N, "journal_mode": "wal", "synchronous": ..., "dbos_version": "..."}
where step_overhead_us = (time of an N-step workflow - median time of a 0-step one) / N.
Usage: python dbos_steps.py [STEPS] [--synchronous NORMAL] (default 1000 steps); run it with the
venv scripts/setup-bench.sh makes.
"""
import importlib.metadata
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import time

from dbos import DBOS, DBOSConfig

import sqlalchemy

ARGUMENTS = [argument for argument in sys.argv[1:] if not argument.startswith("--")]
STEPS = int(ARGUMENTS[0]) if ARGUMENTS else 1000
SYNCHRONOUS = sys.argv[sys.argv.index("--synchronous") + 1] if "--synchronous" in sys.argv else None
if SYNCHRONOUS:
    @sqlalchemy.event.listens_for(sqlalchemy.engine.Engine, "connect")
    def set_synchronous(connection, _record):  # every engine DBOS creates, every connection
        connection.execute(f"PRAGMA synchronous={SYNCHRONOUS}")


@DBOS.step()
def trivial_step(index: int) -> int:
    return index


@DBOS.workflow()
def steps_workflow(count: int) -> int:
    total = 0
    for index in range(count):
        total += trivial_step(index)
    return total


def timed(count: int) -> float:
    """Seconds for one whole `count`-step workflow, started and awaited."""
    began = time.perf_counter()
    result = steps_workflow(count)
    elapsed = time.perf_counter() - began
    assert result == count * (count - 1) // 2, f"workflow answered {result}"
    return elapsed


def main() -> None:
    directory = tempfile.mkdtemp(prefix="switchyard-dbos-peer-")
    path = os.path.join(directory, "dbos_system.sqlite")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
    config: DBOSConfig = {"name": "switchyard-peer", "system_database_url": f"sqlite:///{path}",
                          "run_admin_server": False, "log_level": "WARNING"}
    DBOS(config=config)
    DBOS.launch()
    try:
        timed(20)  # warm-up: connections, prepared statements
        empty = sorted(timed(0) for _ in range(5))[2]
        whole = timed(STEPS)
        with sqlite3.connect(path) as connection:
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        DBOS.destroy()
        shutil.rmtree(directory, ignore_errors=True)
    print(json.dumps({
        "step_overhead_us": (whole - empty) / STEPS * 1e6,
        "workflow_us": empty * 1e6,
        "steps": STEPS,
        "journal_mode": mode,
        "synchronous": SYNCHRONOUS or "default (FULL)",
        "dbos_version": importlib.metadata.version("dbos"),
    }))


if __name__ == "__main__":
    main()

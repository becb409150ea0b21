"""Every bad input: one line on stderr naming what is wrong, exit 2 (1 when the database or the disk
fails), no traceback, and nothing changed: the database as it was, no file left behind."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from hitmon.cli import cli
from models.db import make_engine, upgrade_database
from tests.pipeline.factories import record, store

HITMON = str(Path(sys.executable).with_name("hitmon"))
BIG_ID = str(2**70)
SOURCE = "sources:\n  - name: 甲\n    kind: listing\n    url: http://127.0.0.1:9/a/\n"


def source_with(**fields: str) -> str:
    return SOURCE + "".join(f"    {key}: {value}\n" for key, value in fields.items())


def alias_bomb() -> str:
    """Nine levels of nine aliases each: 9**9 strings once expanded, a few hundred bytes written."""
    rows = ['    media: &l0 ["x","x","x","x","x","x","x","x","x"]']
    rows += [f"    l{i}: &l{i} [{','.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    return SOURCE + "\n".join(rows) + "\n"


@dataclass
class Case:
    args: list[str]
    code: int
    message: str
    files: dict[str, str | bytes | Callable[[Path], None]] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    db: str = "ready"  # "ready": a migrated database with accepted items; or a file name in tmp_path


def write_files(tmp: Path, files: dict[str, str | bytes | Callable[[Path], None]]) -> None:
    for name, content in files.items():
        path = tmp / name
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def folder(path: Path) -> None:
    path.mkdir()


def not_a_database(path: Path) -> None:
    path.write_bytes(b"these are notes, not a database\n" * 200)


def truncated(path: Path) -> None:
    whole = path.with_name("whole.db")
    engine = make_engine(f"sqlite:///{whole}")
    upgrade_database(engine)
    engine.dispose()  # the last connection's close checkpoints the WAL into the file
    assert whole.stat().st_size > 100_000
    path.write_bytes(whole.read_bytes()[:20_000])
    whole.unlink()


def unknown_revision(path: Path) -> None:
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'f00dfeed'")


def foreign(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('mine')")


SQLITE_FILE_CASES = {
    f"{kind} {' '.join(args)}": Case(args, 1, message, {"bad.db": maker}, db="bad.db")
    for kind, maker, message in [
        ("not-a-database", not_a_database, "not a usable SQLite database: file is not a database"),
        ("truncated", truncated, "not a usable SQLite database"),
    ]
    for args in (["sources", "list"], ["db", "upgrade"], ["crawl"], ["candidates"])
}

CASES: dict[str, Case] = {
    # sources files
    "sources alias bomb": Case(
        ["sources", "load", "s.yaml"], 2, "s.yaml:5: anchors and aliases", {"s.yaml": alias_bomb()}
    ),
    "sources nested 20000 deep": Case(
        ["sources", "load", "s.yaml"],
        2,
        "s.yaml:1: nested more than 8 deep",
        {"s.yaml": "sources: " + "[" * 20000 + "]" * 20000},
    ),
    "sources python tag": Case(
        ["sources", "load", "s.yaml"],
        2,
        "s.yaml:5: media: the tag !!python/object/apply:os.system is not allowed",
        {"s.yaml": source_with(media="!!python/object/apply:os.system ['touch pwned']")},
    ),
    "sources larger than 1 MB": Case(
        ["sources", "load", "s.yaml"], 2, "s.yaml: larger than 1024 KB", {"s.yaml": SOURCE + "#" * (1 << 20)}
    ),
    "sources port 99999": Case(
        ["sources", "load", "s.yaml"],
        2,
        "s.yaml:4: url: must be an http:// or https:// URL (malformed URL",
        {"s.yaml": SOURCE.replace("127.0.0.1:9", "127.0.0.1:99999")},
    ),
    "sources newline in url": Case(
        ["sources", "load", "s.yaml"],
        2,
        "s.yaml:4: url: must be an http:// or https:// URL (URL contains whitespace",
        {"s.yaml": SOURCE.replace("http://127.0.0.1:9/a/", '"http://127.0.0.1:9/a/\\nX-Injected: 1"')},
    ),
    "sources catastrophic link_pattern": Case(
        ["sources", "load", "s.yaml"],
        2,
        "s.yaml:5: link_pattern: nested quantifiers",
        {"s.yaml": source_with(link_pattern="'(a+)+$'")},
    ),
    "sources link_pattern that does not compile": Case(
        ["sources", "load", "s.yaml"],
        2,
        "s.yaml:5: link_pattern: not a regular expression",
        {"s.yaml": source_with(link_pattern="'(['")},
    ),
    "sources file is a folder": Case(
        ["sources", "load", "s.yaml"], 2, "s.yaml: is a folder", {"s.yaml": folder}
    ),
    # config files
    "config not UTF-8": Case(
        ["--config", "h.toml", "candidates"],
        2,
        "h.toml:2: not UTF-8 text",
        {"h.toml": b'# \n db = "\xff\xfe"\n'},
    ),
    "config is a folder": Case(
        ["--config", "h.toml", "candidates"],
        2,
        "h.toml: the config file is not a regular file",
        {"h.toml": folder},
    ),
    "config unknown time zone": Case(
        ["--config", "h.toml", "candidates"],
        2,
        "h.toml:1: timezone: unknown time zone 'Nowhere/Land'",
        {"h.toml": 'timezone = "Nowhere/Land"\n'},
    ),
    "config nested 5000 deep": Case(
        ["--config", "h.toml", "candidates"],
        2,
        "h.toml: not valid TOML: nested more than 16 deep",
        {"h.toml": "x = " + "[" * 5000 + "]" * 5000},
    ),
    "config nested 20 deep": Case(
        ["--config", "h.toml", "candidates"],
        2,
        "h.toml:1: x: nested more than 16 deep",
        {"h.toml": "x = " + "[" * 20 + "]" * 20},
    ),
    "config max_response_mb inf": Case(
        ["--config", "h.toml", "candidates"],
        2,
        "h.toml:2: crawl.max_response_mb: Input should be a finite number",
        {"h.toml": "[crawl]\nmax_response_mb = inf\n"},
    ),
    "config timeout of 1e300 seconds": Case(
        ["--config", "h.toml", "candidates"],
        2,
        "h.toml:2: crawl.timeout: Input should be less than or equal to",
        {"h.toml": "[crawl]\ntimeout = 1e300\n"},
    ),
    "config binary lexicon": Case(
        ["--config", "h.toml", "score"],
        2,
        "h.toml:2: relevance.lexicon:",
        {"h.toml": '[relevance]\nlexicon = "lexicon.bin"\n', "lexicon.bin": bytes(range(256)) * 8},
    ),
    "config larger than 1 MB": Case(
        ["--config", "h.toml", "candidates"], 2, "h.toml: larger than 1024 KB", {"h.toml": "#" * (2 << 20)}
    ),
    # environment
    "env HITMON_ALERTS__CHANNELS": Case(
        ["candidates"],
        2,
        "environment HITMON_ALERTS__CHANNELS: alerts.channels: not valid JSON",
        env={"HITMON_ALERTS__CHANNELS": "[{kind: wecom"},
    ),
    "env HITMON_CRAWL": Case(
        ["candidates"],
        2,
        "environment HITMON_CRAWL: crawl: not valid JSON",
        env={"HITMON_CRAWL": "concurrency=4"},
    ),
    "env HITMON_SCHEDULE__CRAWL_COMMAND": Case(
        ["candidates"],
        2,
        "environment HITMON_SCHEDULE__CRAWL_COMMAND: schedule.crawl_command: not valid JSON",
        env={"HITMON_SCHEDULE__CRAWL_COMMAND": "python -m crawler"},
    ),
    "env HITMON_DB mysql": Case(
        ["candidates"],
        2,
        "environment HITMON_DB: db: mysql is not supported",
        env={"HITMON_DB": "mysql://u@127.0.0.1/hitmon"},
        db="env",
    ),
    "env HITMON_TIMEZONE": Case(
        ["candidates"],
        2,
        "environment HITMON_TIMEZONE: timezone: unknown time zone",
        env={"HITMON_TIMEZONE": "Nowhere/Land"},
    ),
    # arguments
    "candidates week 9999-W52": Case(
        ["candidates", "--week", "9999-W52"],
        2,
        "Invalid value for '--week': 9999-W52: weeks from 1900 to 2999 only",
    ),
    "candidates week 0001-W01": Case(
        ["candidates", "--week", "0001-W01"], 2, "Invalid value for '--week': 0001-W01"
    ),
    "export week 9999-W52": Case(["export", "--week", "9999-W52"], 2, "Invalid value for '--week'"),
    "export week 0001-W01": Case(["export", "--week", "0001-W01"], 2, "Invalid value for '--week'"),
    "review accept 2**70": Case(
        ["review", "accept", "1", BIG_ID], 2, f"hitmon review accept: Invalid value for 'IDS...': {BIG_ID}"
    ),
    "review order 2**70": Case(["review", "order", BIG_ID], 2, "Invalid value for 'IDS...'"),
    "review edit 2**70": Case(
        ["review", "edit", BIG_ID, "--title", "x"], 2, "Invalid value for 'ARTICLE_ID'"
    ),
    "explain 2**70": Case(["explain", BIG_ID], 2, "hitmon explain: Invalid value for 'ARTICLE_ID'"),
    "export issue 2**70": Case(
        ["export", "--week", "2018-W17", "--issue", BIG_ID], 2, "Invalid value for '--issue'"
    ),
    "export issue 10000": Case(
        ["export", "--week", "2018-W17", "--issue", "10000"], 2, "10000 is not in the range 1<=x<=9999"
    ),
    "export issue 0": Case(
        ["export", "--week", "2018-W17", "--issue", "0"], 2, "Invalid value for '--issue'"
    ),
    "export out under a regular file": Case(
        ["export", "--week", "2018-W17", "--format", "md", "--out", "plain/w.md"],
        2,
        "--out plain/w.md: plain is a file, not a folder",
        {"plain": "x"},
    ),
    "export out is a folder": Case(
        ["export", "--week", "2018-W17", "--format", "md", "--out", "out"],
        2,
        "--out out: is a folder",
        {"out": folder},
    ),
    "reextract since year 1": Case(
        ["reextract", "--since", "0001-01-01"], 2, "Invalid value for '--since': 0001-01-01"
    ),
    "export date year 1": Case(
        ["export", "--week", "2018-W17", "--date", "0001-01-01"], 2, "Invalid value for '--date': 0001-01-01"
    ),
    "extract url port 99999": Case(
        ["extract", "page.html", "--url", "http://a.example:99999/1.html"],
        2,
        "Invalid value for '--url': 'http://a.example:99999/1.html': malformed URL",
        {"page.html": "<html></html>"},
    ),
    "score a binary file": Case(
        ["score", "bin.jsonl"], 2, "bin.jsonl: not UTF-8 text", {"bin.jsonl": b"\xff\xfe{}\n"}
    ),
    "review edit a binary summary": Case(
        ["review", "edit", "1", "--summary-file", "bin.txt"],
        2,
        "bin.txt: not UTF-8 text",
        {"bin.txt": b"ok\xff\n"},
    ),
    "runs limit 2**70": Case(["runs", "--limit", BIG_ID], 2, "Invalid value for '--limit'"),
    # databases
    **SQLITE_FILE_CASES,
    "unknown revision db upgrade": Case(
        ["db", "upgrade"],
        1,
        "at revision f00dfeed, which this hitmon does not know",
        {"newer.db": unknown_revision},
        db="newer.db",
    ),
    "unknown revision candidates": Case(
        ["candidates"],
        1,
        "at revision f00dfeed, which this hitmon does not know",
        {"newer.db": unknown_revision},
        db="newer.db",
    ),
    "foreign database db upgrade": Case(
        ["db", "upgrade"], 1, "is not a hitmon database", {"bad.db": foreign}, db="bad.db"
    ),
    "foreign database sources list": Case(
        ["sources", "list"], 1, "is not a hitmon database", {"bad.db": foreign}, db="bad.db"
    ),
    "sqlite path under a regular file db upgrade": Case(
        ["db", "upgrade"], 1, "plain is a file, not a folder", {"plain": "x"}, db="plain/x.db"
    ),
    "sqlite path under a regular file candidates": Case(
        ["candidates"], 1, "plain is a file, not a folder", {"plain": "x"}, db="plain/x.db"
    ),
    "sqlite path is a folder": Case(["candidates"], 1, "is not a file", {"dir.db": folder}, db="dir.db"),
}


def ready_database(tmp: Path) -> str:
    """A migrated SQLite file with two accepted items in 2018-W17 (so that export gets to --out)."""
    url = f"sqlite:///{tmp / 'ready.db'}"
    engine = make_engine(url)
    upgrade_database(engine)
    ids = store(engine, record(1, 23, score=9), record(2, 24, score=6))
    engine.dispose()
    result = CliRunner().invoke(
        cli, ["--db", url, "review", "accept", *map(str, ids)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return url


def snapshot(tmp: Path) -> dict[str, bytes | list[str] | None]:
    """Every file under tmp (databases by content, others by bytes), to show nothing changed."""
    state: dict[str, bytes | list[str] | None] = {}
    for path in sorted(tmp.rglob("*")):
        if path.is_file() and not path.name.endswith(("-wal", "-shm")):
            state[str(path.relative_to(tmp))] = _content(path)
        elif path.is_dir():
            state[str(path.relative_to(tmp))] = None
    return state


def _content(path: Path) -> bytes | list[str]:
    if path.suffix != ".db" or path.name == "bad.db":  # a damaged or foreign file: its very bytes
        return path.read_bytes()
    with sqlite3.connect(path) as connection:
        return list(connection.iterdump())


def assert_one_clear_line(result: Result, code: int, message: str) -> None:
    assert "Traceback" not in result.output
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_is_one_line_an_exit_status_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    monkeypatch.chdir(tmp_path)
    if case.db == "ready":
        ready_database(tmp_path)
    write_files(tmp_path, case.files)
    before = snapshot(tmp_path)
    db = (
        []
        if case.db == "env"
        else ["--db", f"sqlite:///{tmp_path / ('ready.db' if case.db == 'ready' else case.db)}"]
    )
    result = CliRunner().invoke(
        cli, [*db, *case.args], env=case.env, catch_exceptions=False, prog_name="hitmon"
    )
    assert_one_clear_line(result, case.code, case.message)
    assert snapshot(tmp_path) == before


def run_hitmon(cwd: Path, *args: str, wrap: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real ``hitmon`` in a process of its own (``wrap``: a command it runs under, e.g. unshare)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HITMON_")}
    command = [*(wrap or []), HITMON, *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def assert_one_line(process: subprocess.CompletedProcess[str], code: int, message: str) -> None:
    assert "Traceback" not in process.stdout + process.stderr
    assert process.returncode == code, process.stderr
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], process.stderr


def test_a_real_process_refuses_an_alias_bomb_and_a_config_folder_in_one_line(tmp_path: Path) -> None:
    url = ready_database(tmp_path)
    (tmp_path / "s.yaml").write_text(alias_bomb(), encoding="utf-8")
    before = snapshot(tmp_path)
    assert_one_line(run_hitmon(tmp_path, "--db", url, "sources", "load", "s.yaml"), 2, "anchors and aliases")
    (tmp_path / "hitmon.toml").mkdir()
    assert_one_line(run_hitmon(tmp_path, "--db", url, "candidates"), 2, "hitmon.toml: the config file is not")
    assert snapshot(tmp_path) == {**before, "hitmon.toml": None}


EXPORT = ["export", "--week", "2018-W17", "--format", "md"]


def test_export_to_a_read_only_mount_is_refused_and_records_nothing(tmp_path: Path) -> None:
    url = ready_database(tmp_path)
    (tmp_path / "ro").mkdir()
    before = snapshot(tmp_path)
    # A private mount namespace: the read-only mount exists for this one process only, and ends with it.
    mount = [
        "unshare",
        "--mount",
        "--propagation",
        "private",
        "sh",
        "-c",
        'mount -t tmpfs -o ro tmpfs ro && exec "$@"',
        "-",
    ]
    if subprocess.run([*mount, "true"], cwd=tmp_path, capture_output=True).returncode != 0:
        pytest.skip("cannot mount here (needs root or user namespaces)")
    process = run_hitmon(tmp_path, "--db", url, *EXPORT, "--out", "ro/w.md", wrap=mount)
    assert_one_line(process, 2, "--out ro/w.md: cannot write there: Read-only file system")
    assert snapshot(tmp_path) == before


def test_export_to_an_immutable_folder_is_refused_and_records_nothing(tmp_path: Path) -> None:
    url = ready_database(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    before = snapshot(tmp_path)
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not possible here (needs root and ext4/xfs/btrfs)")
    try:
        process = run_hitmon(tmp_path, "--db", url, *EXPORT, "--out", "locked/w.md")
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    assert_one_line(process, 2, "--out locked/w.md: cannot write there: Operation not permitted")
    assert snapshot(tmp_path) == before


def test_an_export_whose_record_fails_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 296 already belongs to another week: the record is refused, so no file may appear."""
    monkeypatch.chdir(tmp_path)
    url = ready_database(tmp_path)
    engine = make_engine(url)
    (earlier,) = store(engine, record(3, 17, score=8))
    engine.dispose()
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", url, "review", "accept", str(earlier)]).exit_code == 0
    first = runner.invoke(
        cli, ["--db", url, "export", "--week", "2018-W16", "--issue", "296", "--out", "w16.docx"]
    )
    assert first.exit_code == 0, first.output
    before = snapshot(tmp_path)
    result = runner.invoke(
        cli, ["--db", url, *EXPORT, "--issue", "296", "--out", "w17.md"], prog_name="hitmon"
    )
    assert_one_clear_line(result, 1, "第 296 期已用于 2018-W16")
    assert snapshot(tmp_path) == before  # no w17.md, no temporary file, the issues as they were


def test_an_export_puts_a_whole_readable_file_in_place_and_nothing_else(tmp_path: Path) -> None:
    url = ready_database(tmp_path)
    out = tmp_path / "issues" / "w17.md"
    result = CliRunner().invoke(cli, ["--db", url, *EXPORT, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "第1篇 电子病历" in out.read_text(encoding="utf-8")
    assert [p.name for p in out.parent.iterdir()] == ["w17.md"]  # the temporary file was renamed
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask  # like any new file, not mkstemp's 0600


def test_an_id_beyond_what_the_database_holds_is_bad_input_on_each_kind(engine: Engine) -> None:
    """Ids are INTEGER columns, 32 bits on PostgreSQL: a larger one must not reach the driver."""
    url = engine.url.render_as_string(hide_password=False)
    for args in (["review", "accept", str(2**31)], ["explain", str(2**31)], ["review", "edit", str(2**31)]):
        result = CliRunner().invoke(cli, ["--db", url, *args], prog_name="hitmon", catch_exceptions=False)
        assert_one_clear_line(result, 2, "is not in the range 1<=x<=2147483647")
    missing = CliRunner().invoke(
        cli, ["--db", url, "review", "accept", str(2**31 - 1)], catch_exceptions=False
    )
    assert_one_clear_line(missing, 1, "no article with id 2147483647")  # the largest id reaches the query

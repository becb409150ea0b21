"""The editor's desk for a real week, checked from outside against `hitmon serve`.

    python benchmarks/desk.py [--candidates 500] [--repeat 5] [--keep DIR]

Builds a fresh SQLite database with ``--candidates`` flagged articles in 2018-W17 (generated here, plus one
whose title carries a script), two editors, starts `hitmon serve` on a free loopback port and, over plain
HTTP (urllib, a cookie jar per editor), measures the week page and a 100,000-id reorder, then runs the
scripted checks of issue 15: stale edit refused, logout revokes a copied cookie, absurd 期号 refused and the
desk still exports, bad weeks and ids answer 4xx, reorder bounded, spoofed X-Forwarded-For ignored, injected
script escaped, security headers present. Prints a table; exits 1 if a check fails.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from models.db import make_engine, session_factory, session_scope, upgrade_database
from pipeline.config import WebSettings
from pipeline.desk.accounts import Passwords, add_user
from pipeline.record import ArticleRecord
from pipeline.store.articles import save_articles, save_sources
from pipeline.store.sources import SourceSpec

WEEK = "2018-W17"
PASSWORD = "benchmark password 1"
CHEAP = {"password_time_cost": 1, "password_memory_kib": 64, "password_parallelism": 1}
SHANGHAI = timezone(timedelta(hours=8))
HOSTILE = "<script>window.pwned=1</script>电子病历"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def build(database: Path, candidates: int) -> None:
    engine = make_engine(f"sqlite:///{database}")
    upgrade_database(engine)
    records = [_record(n, f"第{n}篇 电子病历与互联网医院建设") for n in range(1, candidates + 1)]
    records.append(_record(candidates + 1, HOSTILE))
    with session_scope(session_factory(engine)) as session:
        save_sources(session, [SourceSpec(name="基准站", kind="listing", url="http://127.0.0.1:1/")])
        ids = {"基准站": 1}
        save_articles(session, records, ids)
        passwords = Passwords(WebSettings(**CHEAP))
        for name in ("editor1", "editor2"):
            add_user(session, name, PASSWORD, passwords)
    engine.dispose()


def _record(n: int, title: str) -> ArticleRecord:
    return ArticleRecord(
        url=f"http://127.0.0.1:1/a/{n}.html",
        source="基准站",
        fetched_at=datetime(2018, 5, 1, tzinfo=UTC),
        html=b"<html></html>",
        title=title,
        text=f"第{n}篇正文。电子病历系统应用水平分级评价。",
        published_at=datetime(2018, 4, 23 + n % 5, 9, tzinfo=SHANGHAI),
        media="基准网",
        score=9.0 - n / 1000,
        flagged=True,
        matched=("电子病历",),
    )


class Editor:
    """One browser's worth of state: a cookie jar and the last CSRF token seen."""

    def __init__(self, base: str):
        self.base, self.jar = base, http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)
        self.token = ""

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
        return self._send(urllib.request.Request(self.base + path, headers=headers or {}))

    def post(self, path: str, data: dict[str, str], headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, headers=headers or {}))

    def sign_in(self, name: str) -> None:
        self.token = CSRF.findall(self.get("/login")[1])[0]
        status, _, _ = self.post("/login", {"username": name, "password": PASSWORD})
        assert status == 303, f"sign-in of {name} answered {status}"
        self.token = CSRF.findall(self.get(f"/week?week={WEEK}")[1])[0]

    def _send(self, request: urllib.request.Request) -> tuple[int, str, dict[str, str]]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8", "replace"), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def serve(database: Path, work: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HITMON_WEB__SECRET_KEY": "b" * 48}
    env |= {f"HITMON_WEB__{key.upper()}": str(value) for key, value in CHEAP.items()}
    command = [str(Path(sys.executable).with_name("hitmon")), "--db", f"sqlite:///{database}"]
    command += ["serve", "--port", str(port)]
    log = (work / "serve.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            return process, base
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"hitmon serve did not start: {(work / 'serve.log').read_text()}")


def timed(call) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def measure(editor: Editor, repeat: int) -> list[tuple[str, str]]:
    rows = []
    times = [timed(lambda: editor.get(f"/week?week={WEEK}"))[0] for _ in range(repeat)]
    page = editor.get(f"/week?week={WEEK}")[1]
    shown = len(re.findall(r'<tr class="\w+" data-id=', page))
    rows.append(
        (
            "GET /week (page 1)",
            f"median {statistics.median(times):.3f} s, {len(page) // 1024} KB, {shown} rows",
        )
    )
    ids = re.findall(r'<tr class="pending" data-id="(\d+)"', page)[:3]
    for article_id in ids:
        editor.post("/review/decide", {"article_id": article_id, "action": "accept"})
    huge = ",".join([ids[0]] * 100_000)
    seconds, (status, _, _) = timed(lambda: editor.post("/review/order", {"week": WEEK, "ids": huge}))  # type: ignore[misc]
    rows.append(("POST /review/order, 100,000 ids", f"{status} in {seconds:.3f} s"))
    return rows


def checks(base: str, first: Editor) -> list[tuple[str, bool]]:
    second = Editor(base)
    second.sign_in("editor2")
    results: list[tuple[str, bool]] = []
    article = re.findall(r'<tr class="pending" data-id="(\d+)"', first.get(f"/week?week={WEEK}")[1])[0]
    path = f"/articles/{article}"
    stale_version = re.findall(r'name="version" value="(\d+)"', second.get(path)[1])[0]
    first_version = re.findall(r'name="version" value="(\d+)"', first.get(path)[1])[0]
    first.post(f"{path}/edit", {"title": "一号编辑的标题", "version": first_version})
    status, body, _ = second.post(f"{path}/edit", {"summary": "二号的", "version": stale_version})
    results.append(
        ("stale edit refused (409, both versions shown)", status == 409 and "一号编辑的标题" in body)
    )

    copy = Editor(base)
    for cookie in second.jar:
        copy.jar.set_cookie(cookie)
    before = copy.get(f"/week?week={WEEK}")[0]
    second.post("/logout", {})
    after = copy.get(f"/week?week={WEEK}")[0]
    results.append(("logout revokes a copied cookie", (before, after) == (200, 303)))

    absurd = [
        first.post("/export", {"week": WEEK, "format": "md", "number": n})[0]
        for n in ("9223372036854775807", "²", "0")
    ]
    preview = first.get(f"/preview?week={WEEK}")
    exported = first.post("/export", {"week": WEEK, "format": "md"})[0]
    ok = absurd == [400, 400, 400] and preview[0] == 200 and "导出第 1 期" in preview[1] and exported == 200
    results.append(("absurd 期号 refused, desk still exports", ok))

    bad = [
        first.get(p)[0]
        for p in ("/week?week=9999-W52", "/week?week=0001-W01", "/articles/100000000000000000000")
    ]
    bad.append(first.post("/review/decide", {"article_id": "²", "action": "accept"})[0])
    results.append(("bad weeks and ids answer 4xx", all(400 <= code < 500 for code in bad)))

    bounded = first.post("/review/order", {"week": WEEK, "ids": f"{article},{article}"})[0]
    results.append(("reorder bounded (duplicates refused)", bounded == 400))

    attacker = Editor(base)
    attacker.token = CSRF.findall(attacker.get("/login")[1])[0]
    codes = []
    for n in range(25):
        spoof = {"X-Forwarded-For": f"203.0.113.{n}"}
        codes.append(attacker.post("/login", {"username": f"guess{n}", "password": "x" * 12}, spoof)[0])
    results.append(
        (
            "spoofed X-Forwarded-For ignored (429 after 20)",
            codes[:20] == [400] * 20 and codes[20:] == [429] * 5,
        )
    )

    page, headers = first.get(f"/week?week={WEEK}&status=all&q=window.pwned")[1:]
    results.append(
        (
            "injected script escaped",
            "<script>window.pwned" not in page and "&lt;script&gt;window.pwned" in page,
        )
    )
    wanted = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
    results.append(("security headers present", all(name in {k.lower() for k in headers} for name in wanted)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="hitmon-desk-"))
    work.mkdir(parents=True, exist_ok=True)
    database = work / "desk.db"
    database.unlink(missing_ok=True)
    build(database, args.candidates)
    process, base = serve(database, work)
    try:
        editor = Editor(base)
        editor.sign_in("editor1")
        rows = measure(editor, args.repeat)
        results = checks(base, editor)
    finally:
        process.terminate()
        process.wait(timeout=20)
    print(f"{args.candidates} candidates in {WEEK}, hitmon serve on {base}, SQLite {database}")
    for what, figure in rows:
        print(f"  {what:<40} {figure}")
    for what, passed in results:
        print(f"  {'PASS' if passed else 'FAIL'}  {what}")
    return 0 if all(passed for _, passed in results) else 1


if __name__ == "__main__":
    sys.exit(main())

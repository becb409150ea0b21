"""hitmon installs into a fresh virtual environment with the pip that environment ships (no upgrade),
and extracts a page there: the declared dependencies are enough (lxml_html_clean included)."""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PAGE = ROOT / "tests" / "fixtures" / "pages" / "trs_gov.html"


@pytest.mark.slow
def test_a_fresh_venv_installs_hitmon_and_extracts_a_page(tmp_path: Path) -> None:
    home = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(home)
    python = home / "bin" / "python"
    installed = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    extracted = subprocess.run(
        [home / "bin" / "hitmon", "extract", str(PAGE), "--url", "http://www.example.gov.cn/a.html"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert extracted.returncode == 0, extracted.stderr[-3000:]
    article = json.loads(extracted.stdout.splitlines()[0])
    assert article["title"] and len(article["text"]) > 50

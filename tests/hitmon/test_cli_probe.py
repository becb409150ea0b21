"""``hitmon sources probe``: on a saved page, and on the bundled sample site served on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from hitmon.cli import cli
from hitmon.samplesite import serve_sample_site, sources_yaml
from hitmon.samplesite.sites import GOV_MEDIA

LISTINGS = Path(__file__).parents[1] / "fixtures" / "listings"
EXPECTED = json.loads((LISTINGS / "expected.json").read_text(encoding="utf-8"))


def run(db_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db_url, *args], catch_exceptions=False)


def test_a_saved_listing_shows_the_links_taken_and_left_out_with_the_next_page(sqlite_url: str) -> None:
    want = EXPECTED["wjw_mixed_column"]
    saved = str(LISTINGS / "wjw_mixed_column.html")
    result = run(sqlite_url, "sources", "probe", want["url"], "--html", saved, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["kind"] == "listing"
    assert [link["url"] for link in report["links"]] == want["main_list"]
    assert report["next_page"]["url"] == want["next_page"]
    left = {item["url"]: item["why"] for item in report["left_out"]}
    assert any(why.startswith("outside the main list") for why in left.values())
    text = run(sqlite_url, "sources", "probe", want["url"], "--html", saved).output
    assert "article links (20)" in text and f"next page: {want['next_page']}" in text


def test_a_saved_title_only_feed_lists_every_entry(sqlite_url: str) -> None:
    want = EXPECTED["mirror_feed_titles"]
    result = run(
        sqlite_url, "sources", "probe", want["url"], "--html", str(LISTINGS / "mirror_feed_titles.xml")
    )
    assert result.exit_code == 0, result.output
    assert f"entries ({want['entries']})" in result.output
    assert result.output.count("title only") == want["entries"]


def test_loaded_sources_are_probed_by_name_over_http(sqlite_url: str, tmp_path: Path) -> None:
    with serve_sample_site() as site:
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_yaml(site.base_url), encoding="utf-8")
        assert run(sqlite_url, "db", "upgrade").exit_code == 0
        assert run(sqlite_url, "sources", "load", str(sources)).exit_code == 0
        listing = json.loads(run(sqlite_url, "sources", "probe", GOV_MEDIA, "--format", "json").output)
        feed = json.loads(run(sqlite_url, "sources", "probe", "健康信息化前沿", "--format", "json").output)
    assert listing["kind"] == "listing" and len(listing["links"]) == 8
    assert all("/wsjkw/xxgk/gzdt/2018" in link["url"] for link in listing["links"])
    assert listing["next_page"]["url"] == f"{site.base_url.rstrip('/')}/wsjkw/xxgk/gzdt/index_1.shtml"
    assert feed["kind"] == "feed" and feed["entries"] and feed["skipped"] == []


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("file:///etc/passwd", "scheme file:"),
        ("no-such-source", "no source named"),
        ("http://h:0/", "port 0"),
    ],
)
def test_a_bad_target_is_one_line_and_exit_2(sqlite_url: str, target: str, message: str) -> None:
    run(sqlite_url, "db", "upgrade")
    result = CliRunner().invoke(cli, ["--db", sqlite_url, "sources", "probe", target])
    assert result.exit_code == 2 and message in result.output


def test_a_saved_sitemap_is_recognised_and_its_bad_locs_reported(sqlite_url: str, tmp_path: Path) -> None:
    saved = tmp_path / "sitemap.xml"
    saved.write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>http://h.example.cn/a/1.html</loc></url><url><loc>file:///etc/passwd</loc></url>"
        "<url><loc>http://h.example.cn/a/2.html</loc></url></urlset>",
        encoding="utf-8",
    )
    result = run(sqlite_url, "sources", "probe", "http://h.example.cn/sitemap.xml", "--html", str(saved))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sitemap ") and "entries (2)" in result.output
    assert "left out (1)" in result.output and "file:///etc/passwd" in result.output

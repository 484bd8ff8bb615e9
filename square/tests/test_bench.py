"""The benchmark program (`make bench`, bench/) on its tiny preset, so it cannot rot:
the generator, the in-process query counts and the work without HTTP run on the test
database (no server, no wrk), and the report must be complete and well formed. No
timing is asserted here — docs/benchmarks.md holds the measured numbers."""

import pytest

from bench import generate, run, targets
from bench import report as reporting
from bench.presets import PRESETS
from campaigns.models import Campaign, Entry
from campaigns.services.recheck import entries_recheck
from square.models import Post, PostBand, PostSearch
from square.services.counters import counters_rebuild
from square.services.duplicates import duplicate_index_rebuild
from square.services.search import search_index_rebuild

pytestmark = pytest.mark.django_db
TINY = PRESETS["tiny"]
PAGES = {
    "home", "home_anon", "home_deep", "latest", "latest_anon", "latest_deep", "topic",
    "topic_anon", "campaign", "leaderboard", "new_voices", "results", "results_published",
    "results_published_anon", "results_json", "results_json_304", "bare", "minimal",
    "search_zh1", "search_zh1_rare", "search_zh2", "search_zh2_rare", "search_zh4",
    "search_zh4_rare", "search_en", "search_none", "search_two", "search_tag", "search_people",
}  # fmt: skip


@pytest.fixture
def tiny_report(settings):
    # As in production (a shared cache): sessions are read through the cache, so a
    # signed-in page's session costs a query only when it is not cached yet.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    return run.run_in_process(TINY)


def test_the_tiny_preset_gives_a_complete_report(tiny_report):
    report = tiny_report
    assert {p.key for p in report.pages} == PAGES
    for page in report.pages:
        assert page.status == (304 if page.key == "results_json_304" else 200), page.label
        assert page.queries_warm <= reporting.MAX_QUERIES, (page.label, page.queries_warm)
    by_key = {p.key: p for p in report.pages}
    for key in ("home_anon", "latest_anon", "topic_anon"):  # kept whole for visitors
        assert by_key[key].queries_warm == 0, key
    for key in ("results_published", "results_published_anon", "results_json"):
        assert by_key[key].queries_warm <= 1, key  # the campaign; the file is stored
    assert by_key["bare"].queries_warm == 0
    assert by_key["minimal"].queries_warm == 1
    assert not by_key["leaderboard"].computed_ranking_warm  # served from the cache
    searches = {k for k in PAGES if k.startswith("search_")}
    assert set(report.search) == searches
    assert set(report.search["search_zh2"]) == {"posts", "topics", "people"}
    assert set(report.search["search_people"]) == {"people"}
    assert set(report.search["search_two"]) == {"posts", "topics"}
    work = report.work
    assert set(work) == {"close", "draw_small", "draw_large", "leaderboard", "dup", "create"}
    assert work["close"]["entries"] == TINY.entries and work["close"]["tickets"] > 0
    for key in ("close", "draw"):
        assert work["close"][key]["seconds"] > 0 and work["close"][key]["peak_mb"] > 0
    assert [work[k]["tickets"] for k in ("draw_small", "draw_large")] == list(TINY.draw_tickets)
    assert work["leaderboard"]["ranked"] > 0 and work["leaderboard"]["seconds"] > 0
    assert work["dup"]["checks"] == TINY.dup_checks and work["dup"]["p95_ms"] > 0
    assert work["create"]["posts"] == TINY.creates and work["create"]["per_second"] > 0


def test_the_report_names_every_page_work_and_target(tiny_report, tmp_path):
    section = run.section(tiny_report)
    for page in tiny_report.pages:
        assert f"| {page.label} | {page.queries_warm} ({page.queries_cold}) |" in section
    headings = ("### Pages", "### Search", "### Work without HTTP", "### Targets")
    for heading in (*headings, "### Data generation"):
        assert heading in section
    verdicts = targets.all_targets(tiny_report)
    assert len(verdicts) >= 10
    for target, measured, _verdict in verdicts:
        assert f"| {target} | {measured} |" in section
    # A new run goes on top and the earlier one stays below it.
    docs = tmp_path / "benchmarks.md"
    reporting.write(section.replace("preset tiny", "preset first"), docs)
    reporting.write(section, docs)
    text = docs.read_text()
    assert text.index("preset tiny") < text.index("preset first")
    assert text.count(reporting.RUNS_MARKER) == 1


def test_the_generated_data_is_what_the_app_would_have_written():
    """Counters, campaign entries, the duplicate and search indexes, recomputed by the app's own
    services from the generated rows, come out exactly as generated."""
    generate.generate(TINY, workers=1, quiet=True)
    assert set(counters_rebuild().values()) == {0}
    fields = ("post_id", "valid", "reasons", "counted_chars", "distinct_chars", "is_newcomer")
    before = sorted(Entry.objects.values_list(*fields))
    assert len(before) == TINY.entries
    entries_recheck(campaigns=[Campaign.objects.get()])
    assert sorted(Entry.objects.values_list(*fields)) == before
    keys = set(PostBand.objects.values_list("post_id", "key"))
    duplicate_index_rebuild()
    assert set(PostBand.objects.values_list("post_id", "key")) == keys
    found = sorted(PostSearch.objects.values_list("post_id", "author_id", "created_at", "norm"))
    terms = {row.post_id: sorted(row.terms) for row in PostSearch.objects.all()}
    assert found and search_index_rebuild() == len(found)
    assert (
        sorted(PostSearch.objects.values_list("post_id", "author_id", "created_at", "norm"))
        == found
    )
    assert {row.post_id: sorted(row.terms) for row in PostSearch.objects.all()} == terms
    assert Post.objects.filter(repost_of__isnull=True).count() == TINY.posts

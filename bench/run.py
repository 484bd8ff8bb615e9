"""The whole benchmark, in order: the dataset (generated or reused), the query counts,
the load runs against `make serve`, the work without HTTP, the report.

`run_in_process` is the same program without a server or child processes, on
whatever database Django is connected to: the test suite runs it on the tiny preset.
"""

import json
import re
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import F
from django.test import Client
from django.urls import reverse

from bench import balancer, dataset, generate, pages, server, targets, work, wrk
from bench import report as reporting
from bench import search as search_bench
from bench.meter import Meter
from bench.options import Options
from bench.presets import Preset
from campaigns.models import Campaign, Entry, Score
from square.models import (
    Comment,
    Follow,
    Hashtag,
    Like,
    Post,
    PostBand,
    PostHashtag,
    PostShingles,
    User,
)

SHIFT_AFTER = timedelta(hours=6)


def say(message: str) -> None:
    print(message, flush=True)


def describe(p: Preset) -> str:
    return (
        f"{p.users:,} users, {p.posts:,} posts, {p.likes:,} likes, {p.comments:,} comments, "
        f"{p.reposts:,} reposts, {p.hashtags:,} hashtags, {p.follows:,} follows, one campaign "
        f"with {p.entries:,} entries over its {p.campaign_days} days (today is day 15)"
    )


def make_dataset(p: Preset, workers=None, quiet=False) -> dict:
    """Generate into the current (empty, migrated) database and mark it."""
    result = generate.generate(p, workers=workers, quiet=quiet)
    marker = {
        "preset": p.name, "version": generate.GENERATOR_VERSION, "generated_at": dataset.stamp(),
        "anchor_us": result["plan"].now, "seconds": result["seconds"],
        "timings": result["timings"],
    }  # fmt: skip
    dataset.marker_write(marker)
    return marker


SHIFTED = [
    (User, ["date_joined"]), (Post, ["created_at"]), (PostHashtag, ["created_at"]),
    (Hashtag, ["created_at"]), (Like, ["created_at"]), (Comment, ["created_at"]),
    (Follow, ["created_at"]), (Entry, ["posted_at", "judged_at"]),
    (Campaign, ["starts_at", "ends_at", "created_at"]), (Score, ["first_entry_at"]),
]  # fmt: skip


def refresh_clock(marker: dict) -> dict:
    """A reused dataset is moved forward in time so that today is again the campaign's
    15th day and the Hot tab's week is full (every time column, one UPDATE each)."""
    anchor = marker["anchor_us"]
    delta = timedelta(microseconds=int(time.time() * 1e6) - anchor)
    if delta < SHIFT_AFTER:
        return marker
    say(f"Moving the dataset {delta} forward in time …")
    for model, fields in SHIFTED:
        model.objects.update(**{f: F(f) + delta for f in fields})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    marker = {**marker, "anchor_us": anchor + int(delta.total_seconds() * 1e6)}
    dataset.marker_write(marker)
    return marker


def child(name: str, **kwargs) -> dict:
    """One measurement in a fresh process (peak memory is its own)."""
    say(f"  {name} {kwargs} …")
    done = subprocess.run(
        [sys.executable, "-m", "bench.child", name, json.dumps(kwargs)],
        capture_output=True, text=True, cwd=settings.BASE_DIR,
    )  # fmt: skip
    lines = [x for x in done.stdout.splitlines() if x.startswith("BENCHWORK ")]
    if done.returncode or not lines:
        raise RuntimeError(f"{name} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1].removeprefix("BENCHWORK "))


def in_process(name: str, **kwargs) -> dict:
    return work.MEASURES[name](Meter("tracemalloc"), **kwargs)


def other_work(run, p: Preset, slug: str) -> dict:
    small, large = p.draw_tickets
    return {
        "draw_small": run("draw_tickets", n=small),
        "draw_large": run("draw_tickets", n=large),
        "leaderboard": run("leaderboard", slug=slug),
        "dup": run("duplicate_checks", n=p.dup_checks),
        "create": run("create_posts", n=p.creates, slug=slug),
    }


def results_published_pages(campaign: Campaign, user: User) -> list[pages.Page]:
    """The published results (stored files since issue 18): the page signed in and not,
    results.json, and results.json asked again with its ETag (a 304)."""
    path = reverse("campaigns:results", args=[campaign.slug])
    json_path = reverse("campaigns:results_json", args=[campaign.slug])
    etag = Client().get(json_path)["ETag"]
    found = [
        pages.Page("results_published", "results page, published (after the draw)", path),
        pages.Page("results_published_anon", "results page, published, not signed in", path,
                   anonymous=True),
        pages.Page("results_json", "results.json, published", json_path, anonymous=True),
        pages.Page("results_json_304", "results.json with If-None-Match (304)", json_path,
                   anonymous=True, headers=(f"If-None-Match: {etag}",)),
    ]  # fmt: skip
    pages.count_queries(found, user)
    return found


def run_in_process(p: Preset) -> reporting.Report:
    """Generate `p` into the current database and measure everything but HTTP."""
    marker = make_dataset(p, workers=1, quiet=True)
    report = reporting.Report(preset=p.name, command="run_in_process (tests)",
                              database=connection.vendor, data=describe(p))  # fmt: skip
    report.generation, report.generated = marker["timings"], generated_note(marker)
    campaign = Campaign.objects.get(slug=generate.CAMPAIGN_SLUG)
    user = pages.viewer()
    report.pages = pages.page_list(campaign)
    pages.count_queries(report.pages, user)
    say("Timing the search statements …")
    report.search, report.search_sizes = search_bench.statement_times(), search_bench.sizes()
    report.work["close"] = in_process("close_and_draw", slug=campaign.slug)
    report.pages += results_published_pages(campaign, user)
    work.campaign_reset(campaign.slug)
    cache.clear()
    report.work.update(other_work(in_process, p, campaign.slug))
    return report


def session_cookie(user: User) -> str:
    client = pages.signed_in_client(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def load_pages(opts: Options, page_list: list, cookie: str) -> dict:
    """wrk over each page: a short warm-up (not recorded), then the measured run, each
    followed by a wait until the server is idle again."""
    base = f"http://127.0.0.1:{opts.port}"
    results = {}
    for page in page_list:
        url = base + page.path
        load = {"cookie": "" if page.anonymous else cookie, "headers": page.headers}
        if opts.warmup:
            wrk.run(url, connections=opts.connections, seconds=opts.warmup, **load)
            server.wait_idle(base)
        results[page.key] = wrk.run(
            url, connections=opts.connections, seconds=opts.duration, **load
        )
        server.wait_idle(base)
        r = results[page.key]
        say(f"  {page.label}: {r.rps:,.0f} req/s, p50 {r.p50_ms:.1f} ms, "
            f"p99 {r.p99_ms:.1f} ms, {r.errors} errors")  # fmt: skip
    return results


SPLIT_SAMPLES = 20


def time_split(opts: Options, page_list: list, cookie: str) -> dict[str, dict]:
    """Where a warm request's time goes, page by page: the median of SPLIT_SAMPLES
    answers' Server-Timing (one at a time, so nothing waits in a queue)."""
    base = f"http://127.0.0.1:{opts.port}"
    splits = {}
    for page in page_list:
        samples = []
        for _ in range(SPLIT_SAMPLES):
            request = urllib.request.Request(base + page.path)
            if cookie and not page.anonymous:
                request.add_header("Cookie", cookie)
            for header in page.headers:
                name, value = header.split(": ", 1)
                request.add_header(name, value)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    timing = response.headers.get("Server-Timing", "")
            except urllib.error.HTTPError as error:  # a 304 is an answer too
                timing = error.headers.get("Server-Timing", "")
            parts = dict(re.findall(r"(\w+);dur=([\d.]+)", timing))
            if {"total", "view", "db"} <= set(parts):
                samples.append({k: float(v) for k, v in parts.items()})
        if samples:
            med = {k: statistics.median(s[k] for s in samples) for k in ("total", "view", "db")}
            splits[page.key] = {
                "middleware": med["total"] - med["view"],
                "python": med["view"] - med["db"],
                "db": med["db"],
            }
    return splits


def soak(opts: Options, page_list: list, cookie: str) -> wrk.LoadResult:
    paths = [p.path for p in page_list if p.key not in reporting.YARDSTICKS]
    say(f"  soak: {opts.soak} s at {opts.soak_connections} connections …")
    return wrk.run(
        f"http://127.0.0.1:{opts.port}/", connections=opts.soak_connections,
        seconds=opts.soak, cookie=cookie, paths=paths,
    )  # fmt: skip


def soak_two_nodes(opts: Options, page_list: list, cookie: str, env: dict):
    """The same soak through Debian's haproxy over this server and a second `make serve`
    on the next port (same database and Redis): errors where the nodes disagree or a
    session made on one is unknown to the other. Returns (result, note)."""
    haproxy = balancer.haproxy_path()
    if haproxy is None:
        return None, "two-node soak skipped: haproxy is not installed and could not be"
    paths = [p.path for p in page_list if p.key not in reporting.YARDSTICKS]
    second, lb_port = opts.port + 1, opts.port + 2
    log = dataset.DATA_DIR / f"server-{opts.scale}-node2.log"
    node_env = {**env, "SERVE_MIGRATE": "0"}
    with server.running(node_env, host="127.0.0.1", port=second, log=log) as how:
        ports = [opts.port, second]
        with balancer.balancing(haproxy, port=lb_port, node_ports=ports, workdir=log.parent) as lb:
            server.wait_idle(lb)
            say(f"  two-node soak: {opts.soak} s at {opts.soak_connections} connections …")
            run = wrk.run(lb + "/", connections=opts.soak_connections, seconds=opts.soak,
                          cookie=cookie, paths=paths)  # fmt: skip
            server.wait_idle(lb)
    return run, f"two nodes (the second: {how}) behind haproxy, round robin"


def spike(opts: Options, page: pages.Page) -> tuple[wrk.LoadResult, int]:
    """The hour winners are announced: many readers at once on the published results."""
    say(f"  announcement spike: {opts.spike} s at {opts.spike_connections} connections …")
    url = f"http://127.0.0.1:{opts.port}{page.path}"
    run = wrk.run(url, connections=opts.spike_connections, seconds=opts.spike, threads=2)
    return run, opts.spike_connections


def open_dataset(opts: Options, p: Preset) -> dict:
    """Reuse the preset's database when its marker matches, else (re)generate it."""
    call_command("migrate", verbosity=0)
    marker = dataset.marker_read()
    current = marker and marker.get("preset") == p.name
    if current and marker.get("version") == generate.GENERATOR_VERSION:
        say(f"Reusing the {p.name} dataset generated {marker['generated_at']}.")
        return refresh_clock(marker)
    if marker or Post.objects.exists():  # another version, or an interrupted run
        connections.close_all()
        dataset.prepare(opts.url, fresh=True)
        call_command("migrate", verbosity=0)
    say(f"Generating the {p.name} dataset: {describe(p)}")
    marker = make_dataset(p, workers=opts.workers)
    say(f"Generated in {marker['seconds']:,.0f} s.")
    return {**marker, "fresh": True}


def http_phase(opts: Options, report, campaign: Campaign, user: User) -> None:
    """Load runs on the live campaign, the soak, then close, draw and publish, and load
    the published results page; the campaign is put back afterwards."""
    env = dataset.environment(opts.url, opts.cache_url)
    log = dataset.DATA_DIR / f"server-{opts.scale}.log"
    with server.running(env, host="127.0.0.1", port=opts.port, log=log) as how:
        report.server = how
        cookie = session_cookie(user)
        report.http = load_pages(opts, report.pages, cookie)
        report.splits = time_split(opts, report.pages, cookie)
        if opts.soak > 0:  # `--soak 0`: none (wrk refuses a run of 0 s)
            report.soak, report.soak_connections = (
                soak(opts, report.pages, cookie),
                opts.soak_connections,
            )
            report.soak_two_nodes, report.soak_two_nodes_how = soak_two_nodes(
                opts, report.pages, cookie, env
            )
        if not opts.work:
            return
        try:
            report.work["close"] = child("close_and_draw", slug=campaign.slug)
            cache.clear()
            published = results_published_pages(campaign, user)
            report.pages += published
            report.http.update(load_pages(opts, published, session_cookie(user)))
            report.splits.update(time_split(opts, published, session_cookie(user)))
            if opts.spike > 0:
                report.spike = spike(opts, published[0])
        finally:
            work.campaign_reset(campaign.slug)
            cache.clear()


def main(opts: Options, p: Preset) -> reporting.Report:
    marker = open_dataset(opts, p)
    report = reporting.Report(preset=p.name, command=opts.command,
                              database=database_name(), data=describe(p))  # fmt: skip
    report.data += data_note(marker)
    report.generation = marker["timings"]
    report.generated = generated_note(marker)
    campaign = Campaign.objects.get(slug=generate.CAMPAIGN_SLUG)
    work.campaign_reset(campaign.slug)  # in case an earlier run stopped half-way
    if built := generate.live_rows_ensure(campaign):
        say(f"Built the live leaderboard rows: {built:,} people.")
    cache.clear()
    user = pages.viewer()
    # The pages name static files through the manifest (as `make serve` does).
    call_command("collectstatic", interactive=False, verbosity=0)
    say("Counting queries …")
    report.pages = pages.page_list(campaign)
    pages.count_queries(report.pages, user)
    say("Timing the search statements …")
    report.search, report.search_sizes = search_bench.statement_times(), search_bench.sizes()
    if opts.http:
        say(f"Load runs ({opts.connections} connections, {opts.duration} s a page) …")
        report.load = (
            f"wrk, 2 threads, {opts.connections} connections, {opts.duration} s a page after "
            f"a {opts.warmup} s warm-up, the server idle again before each; 30 s timeout; "
            "signed in as a typical participant"
        )
        http_phase(opts, report, campaign, user)
    elif opts.work:
        report.work["close"] = child("close_and_draw", slug=campaign.slug)
        work.campaign_reset(campaign.slug)
    if opts.work:
        say("Work without HTTP …")
        vacuum_index()
        report.work.update(other_work(child, p, campaign.slug))
    return report


def vacuum_index() -> None:
    """Clear the dead rows earlier runs' rolled-back checks left in the duplicate index
    (autovacuum seldom reaches a 61-million-row table), so runs compare like with like."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (PostBand, PostShingles):
                cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


def database_name() -> str:
    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def data_note(marker: dict) -> str:
    how = "generated in this run" if marker.get("fresh") else "reused from an earlier run"
    return f"; {how} ({generated_note(marker)})"


def generated_note(marker: dict) -> str:
    return f"generated {marker['generated_at']} in {marker['seconds']:,.0f} s"


def section(report) -> str:
    return reporting.render(report, targets.target_rows(report))

"""The report: one Markdown section per run — the machine, the command, the pages
(queries, req/s, p50, p99, errors, the ratio to the minimal list page), the work
without HTTP, and each target met or missed by how much. `write` puts it on top of
docs/benchmarks.md, keeping earlier runs below it so progress shows."""

import os
import platform
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bench.pages import Page
from bench.wrk import LoadResult
from square.project.beijing_time import BEIJING, beijing_text

RUNS_MARKER = "<!-- runs: `make bench` adds each new run right below this line -->"
MAX_QUERIES, MAX_P99_MS, MIN_RATIO, MAX_DEEP = 8, 100.0, 0.5, 1.5
DRAW_SECONDS, DRAW_MB, DRAW_GROWTH, LEADERBOARD_SECONDS, DUP_P95_MS = 3.0, 300.0, 12.0, 10.0, 10.0
SEARCH_P95_MS, SEARCH_INDEX_TIMES_TEXT = 20.0, 1.5
YARDSTICKS = ("bare", "minimal")
# wrk counts only the requests that finished within the run.
UNFINISHED = ("none finished", "none finished")


@dataclass
class Report:
    preset: str
    command: str
    database: str
    server: str = "—"
    load: str = "—"
    data: str = ""
    generation: list = field(default_factory=list)  # (step, rows, seconds)
    generated: str = ""  # when and how long, from the dataset's marker
    pages: list[Page] = field(default_factory=list)
    http: dict[str, LoadResult] = field(default_factory=dict)
    soak: LoadResult | None = None
    soak_connections: int = 0
    soak_two_nodes: LoadResult | None = None  # the soak through haproxy over two servers
    soak_two_nodes_how: str = ""  # how they ran, or why not
    spike: tuple | None = None  # (LoadResult, connections): the announcement spike
    splits: dict[str, dict] = field(default_factory=dict)  # page → ms: middleware, view, db
    search: dict[str, dict] = field(default_factory=dict)  # term → statement → p95 ms
    search_sizes: dict[str, int] = field(default_factory=dict)  # bytes (bench/search.py)
    work: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    started: datetime = field(default_factory=lambda: datetime.now(BEIJING))
    # Other processes on the machine compete for its cores: recorded, not controlled.
    load_start: float = field(default_factory=lambda: os.getloadavg()[0])


def machine() -> str:
    cores = os.cpu_count() or 0
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _cpuinfo() if line.startswith("model name")),
        platform.processor() or platform.machine(),
    )
    return f"{cores} cores ({cpu}), {memory:.1f} GB RAM"


def _cpuinfo() -> list[str]:
    path = Path("/proc/cpuinfo")
    return path.read_text().splitlines() if path.exists() else []


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def page_rows(report: Report) -> list[str]:
    minimal = report.http.get("minimal")
    rows = [
        "| page | queries warm (cold) | req/s | p50 ms | p99 ms | errors | 5xx | × minimal list "
        "| ms: middleware / view's Python and rendering / queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in report.pages:
        load = report.http.get(page.key)
        cells = ["—"] * 6
        if load:
            ratio = f"{load.rps / minimal.rps:.2f}" if minimal and minimal.rps else "—"
            p50, p99 = (_ms(load.p50_ms), _ms(load.p99_ms)) if load.requests else UNFINISHED
            cells = [f"{load.rps:,.1f}" if load.rps < 10 else f"{load.rps:,.0f}", p50, p99,
                     f"{load.errors:,}", f"{load.status_5xx:,}", ratio]  # fmt: skip
        queries = f"{page.queries_warm} ({page.queries_cold})"
        split = report.splits.get(page.key)
        cells.append(
            f"{split['middleware']:.2f} / {split['python']:.2f} / {split['db']:.2f}"
            if split
            else "—"
        )
        rows.append(f"| {page.label} | {queries} | " + " | ".join(cells) + " |")
    return rows


def _mem(run: dict) -> str:
    kind = "RSS growth" if run.get("memory") == "rss" else "Python heap"
    return f"{run['seconds']:,.2f} s, peak {run['peak_mb']:,.0f} MB ({kind})"


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def search_rows(report: Report) -> list[str]:
    """Each search's statements, p95 in the database as the page runs them, and the
    index's size."""
    labels = {p.key: p for p in report.pages}
    rows = ["| search | posts p95 ms | topics p95 ms | people p95 ms | × minimal list |",
            "| --- | ---: | ---: | ---: | ---: |"]  # fmt: skip
    minimal = report.http.get("minimal")
    for key, times in report.search.items():
        page = labels.get(key)
        run = report.http.get(key)
        ratio = f"{run.rps / minimal.rps:.2f}" if run and minimal and minimal.rps else "—"
        cells = [f"{times[k]:.1f}" if k in times else "—" for k in ("posts", "topics", "people")]
        rows.append(f"| {page.label if page else key} | {' | '.join(cells)} | {ratio} |")
    z = report.search_sizes
    if z and z["text"] and z["posts"]:
        rows += [
            "",
            f"The search index: {_mb(z['index'])} with its indexes (the GIN index alone "
            f"{_mb(z['gin'])}), {z['index'] / z['text']:.2f}× the posts' text "
            f"({_mb(z['text'])}) and {z['index'] / z['posts']:.2f}× the posts table with its "
            f"indexes ({_mb(z['posts'])}).",
        ]
    return rows


def work_rows(report: Report) -> list[str]:
    w = report.work
    rows = ["| work | result |", "| --- | --- |"]
    if "close" in w:
        c = w["close"]
        rows.append(f"| close the campaign ({c['entries']:,} entries) | {_mem(c['close'])} |")
        rows.append(
            f"| its draws ({c['tickets']:,} lucky tickets, {c['awards']:,} awards) "
            f"| {_mem(c['draw'])} |"
        )
    for key in ("draw_small", "draw_large"):
        if key in w:
            d = w[key]
            rows.append(f"| draw over {d['tickets']:,} tickets | {_mem(d['draw'])} |")
    if "draw_small" in w and "draw_large" in w:
        times = growth(w)
        rows.append(f"| draw cost growth, 10× the tickets | {times:.1f}× the time |")
    if "leaderboard" in w:
        lb = w["leaderboard"]
        runs = ", ".join(f"{s:.2f}" for s in lb["runs"])
        rows.append(
            f"| leaderboard recomputation ({lb['ranked']:,} people) "
            f"| median {lb['seconds']:.2f} s of {runs} s, peak {lb['peak_mb']:,.0f} MB |"
        )
    if "dup" in w:
        d = w["dup"]
        rows.append(
            f"| duplicate check, new 1,000-character post ({d['checks']} texts, {d['flagged']} "
            f"flagged) | p50 {d['p50_ms']:.1f} ms, p95 {d['p95_ms']:.1f} ms, max "
            f"{d['max_ms']:.1f} ms |"
        )
    if "create" in w:
        c = w["create"]
        rows.append(
            f"| creating posts end to end ({c['posts']} posts) | {c['per_second']:.1f} posts/s "
            f"(p50 {c['p50_ms']:.1f} ms, p95 {c['p95_ms']:.1f} ms) |"
        )
    return rows


def growth(w: dict) -> float:
    small, large = w["draw_small"], w["draw_large"]
    scale = large["tickets"] / small["tickets"]
    return large["draw"]["seconds"] / small["draw"]["seconds"] * (10 / scale)


def generation_rows(report: Report) -> list[str]:
    rows = ["| step | rows | seconds |", "| --- | ---: | ---: |"]
    for step, count, seconds in report.generation:
        # Indented steps are parts of the one above (written in the same pass).
        shown = "(above)" if step.startswith(" ") else f"{seconds:,.1f}"
        rows.append(f"| {step.strip() if shown == '(above)' else step} | {count:,} | {shown} |")
    return rows


def render(report: Report, target_rows: list[str]) -> str:
    """The run's Markdown section."""
    lines = [
        f"## {beijing_text(report.started)} · preset {report.preset} · {report.database}",
        "",
        f"- Machine: {machine()}; 1-minute load average {report.load_start:.2f} at the "
        f"start, {os.getloadavg()[0]:.2f} at the end",
        f"- Command: `{report.command}`",
        f"- Server: {report.server}",
        f"- Load: {report.load}",
        f"- Data: {report.data}",
        "",
        "### Pages",
        "",
        *page_rows(report),
        "",
    ]
    if report.soak:
        s = report.soak
        lines += [
            f"Soak: {s.seconds:.0f} s at {report.soak_connections} connections over the site's "
            f"pages in turn: {s.requests:,} requests, {s.rps:,.0f} req/s, p50 {_ms(s.p50_ms)} ms, "
            f"p99 {_ms(s.p99_ms)} ms, max {_ms(s.max_ms)} ms, {s.errors:,} errors, "
            f"{s.status_5xx:,} 5xx.",
            "",
        ]
    if report.soak_two_nodes:
        s = report.soak_two_nodes
        lines += [
            f"Two-node soak ({report.soak_two_nodes_how}): {s.seconds:.0f} s at "
            f"{report.soak_connections} connections over the same pages: {s.requests:,} "
            f"requests, {s.rps:,.0f} req/s, p50 {_ms(s.p50_ms)} ms, p99 {_ms(s.p99_ms)} ms, "
            f"max {_ms(s.max_ms)} ms, {s.errors:,} errors, {s.status_5xx:,} 5xx.",
            "",
        ]
    elif report.soak_two_nodes_how:
        lines += [f"Two-node soak: {report.soak_two_nodes_how}.", ""]
    if report.spike:
        s, connections = report.spike
        lines += [
            f"Announcement spike: {s.seconds:.0f} s at {connections} connections on the "
            f"published results page (not signed in): {s.requests:,} requests, "
            f"{s.rps:,.0f} req/s, p50 {_ms(s.p50_ms)} ms, p99 {_ms(s.p99_ms)} ms, max "
            f"{_ms(s.max_ms)} ms, {s.errors:,} errors, {s.status_5xx:,} 5xx.",
            "",
        ]
    if report.search:
        lines += ["### Search", "", *search_rows(report), ""]
    measured = work_rows(report) if report.work else ["Not measured in this run (`--no-work`)."]
    lines += ["### Work without HTTP", "", *measured, ""]
    scope = (
        []
        if report.preset == "1m"
        else [
            "The targets are stated for the 1m preset; on this one the verdicts only indicate.",
            "",
        ]
    )
    lines += ["### Targets", "", *scope, *target_rows, ""]
    if report.generation:
        lines += [f"### Data generation ({report.generated})", "", *generation_rows(report), ""]
    lines += [f"- {note}" for note in report.notes]
    return "\n".join(lines).rstrip() + "\n"


HEADER = f"""# Benchmarks

Written by `make bench` (`python -m bench`, see bench/__init__.py); the newest run is
first and earlier runs stay below it.

{RUNS_MARKER}
"""


def write(section: str, path: Path) -> None:
    """Put `section` on top of the runs in `path`, keeping everything else."""
    current = path.read_text() if path.exists() else HEADER
    if RUNS_MARKER not in current:
        current = current.rstrip() + "\n\n" + RUNS_MARKER + "\n"
    head, tail = current.split(RUNS_MARKER, 1)
    path.write_text(head + RUNS_MARKER + "\n\n" + section + "\n" + tail.lstrip("\n"))

"""Bounded load test on loopback: several browser sessions working on one big orders file.

``.venv/bin/python bench/load_test.py [--sessions 3] [--waves 1] [--style fr|iso] [--changes 5]
[--ttl 120]``

Starts ``streamlit run app.py`` on 127.0.0.1, opens N Playwright contexts (independent
sessions) in Debian's Chromium, each uploads the orders CSV made by bench_loading.py, opens
the dashboard and changes the region filter ``--changes`` times. Reports the p50/p95 time for a
filter change, two ways: key press → no running indicator (polled 150 ms after the key press,
so never below 150 ms), and key press → the run over and the next frame drawn, timed in the
page (the app's ``data-test-script-state`` watched, no polling floor); the server's memory
before, with the sessions open, and after they close, and the memory per session (proportional set size of the server and
every process under it: the worker's forkserver, its warm child and the job children). Traffic goes only to 127.0.0.1, the
number of requests is bounded by the arguments, and it stops by itself.

With one session, the upload → dashboard time is split into its steps on one clock: the
browser's (Playwright's calls and network events, and by the page's own clock — Performance API
— each websocket message and when the file's name is drawn), the server's ``PILOTE_TIMINGS``
lines (the page runs, the load and the worker's steps inside it, the prepared arrays warmed in
the background) and each new memory peak.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import nav, serve_app, wait_idle  # noqa: E402  (the same launcher as the browser tests)

REGIONS = ("Nord", "Sud", "IDF")  # values of the bench file's region column
MARKS: list[str] = []  # the browser side's timestamped lines (mark)


def rss_mb(pid: int) -> float:
    """Memory of the server and every process under it (the worker's forkserver, its warm
    standby and the job children, which are the forkserver's children): proportional set
    size, so that pages the forked processes share are counted once."""
    return sum(_pss_kb(p) for p in [pid, *_descendants(pid)]) / 1024


def server_and_workers_mb(pid: int) -> tuple[float, float]:
    """(the server process alone, the processes under it), proportional set size."""
    return _pss_kb(pid) / 1024, sum(_pss_kb(p) for p in _descendants(pid)) / 1024


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    try:
        children = [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [d for c in children for d in (c, *_descendants(c))]


# In the page: when each key went down, and when the app's script-run state changed (and the
# frame after that change was drawn), on the page's own clock.
WATCH_RUNS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  window.__keys = []; window.__states = [];
  document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
  // Every state the attribute took, in order: a run shorter than one batch of mutations would
  // be missed by reading the attribute once per callback (seen once in 2026-11-27's runs).
  new MutationObserver(records => {
    const at = performance.now(), current = app.getAttribute('data-test-script-state');
    const states = records.map((r, i) => i + 1 < records.length ? records[i + 1].oldValue : current);
    requestAnimationFrame(() => setTimeout(() => {
      const frame = performance.now();
      for (const state of states) window.__states.push([at, state, frame]);
    }));
  }).observe(app, {attributes: true, attributeOldValue: true,
                   attributeFilter: ['data-test-script-state']});
}"""
NOT_RUNNING = """() => document.querySelector('[data-testid=stApp]')
  .getAttribute('data-test-script-state') === 'notRunning'"""
# The run the last key started (pressed while the app was idle), in seconds from that key down:
# [the frame drawn after the last "notRunning", the first "running" after the key (the server
# started a run), that last "notRunning"]; null while it is not over. A filter whose callback
# reruns a fragment alone shows two runs (the app's, stopped by the callback, then the
# fragment's): the app is idle when no run follows a "notRunning" within a second.
RUN_TIME = """() => {
  const key = window.__keys[window.__keys.length - 1];
  let started = null, ended = null, drawn = null, idle = false;
  for (const [at, state, frame] of window.__states) {
    if (at < key) continue;
    if (state === 'running') { if (started === null) started = at; idle = false; }
    else if (started !== null && state === 'notRunning') { ended = at; drawn = frame; idle = true; }
  }
  if (!idle || performance.now() - ended < 1000) return null;
  return [(drawn - key) / 1000, (started - key) / 1000, (ended - key) / 1000];
}"""


def session(
    url: str, csv_path: Path, changes: int
) -> tuple[list[float], list[float], list[tuple[float, float, float]]]:
    """(upload → dashboard as a negative number then each filter change, click → idle as
    polled; each filter change timed in the page; its parts: key → run started, the run as the
    page saw it, run over → frame drawn)"""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    in_page: list[float] = []
    phases: list[tuple[float, float, float]] = []
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        pg = b.new_page(viewport={"width": 1300, "height": 900})
        pg.set_default_timeout(300_000)
        pg.add_init_script(_WEBSOCKET_JS)
        pg.goto(url + "/data")
        pg.get_by_text("Fichiers à analyser").first.wait_for()
        # The upload's HTTP request as the browser saw it (Playwright's network events).
        pg.on("request", lambda r: _upload_event(r, "upload request sent"))
        pg.on("requestfinished", lambda r: _upload_event(r, "upload request answered"))
        # When the file's name appears in the sidebar, by the page's own clock.
        pg.evaluate(_LISTED_JS, csv_path.name)
        t0 = time.perf_counter()
        mark("upload starts")
        pg.locator("input[type=file]").set_input_files(str(csv_path))
        mark("set_input_files returned")
        pg.locator("[data-testid=stSidebar]").get_by_text(csv_path.name).wait_for()
        listed = pg.evaluate("() => window.__listedAt")
        if listed:
            MARKS.append(f"{listed / 1000:.3f} browser: file name drawn in the sidebar (DOM)")
        mark("file listed, to the dashboard")
        nav(pg, "Tableau de bord")
        pg.get_by_text("indicateur(s) suivi(s)").wait_for()
        mark("dashboard text shown")
        idle(pg)
        mark("dashboard shown")
        _websocket_marks(pg)
        times.append(-(time.perf_counter() - t0))  # negative: upload → dashboard, kept apart
        # The region filter, by its label (the first option of a multiselect is "Select all"):
        # odd changes pick one region, even ones remove it again (Backspace), one rerun each.
        box = pg.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").filter(
            has=pg.get_by_text("Région", exact=True)
        )
        # Open the "Filtres" expander. A click during a rerun may be lost, and with several
        # sessions loading 1M rows on 2 cores a rerun can take a minute: keep trying for 5 min.
        deadline = time.perf_counter() + 300
        while True:
            idle(pg)
            if not box.is_visible():
                pg.locator("[data-testid=stSidebar]").get_by_text("Filtres").click()
            try:
                box.wait_for(state="visible", timeout=10_000)
                break
            except Exception:  # noqa: BLE001  (playwright's TimeoutError)
                if time.perf_counter() > deadline:
                    raise
        pg.evaluate(WATCH_RUNS)
        for i in range(changes):
            # Each change starts with the app idle: the running indicator shows only after
            # 500 ms of a run, so ``idle`` can return while a short run is still going.
            region = REGIONS[(i // 2) % len(REGIONS)]
            for _attempt in range(3):
                pg.wait_for_function(NOT_RUNNING, timeout=300_000)
                box.click()
                if i % 2 == 0:  # type the region and Enter: no click on a moving option list
                    pg.keyboard.type(region)
                    pg.get_by_role("option", name=region, exact=True).wait_for(timeout=30_000)
                    t0 = time.perf_counter()
                    pg.keyboard.press("Enter")
                else:
                    t0 = time.perf_counter()
                    pg.keyboard.press("Backspace")
                pg.keyboard.press("Escape")
                # An Enter pressed while the option list is still settling selects nothing
                # (about one change in ten on a busy machine): no run follows, so try again.
                chosen = box.locator(f'[data-tag][aria-label="{region}"]')
                try:
                    chosen.first.wait_for(
                        state="attached" if i % 2 == 0 else "detached", timeout=5_000
                    )
                    break
                except Exception:  # noqa: BLE001  (playwright's TimeoutError)
                    pg.evaluate("() => window.__keys.splice(0)")
            idle(pg)
            times.append(time.perf_counter() - t0)
            # The key that changed the filter (Enter, Backspace), not the Escape after it.
            pg.evaluate("() => window.__keys.splice(-1, 1)")
            try:
                timing = pg.wait_for_function(RUN_TIME, timeout=60_000).json_value()
            except Exception:  # noqa: BLE001  (playwright's TimeoutError)
                mark(f"filter change {i + 1}: no run seen by the page, left out of its timings")
                continue
            drawn, started, ended = timing
            in_page.append(drawn)
            phases.append((started, ended - started, drawn - ended))
        b.close()
    return times, in_page, phases


def mark(what: str) -> None:
    """A timestamped line (``time.time()``, as the server's ``PILOTE_TIMINGS`` log)."""
    line = f"{time.time():.3f} browser: {what}"
    MARKS.append(line)
    print(line, flush=True)


_LISTED_JS = """name => {
    const seen = () => [...document.querySelectorAll('[data-testid=stSidebar] p, '
        + '[data-testid=stSidebar] strong')].some(e => e.textContent.includes(name));
    new MutationObserver((_, obs) => {
        if (seen()) { window.__listedAt = performance.timeOrigin + performance.now();
                      obs.disconnect(); }
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


_WEBSOCKET_JS = """(() => {
    // Each websocket message's arrival and each send, by the page's own clock.
    window.__ws = [];
    const now = () => performance.timeOrigin + performance.now();
    const Original = window.WebSocket;
    window.WebSocket = class extends Original {
        constructor(...args) {
            super(...args);
            this.addEventListener('message', e => window.__ws.push(
                [now(), 'received', e.data.byteLength ?? e.data.size ?? e.data.length]));
        }
        send(data) {
            window.__ws.push([now(), 'sent', data.byteLength ?? data.size ?? data.length]);
            return super.send(data);
        }
    };
})()"""


def _websocket_marks(pg) -> None:  # noqa: ANN001
    """The page's websocket traffic as marks: each send, and each burst of messages received
    (its first and last message, how many, how many bytes)."""
    burst: list[tuple[float, int]] = []

    def flush() -> None:
        if burst:
            n, size = len(burst), sum(b for _, b in burst)
            MARKS.append(
                f"{burst[0][0] / 1000:.3f} browser: {n} websocket message(s) arrive, "
                f"{size} bytes, until +{burst[-1][0] - burst[0][0]:.0f} ms"
            )
            burst.clear()

    for at, kind, size in pg.evaluate("() => window.__ws || []"):
        if kind == "sent":
            flush()
            MARKS.append(f"{at / 1000:.3f} browser: websocket message sent, {size} bytes")
        elif burst and at - burst[-1][0] > 50:
            flush()
            burst.append((at, size or 0))
        else:
            burst.append((at, size or 0))
    flush()


def _upload_event(request, what: str) -> None:  # noqa: ANN001
    if "/upload_file/" in request.url and request.method == "PUT":
        mark(what)


def upload_split(lines: list[str], log_path: Path) -> None:
    """Upload → dashboard split into its steps: the browser's marks (``lines``) and the
    server's ``PILOTE_TIMINGS`` lines, on one clock, from the upload's start."""
    events = []
    for line in lines:
        stamp, _, what = line.partition(" ")
        events.append((float(stamp), what))
    for line in log_path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[-1] == "s" and _is_float(parts[0]):
            what, seconds = " ".join(parts[1:-2]), float(parts[-2])
            end = float(parts[0])
            if ": worker " in what:  # a step inside the load, logged when the load ended
                events.append((end, f"server:   of which {what.split(': ', 1)[1]} {seconds:.3f} s"))
                continue
            events.append((end - seconds, f"server: {what} starts"))
            events.append((end, f"server: {what} ends ({seconds:.3f} s)"))
    start = min((t for t, w in events if w == "browser: upload starts"), default=None)
    if start is None:
        return
    print("upload → dashboard, step by step (seconds from the upload's start):")
    for t, what in sorted(events):
        if t >= start - 0.001:
            print(f"  {t - start:7.3f}  {what}")


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def idle(pg) -> None:  # noqa: ANN001
    # no settling pause after the run: it would be counted in every measured time
    wait_idle(pg, 300_000, before=150, after=0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sessions", type=int, default=3, help="browser sessions at once")
    ap.add_argument("--waves", type=int, default=1, help="times the sessions come and go")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--style", choices=["fr", "iso"], default="fr", help="which CSV to upload")
    ap.add_argument("--changes", type=int, default=5)
    ap.add_argument(
        "--ttl",
        type=int,
        default=120,
        help="server.disconnectedSessionTTL: seconds Streamlit keeps a closed tab's session "
        "for a reconnection (120 in production)",
    )
    ap.add_argument("--settle", type=int, default=None, help="seconds watched after a wave")
    args = ap.parse_args()
    settle = args.settle if args.settle is not None else args.ttl + 60  # + the 30 s trimmer
    csv_path = ROOT / "bench" / "out" / f"orders_{args.rows}_{args.style}.csv"
    if not csv_path.exists():
        sys.exit(f"{csv_path} missing: run bench/bench_loading.py --rows {args.rows} first")
    data_dir = Path(tempfile.mkdtemp())
    print(f"server log: {data_dir / 'streamlit.log'}")
    env = {
        # as `make run` does: Arrow on the system allocator so freed memory can go back
        "ARROW_DEFAULT_MEMORY_POOL": "system",
        "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.ttl),
        "PILOTE_MEMORY_CENSUS": os.environ.get("PILOTE_MEMORY_CENSUS", ""),
        "PILOTE_TIMINGS": "1",
    }
    server = serve_app(data_dir, data_dir / "streamlit.log", env)
    uploads: list[float] = []
    times: list[float] = []
    in_page: list[float] = []
    phases: list[tuple[float, float, float]] = []
    with server as (url, proc):
        time.sleep(15)  # the worker's forkserver and warm child start with the app
        base = rss_mb(proc.pid)
        peak = base
        server_peak, workers_peak = server_and_workers_mb(proc.pid)
        print(
            f"{args.waves} wave(s) of {args.sessions} sessions × {args.changes} filter changes "
            f"on {csv_path.name}; server RSS idle {base:.0f} MB",
            flush=True,
        )
        for wave in range(1, args.waves + 1):
            with ThreadPoolExecutor(args.sessions) as pool:
                futures = [
                    pool.submit(session, url, csv_path, args.changes) for _ in range(args.sessions)
                ]
                while not all(f.done() for f in futures):
                    alone, workers = server_and_workers_mb(proc.pid)
                    if alone + workers > peak:
                        peak = alone + workers
                        MARKS.append(
                            f"{time.time():.3f} memory: {alone + workers:.0f} MB, a new peak "
                            f"(server {alone:.0f} MB, worker processes {workers:.0f} MB)"
                        )
                    server_peak, workers_peak = max(server_peak, alone), max(workers_peak, workers)
                    time.sleep(0.5)
                results = [t for f in futures for t in f.result()[0]]
                in_page += [t for f in futures for t in f.result()[1]]
                phases += [t for f in futures for t in f.result()[2]]
            uploads += [-t for t in results if t < 0]
            times += [t for t in results if t >= 0]
            # Streamlit frees a closed tab's session after the TTL; ui/memory.py then hands
            # the freed memory back to the system within 30 s.
            curve = []
            t_end = time.time() + settle
            while time.time() < t_end:
                time.sleep(10)
                curve.append(rss_mb(proc.pid))
            print(
                f"wave {wave}: peak so far {peak:.0f} MB (the server process alone "
                f"{server_peak:.0f} MB, the worker processes {workers_peak:.0f} MB at their "
                "peak); after the sessions closed, every 10 s: "
                + " ".join(f"{m:.0f}" for m in curve),
                flush=True,
            )
        if args.sessions == 1:
            upload_split(MARKS, data_dir / "streamlit.log")
        print("upload → dashboard shown: " + ", ".join(f"{u:.1f} s" for u in sorted(uploads)))
        print(
            f"filter change: {percentiles(times)} over {len(times)} changes "
            "(key press → no running indicator, polled from 150 ms)"
        )
        print(
            f"filter change: {percentiles(in_page)} "
            "(key press → run over and next frame drawn, timed in the page): "
            + " ".join(f"{t * 1000:.0f}" for t in in_page)
        )
        if phases:
            parts = ("key → run started", "the run as the page saw it", "run over → frame drawn")
            print(
                "  of which, medians: "
                + ", ".join(
                    f"{name} {statistics.median(p[i] for p in phases) * 1000:.0f} ms"
                    for i, name in enumerate(parts)
                )
            )
        print(f"≈ {(peak - base) / args.sessions:.0f} MB per session at peak")
        log = (data_dir / "streamlit.log").read_text().splitlines()
        runs = [float(line.split()[3]) for line in log if " run dashboard " in line]
        if runs:
            print(
                f"server: {len(runs)} dashboard runs (the whole app), {percentiles(runs)} "
                "(the first of each session included)"
            )
        parts = [float(line.split()[3]) for line in log if " run dashboard-cards " in line]
        if parts:
            print(
                f"server: {len(parts)} runs of the dashboard's cards alone (a filter change), "
                f"{percentiles(parts)}"
            )


def percentiles(times: list[float]) -> str:
    """``p50 … ms, p95 … ms`` of ``times`` (seconds)."""
    if not times:
        return "none measured"
    times = sorted(times)
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Push-to-mirror latency: how long after `git push` to the primary returns does a mirror
advertise the new head?

Run it through bench/sync-latency.sh; bench/README.md says what every figure means.
"""
import argparse
import datetime
import http.client
import math
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facet_nodes import (Admin, BenchError, Distribution, FacetNode, log, new_password, scrape_metrics,  # noqa: E402
                         interrupted, run_bench, start_mirror, wait_synchronized)
from clone_vs_native import CLIENT_ENV, GIT, WORK, machine_info, run  # noqa: E402

TARGETS = (("p50", 50.0), ("p99", 250.0))  # ms, on loopback (from the issue)
PROJECT, BRANCH = "BENCH", "refs/heads/main"

# The working copy commits with a fixed identity; nothing else of the user's configuration.
COMMIT_ENV = dict(CLIENT_ENV, GIT_AUTHOR_NAME="Facet Bench", GIT_AUTHOR_EMAIL="bench@facet.example",
                  GIT_COMMITTER_NAME="Facet Bench", GIT_COMMITTER_EMAIL="bench@facet.example")


class RefPoller:
    """Reads one ref from a smart-HTTP advertisement (GET info/refs?service=git-upload-pack,
    protocol v0: every ref in pkt-lines), over one persistent HTTP/1.1 connection."""

    def __init__(self, repo_url):
        u = urllib.parse.urlsplit(repo_url)
        self.host, self.port = u.hostname, u.port or 80
        self.path = u.path.rstrip("/") + "/info/refs?service=git-upload-pack"
        self.conn = None
        self.requests = self.reconnects = self.errors = 0

    def _connect(self):
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        self.conn.connect()

    def head(self, ref):
        """The object id the server advertises for ref (None when it advertises none)."""
        for attempt in (1, 2):
            if self.conn is None:
                self._connect()
            try:
                self.conn.request("GET", self.path, headers={"User-Agent": "git/facet-bench-sync-latency",
                                                             "Accept": "*/*", "Cache-Control": "no-cache"})
                r = self.conn.getresponse()
                body = r.read()
                self.requests += 1
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                if r.status != 200:
                    self.errors += 1
                    return None
                return parse_advertisement(body).get(ref)
            except (http.client.HTTPException, OSError):
                # The server closed the kept-alive connection: open a new one, once.
                self.conn.close()
                self.conn = None
                self.reconnects += 1
                if attempt == 2:
                    raise
        return None

    def close(self):
        if self.conn is not None:
            self.conn.close()


def parse_advertisement(body):
    """{ref: object id} from a v0 upload-pack advertisement (service line, flush, refs, flush)."""
    refs, i = {}, 0
    while i + 4 <= len(body):
        n = int(body[i:i + 4], 16)
        if n == 0:            # flush-pkt
            i += 4
            continue
        payload = body[i + 4:i + n]
        i += n
        if payload.startswith(b"#"):  # "# service=git-upload-pack"
            continue
        line = payload.split(b"\0", 1)[0].rstrip(b"\n")
        oid, _, ref = line.partition(b" ")
        refs[ref.decode()] = oid.decode()
    return refs


def percentile(sorted_values, p):
    """Nearest-rank percentile: the smallest value with at least p% of the values at or below it."""
    k = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[k - 1]


def summary(values, percentiles=(50, 95, 99)):
    """The given nearest-rank percentiles (keys "p50", …), the maximum and the mean."""
    v = sorted(values)
    figures = {f"p{p}": percentile(v, p) for p in percentiles}
    figures.update({"max": v[-1], "mean": statistics.fmean(v)})
    return figures


def parse_args():
    ap = argparse.ArgumentParser(prog="bench/sync-latency.sh", description=(
        "Starts a Facet primary and a mirror, pushes N single commits to the primary with git push, "
        "and measures for each how long after the push returned the mirror advertises the new head. "
        "See bench/README.md."))
    ap.add_argument("--pushes", type=int, default=100, help="pushes measured (default 100)")
    ap.add_argument("--pause-ms", type=int, default=100,
                    help="pause after the mirror showed one push before the next commit and push (default 100)")
    ap.add_argument("--poll-interval-ms", type=float, default=1,
                    help="sleep between two polls of the mirror's advertisement (default 1; 0 is a tight loop, "
                         "which on 2 cores takes a core from the nodes measured)")
    ap.add_argument("--timeout", type=float, default=30,
                    help="seconds to wait for the mirror to show one push before counting it as missed (default 30)")
    ap.add_argument("--keep", action="store_true", help="keep bench/work/sync-<timestamp>/ (homes, logs)")
    a = ap.parse_args()
    if a.pushes < 1:
        ap.error("--pushes must be at least 1")
    return a


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    info = [(k, v) for k, v in machine_info() if k != "nginx"]
    run_dir = os.path.join(WORK, f"sync-{stamp}")
    os.makedirs(run_dir)
    primary = mirror = poller = None

    def measure():
        nonlocal primary, mirror, poller
        password = new_password()
        env = dict(os.environ, FACET_ADMIN_PASSWORD=password, FACET_BIND_ADDRESS="127.0.0.1")
        dist = Distribution(run_dir)
        primary = FacetNode("primary", dist, os.path.join(run_dir, "primary-home"), run_dir, env=env)
        admin = Admin(primary.base, password)
        repo = "sync"
        repo_id = admin.create_public_repository(PROJECT, repo)
        path = f"/scm/{PROJECT.lower()}/{repo}.git"
        push_url = admin.push_url(primary.base + path)
        log(f"Facet primary: created public repository {PROJECT}/{repo} (id {repo_id})")

        work = os.path.join(run_dir, "work")
        run(GIT + ["init", "-q", "-b", "main", work])
        run(GIT + ["-C", work, "remote", "add", "origin", push_url])
        with open(os.path.join(work, "README"), "w") as f:
            f.write("sync latency benchmark\n")
        run(GIT + ["-C", work, "add", "README"], env=COMMIT_ENV)
        run(GIT + ["-C", work, "commit", "-q", "-m", "initial"], env=COMMIT_ENV)
        run(GIT + ["-C", work, "push", "-q", "origin", "main"])
        initial = run(GIT + ["-C", work, "rev-parse", "HEAD"]).strip()
        log(f"pushed the initial commit {initial[:12]} to the primary")

        mirror = start_mirror(dist, primary, admin, os.path.join(run_dir, "mirror-home"), run_dir, "bench-sync-mirror")
        sync_seconds = wait_synchronized(mirror, timeout=300)
        mirror_url = mirror.base + path
        poller = RefPoller(mirror_url)
        t0 = time.time()
        while poller.head(BRANCH) != initial:
            if time.time() - t0 > 60:
                raise BenchError(f"the mirror is SYNCHRONIZED but {mirror_url} does not advertise {initial}")
            time.sleep(0.05)

        log(f"{args.pushes} pushes of one commit each to the primary; after each, polling {mirror_url} "
            f"until it advertises the new {BRANCH}")
        latencies, pushes, first_poll_hits, missed = [], [], 0, 0
        poll_requests, poll_seconds = 0, 0.0
        counter = os.path.join(work, "counter")
        for i in range(1, args.pushes + 1):
            with open(counter, "w") as f:
                f.write(f"{i}\n")
            run(GIT + ["-C", work, "add", "counter"], env=COMMIT_ENV)
            run(GIT + ["-C", work, "commit", "-q", "-m", f"push {i}"], env=COMMIT_ENV)
            want = run(GIT + ["-C", work, "rev-parse", "HEAD"]).strip()

            t_push = time.perf_counter()
            p = subprocess.run(GIT + ["-C", work, "push", "-q", "origin", "main"], env=CLIENT_ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            t_acked = time.perf_counter()
            if p.returncode != 0:
                raise BenchError(f"push {i} failed:\n{p.stderr}")
            requests_before, polls = poller.requests, 0
            while True:
                got = poller.head(BRANCH)
                polls += 1
                t_seen = time.perf_counter()
                if got == want:
                    break
                if t_seen - t_acked > args.timeout:
                    missed += 1
                    log(f"push {i}: the mirror did not advertise {want[:12]} within {args.timeout:.0f} s "
                        f"(it advertises {got})")
                    break
                if args.poll_interval_ms:
                    time.sleep(args.poll_interval_ms / 1000)
            latency = (t_seen - t_acked) * 1000
            latencies.append(latency)
            pushes.append((t_acked - t_push) * 1000)
            first_poll_hits += polls == 1 and got == want
            poll_requests += poller.requests - requests_before
            poll_seconds += t_seen - t_acked
            if got != want:
                # Let the mirror catch up before the next push, so one miss does not spoil the rest.
                time.sleep(1)
            if i % 10 == 0 or i == args.pushes:
                recent = sorted(latencies[-10:])
                log(f"  {i:4} pushes: last 10 latencies {', '.join(f'{v:.0f}' for v in latencies[-10:])} ms "
                    f"(median {statistics.median(recent):.0f} ms)")
            time.sleep(args.pause_ms / 1000)

        metrics = scrape_metrics(mirror.base, ("facet_sync_",))
        report(args, stamp, info, run_dir, dist, primary, mirror, sync_seconds, latencies, pushes, first_poll_hits,
               missed, poll_requests, poll_seconds, poller, metrics)
        return missed == 0

    def stop():
        if poller is not None:
            poller.close()
        for node in (mirror, primary):
            if node is not None:
                node.stop()

    run_bench(run_dir, args.keep, measure, stop)


def report(args, stamp, info, run_dir, dist, primary, mirror, sync_seconds, latencies, pushes, first_poll_hits,
           missed, poll_requests, poll_seconds, poller, metrics):
    lat, push = summary(latencies), summary(pushes)
    n = len(latencies)
    rows = []
    for key in ("p50", "p95", "p99", "max", "mean"):
        target = dict(TARGETS).get(key)
        verdict = ""
        if target is not None:
            verdict = f"<= {target:.0f} ms " + ("ok" if lat[key] <= target and not missed else "MISS")
        rows.append((key, f"{lat[key]:.1f}", f"{push[key]:.1f}", verdict))

    sync_count = metrics.get("facet_sync_duration_seconds_count")
    sync_sum = metrics.get("facet_sync_duration_seconds_sum")
    sync_max = metrics.get("facet_sync_duration_seconds_max")
    failures = sum(v for k, v in metrics.items() if k.startswith("facet_sync_failures"))
    mirror_sync = ("n/a (no facet_sync_duration_seconds in the mirror's /metrics)" if not sync_count else
                   f"{int(sync_count)} syncs (the first, full one included), mean "
                   f"{sync_sum / sync_count * 1000:.1f} ms, max {sync_max * 1000:.1f} ms (the mirror's "
                   f"facet_sync_duration_seconds); {int(failures)} failed syncs")
    rate = poll_requests / poll_seconds if poll_seconds else 0
    setup = [
        ("pushes", f"{n} pushes of one commit each (one changed file) to the primary with `git push`, "
                   f"{args.pause_ms} ms pause after each one appeared on the mirror"
                   + (f"; {missed} did NOT appear within {args.timeout:.0f} s (counted as {args.timeout:.0f} s)"
                      if missed else "")),
        ("latency", f"from `git push` returning (the primary acknowledged the push) to the mirror's "
                    f"GET .../info/refs?service=git-upload-pack first advertising the new commit on main"),
        ("polling", f"one persistent HTTP/1.1 connection, poll interval {args.poll_interval_ms:g} ms: "
                    f"{poll_requests} polls, {rate:.0f} polls/s while waiting, {poller.reconnects} reconnects, "
                    f"{poller.errors} non-200 answers; the new head was already there at the first poll "
                    f"after {first_poll_hits} of {n} pushes"),
        ("mirror syncs", mirror_sync),
        ("nodes", f"Facet primary (pid {primary.pid}) and mirror (pid {mirror.pid}) started by the harness on "
                  f"127.0.0.1, port 0, fresh homes, both from a copy of facet-cli/target/facet.jar built "
                  f"{dist.built_at}; the mirror reached SYNCHRONIZED {sync_seconds:.1f} s after it was accepted"),
    ]
    if n >= 20:
        steady = summary(latencies[10:])
        setup.append(("after warm-up", f"without the first 10 pushes: p50 {steady['p50']:.1f} ms, "
                                       f"p99 {steady['p99']:.1f} ms, max {steady['max']:.1f} ms"))
    problems = []
    for node in (primary, mirror):
        lines, count = node.log_problems()
        problems.append((f"{node.kind} log", f"{count} WARN/ERROR/exception line(s) on standard error"
                         + (f" (first {min(len(lines), 5)} below)" if count else "")))
        problems += [("", "  " + line[:300]) for line in lines[:5]]

    head = ("figure", "push -> mirror [ms]", "git push itself [ms]", "target")
    table = [head] + rows
    w = [max(len(r[i]) for r in table) for i in range(4)]
    fmt_row = lambda r: "  ".join([r[0].ljust(w[0]), r[1].rjust(w[1]), r[2].rjust(w[2]), r[3]])

    print()
    print("sync-latency: push to a Facet primary until its mirror advertises the new head")
    for k, v in info + setup + problems:
        print(f"  {k:13} {v}")
    print()
    print(fmt_row(head))
    print("  ".join("-" * x for x in w))
    for r in rows:
        print(fmt_row(r))
    print()
    print(f"{n} pushes. Targets on loopback: p50 <= 50 ms, p99 <= 250 ms. "
          f"git push itself: p50 {push['p50']:.1f} ms.")

    md = [f"# Sync latency: push to the primary until the mirror advertises it ({stamp})", ""]
    md += [f"- **{k}**: {v}" for k, v in info + setup]
    md += [f"- **{k}**: {v}" if k else f"    - `{v.strip()}`" for k, v in problems]
    md += ["", "| figure | push -> mirror [ms] | git push itself [ms] | target |", "|---|---:|---:|---|"]
    md += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} |" for r in rows]
    md += ["", f"{n} pushes. Targets on loopback (from the issue): p50 <= 50 ms, p99 <= 250 ms. "
               f"Percentiles are nearest-rank. `git push` itself took p50 {push['p50']:.1f} ms.", "",
           "## Raw values (ms, in push order)", "",
           "- push -> mirror: " + ", ".join(f"{v:.1f}" for v in latencies),
           "- git push: " + ", ".join(f"{v:.1f}" for v in pushes), ""]
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"sync-latency-{stamp}.md")
    with open(path, "w") as f:
        f.write("\n".join(md))
    print(f"Markdown: {path}")


if __name__ == "__main__":
    main()

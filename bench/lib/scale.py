#!/usr/bin/env python3
"""Scale: what one idle mirror of N repositories costs, and what one reconciliation costs.

Run it through bench/scale.sh; bench/README.md says what every figure means. The repositories are
empty and public (made through REST, 100 per project): the benchmark measures bookkeeping, not Git
transfer. The native baseline is `git clone --mirror` of the same repositories from the primary, one
after the other, timed on a sample and scaled to N.
"""
import argparse
import concurrent.futures
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import json
import random
import resource
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facet_nodes import (Admin, BenchError, Distribution, FacetNode, interrupted, log, new_password,  # noqa: E402
                         wait_synchronized)
from clone_vs_native import CLIENT_ENV, GIT, WORK, machine_info, run  # noqa: E402
from sync_latency import COMMIT_ENV, RefPoller, percentile  # noqa: E402

PER_PROJECT = 100
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repos", type=int, action="append",
                   help="repositories (repeatable; default 1000 and 10000; 100000 is the issue's largest)")
    p.add_argument("--idle-seconds", type=int, default=120, help="how long idle CPU is measured (120)")
    p.add_argument("--reconcile-seconds", type=int, default=60, help="the mirror's reconciliation interval (60)")
    p.add_argument("--create-threads", type=int, default=4, help="REST calls creating repositories at once (4)")
    p.add_argument("--native-sample", type=int, default=1000,
                   help="repositories cloned by the native `git clone --mirror` loop, scaled to N (1000)")
    p.add_argument("--pushes", type=int, default=20, help="pushes to random repositories timed to the mirror (20)")
    p.add_argument("--keep", action="store_true", help="keep bench/work/scale-<timestamp>/")
    return p.parse_args()


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def heap_after_full_gc(pid):
    """MiB of heap in use after `jcmd GC.run`, from `jcmd GC.heap_info`."""
    subprocess.run(["jcmd", str(pid), "GC.run"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, timeout=60).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) / 1024 if m else float("nan")


def progress(mirror):
    with urllib.request.urlopen(mirror.base + "/rest/mirroring/latest/progress", timeout=30) as r:
        return json.load(r)


def reconciliations(mirror):
    """(wall ms, projects that differed, end as seconds since the epoch) of each reconciliation the mirror
    logged, in order."""
    found = []
    today = time.strftime("%Y-%m-%d")
    with open(mirror.stderr_path, errors="replace") as f:
        for line in f:
            m = re.search(r"^(\d\d:\d\d:\d\d\.\d+) .*reconciled (\d+) repositories with \S+ in (\d+) ms: "
                          r"(\d+) projects differed", line)
            if m:
                hms, fraction = m.group(1).split(".")
                end = time.mktime(time.strptime(f"{today} {hms}", "%Y-%m-%d %H:%M:%S")) + float("0." + fraction)
                found.append((int(m.group(3)), int(m.group(4)), end))
    return found


class CpuSampler:
    """CPU seconds of the primary and the mirror every half second, to tell one reconciliation's CPU
    from the idle cost around it."""

    def __init__(self, primary_pid, mirror_pid):
        self.pids = (primary_pid, mirror_pid)
        self.samples = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stopped.is_set():
            self.samples.append((time.time(),) + tuple(cpu_seconds(pid) for pid in self.pids))
            self.stopped.wait(0.5)

    def stop(self):
        self.stopped.set()
        self.thread.join()

    def between(self, start, end):
        """CPU seconds of (primary, mirror) from the last sample at or before start to the first at or after end,
        and that span in seconds."""
        before = [s for s in self.samples if s[0] <= start]
        after = [s for s in self.samples if s[0] >= end]
        if not before or not after:
            return None
        a, b = before[-1], after[0]
        return b[1] - a[1], b[2] - a[2], b[0] - a[0]


def create_repositories(admin, n, threads):
    projects = (n + PER_PROJECT - 1) // PER_PROJECT
    for p in range(projects):
        admin.call("POST", "/rest/api/1.0/projects", {"key": f"S{p:04d}", "name": f"Scale {p:04d}"})

    def create(i):
        path = f"/rest/api/1.0/projects/S{i // PER_PROJECT:04d}/repos"
        for attempt in range(1, 6):
            try:
                admin.call("POST", path, {"name": f"r{i % PER_PROJECT:03d}", "public": True}, timeout=120)
                return
            except BenchError as e:
                # A loaded machine may time a request out (408) or refuse it for a moment; a retry that finds
                # the repository made by the first attempt is done.
                if attempt > 1 and " 409:" in str(e):
                    return
                if attempt == 5 or not re.search(r" (408|429|5\d\d):| failed:", str(e)):
                    raise
                time.sleep(attempt)

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        done = 0
        for _ in pool.map(create, range(n)):
            done += 1
            if done % 1000 == 0:
                log(f"  {done} of {n} repositories created")


def repo_path(i):
    return f"/scm/s{i // PER_PROJECT:04d}/r{i % PER_PROJECT:03d}.git"


def children_cpu_seconds():
    """utime + stime of this harness's finished children (the git clients it ran and waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def native_clone_loop(primary, n, sample, run_dir):
    """(seconds, git clients' CPU seconds, primary's CPU seconds) a sequential `git clone --mirror` of every
    repository would take, and the sample's size: evenly spaced repositories, cloned one after the other, scaled
    to n. On a shared machine the CPU figures say more than the seconds."""
    sample = max(1, min(n, sample))
    picked = [round(k * n / sample) for k in range(sample)]
    target = os.path.join(run_dir, "native-clones")
    os.makedirs(target, exist_ok=True)
    t0, c0, p0 = time.time(), children_cpu_seconds(), cpu_seconds(primary.pid)
    for k, i in enumerate(picked):
        run(GIT + ["clone", "-q", "--mirror", primary.base + repo_path(i), os.path.join(target, f"{k}.git")])
    took, clients, served = time.time() - t0, children_cpu_seconds() - c0, cpu_seconds(primary.pid) - p0
    shutil.rmtree(target, ignore_errors=True)
    scale = n / sample
    return took * scale, clients * scale, served * scale, sample


def push_latencies(admin, primary, mirror, n, pushes, run_dir, timeout=60):
    """Milliseconds from `git push` returning to the mirror advertising the pushed commit, for pushes of one
    commit each to random repositories."""
    work = os.path.join(run_dir, "push-work")
    run(GIT + ["init", "-q", "-b", "main", work])
    latencies = []
    for k, i in enumerate(random.Random(16).sample(range(n), min(n, pushes))):
        with open(os.path.join(work, "counter"), "w") as f:
            f.write(f"{k}\n")
        run(GIT + ["-C", work, "add", "counter"], env=COMMIT_ENV)
        run(GIT + ["-C", work, "commit", "-q", "-m", f"push {k}"], env=COMMIT_ENV)
        want = run(GIT + ["-C", work, "rev-parse", "HEAD"]).strip()
        poller = RefPoller(mirror.base + repo_path(i))
        try:
            run(GIT + ["-C", work, "push", "-q", "-f", admin.push_url(primary.base + repo_path(i)), "main"],
                env=CLIENT_ENV)
            acked = time.perf_counter()
            while poller.head("refs/heads/main") != want:
                if time.perf_counter() - acked > timeout:
                    raise BenchError(f"the mirror did not show the push to {repo_path(i)} within {timeout} s")
                time.sleep(0.005)
            latencies.append((time.perf_counter() - acked) * 1000)
        finally:
            poller.close()
    return latencies


def measure(args, n, run_dir):
    password = new_password()
    env = dict(os.environ, FACET_ADMIN_PASSWORD=password, FACET_BIND_ADDRESS="127.0.0.1")
    dist = Distribution(run_dir)
    primary = mirror = None
    try:
        primary = FacetNode("primary", dist, os.path.join(run_dir, f"primary-{n}"), run_dir, env=env,
                            label=f"primary-{n}")
        admin = Admin(primary.base, password)
        t0 = time.time()
        create_repositories(admin, n, args.create_threads)
        created = time.time() - t0
        log(f"created {n} repositories in {created:.1f} s")
        native_s, native_client_cpu, native_primary_cpu, native_sample = native_clone_loop(
            primary, n, args.native_sample, run_dir)
        log(f"native: a sequential `git clone --mirror` loop would take {native_s:.1f} s for {n} repositories "
            f"(timed on {native_sample}; CPU {native_client_cpu:.1f} s in git, {native_primary_cpu:.1f} s in the "
            f"primary)")

        # The primary's own idle cost (its refs verification rounds, its JVM) before any mirror follows it: what
        # one mirror costs it is the difference from the idle window with the mirror.
        p0, t0 = cpu_seconds(primary.pid), time.time()
        time.sleep(args.idle_seconds)
        primary_alone_pct = 100 * (cpu_seconds(primary.pid) - p0) / (time.time() - t0)
        log(f"primary alone, idle: {primary_alone_pct:.2f} % of a core")

        mirror_env = dict(env, FACET_MIRROR_RECONCILE_SECONDS=str(args.reconcile_seconds))
        mirror = FacetNode("mirror", dist, os.path.join(run_dir, f"mirror-{n}"), run_dir,
                           ["--upstream", primary.base, "--name", f"scale-{n}"], env=mirror_env, label=f"mirror-{n}")
        admin.accept_mirror(f"scale-{n}")
        # From the acceptance: the mirror's start (a JVM, a database) is the same for 10 repositories as for 10,000.
        t0, sync_p0, sync_m0 = time.time(), cpu_seconds(primary.pid), cpu_seconds(mirror.pid)
        wait_synchronized(mirror, timeout=7200, poll_seconds=1)
        while True:
            counts = progress(mirror)
            synced = counts.get("syncedRepos", counts.get("synced"))
            if synced is None:
                synced = counts.get("inSync", counts.get("counts", {}).get("IN_SYNC"))
            if synced is not None and int(synced) >= n:
                break
            if time.time() - t0 > 7200:
                raise BenchError(f"initial sync did not finish: {counts}")
            time.sleep(1)
        initial_sync = time.time() - t0
        sync_primary_cpu, sync_mirror_cpu = cpu_seconds(primary.pid) - sync_p0, cpu_seconds(mirror.pid) - sync_m0
        log(f"initial sync of {n} repositories in {initial_sync:.1f} s (CPU {sync_primary_cpu:.1f} s primary, "
            f"{sync_mirror_cpu:.1f} s mirror)")

        # Let the last fetches and the first reconciliations settle before measuring idle.
        before = len(reconciliations(mirror))
        deadline = time.time() + 3 * args.reconcile_seconds
        while len(reconciliations(mirror)) < before + 1 and time.time() < deadline:
            time.sleep(1)
        sampler = CpuSampler(primary.pid, mirror.pid)
        p0, m0, t0 = cpu_seconds(primary.pid), cpu_seconds(mirror.pid), time.time()
        count0 = len(reconciliations(mirror))
        time.sleep(args.idle_seconds)
        p1, m1, t1 = cpu_seconds(primary.pid), cpu_seconds(mirror.pid), time.time()
        sampler.stop()
        idle = reconciliations(mirror)[count0:]
        seconds = t1 - t0
        result = {
            "repos": n, "create_s": created, "initial_sync_s": initial_sync, "idle_window_s": seconds,
            "native_clone_loop_s": native_s, "native_sample": native_sample,
            "native_client_cpu_s": native_client_cpu, "native_primary_cpu_s": native_primary_cpu,
            "sync_primary_cpu_s": sync_primary_cpu, "sync_mirror_cpu_s": sync_mirror_cpu,
            "sync_vs_native": initial_sync / native_s,
            "sync_cpu_vs_native": (sync_primary_cpu + sync_mirror_cpu) / (native_client_cpu + native_primary_cpu),
            "primary_idle_cpu_s": p1 - p0, "mirror_idle_cpu_s": m1 - m0,
            "primary_idle_pct": 100 * (p1 - p0) / seconds, "mirror_idle_pct": 100 * (m1 - m0) / seconds,
            "primary_alone_idle_pct": primary_alone_pct,
            "primary_idle_per_mirror_pct": 100 * (p1 - p0) / seconds - primary_alone_pct,
            "reconciliations_in_window": len(idle),
            "reconcile_ms": [ms for ms, _, _ in idle], "projects_differed": [d for _, d, _ in idle],
        }
        # One reconciliation's CPU: the CPU from just before it started to just after it ended, less what the
        # idle window's average rate accounts for in that span (heartbeats and long-polls go on meanwhile).
        primary_rate, mirror_rate = (p1 - p0) / seconds, (m1 - m0) / seconds
        per_reconciliation = []
        for ms, _, end in idle:
            span = sampler.between(end - ms / 1000, end)
            if span is not None:
                p_cpu, m_cpu, length = span
                per_reconciliation.append((max(0.0, p_cpu - primary_rate * length),
                                           max(0.0, m_cpu - mirror_rate * length)))
        result["reconcile_cpu_s"] = per_reconciliation
        latencies = sorted(push_latencies(admin, primary, mirror, n, args.pushes, run_dir))
        result["push_latency_ms"] = latencies
        result["push_latency_p50_ms"] = percentile(latencies, 50)
        result["push_latency_p99_ms"] = percentile(latencies, 99)
        result["primary_heap_mib"] = heap_after_full_gc(primary.pid)
        result["mirror_heap_mib"] = heap_after_full_gc(mirror.pid)
        return result
    finally:
        for node in (mirror, primary):
            if node is not None:
                node.stop()


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    sizes = args.repos or [1000, 10000]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = os.path.join(WORK, f"scale-{stamp}")
    os.makedirs(run_dir)
    ok = False
    results = []
    try:
        for n in sizes:
            results.append(measure(args, n, run_dir))
            log(json.dumps(results[-1]))
        ok = True
    except BenchError as e:
        print(f"\nbench: FAILED: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
    finally:
        report(results, machine_info())
        if ok and not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            log(f"run directory kept: {run_dir}")
    sys.exit(0 if ok else 1)


def report(results, info):
    print()
    print(f"# bench/scale.sh, {datetime.date.today()}")
    for key, value in info:
        print(f"- {key}: {value}")
    print()
    print("| N | create (REST) | initial sync (CPU primary + mirror) "
          "| native `clone --mirror` loop (CPU primary + git) | sync / native: time, CPU "
          "| primary idle CPU | mirror idle CPU | reconciliation wall (ms) | reconciliation CPU primary / mirror "
          "| push → mirror p50 / p99 | primary heap | mirror heap |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        cpu = ", ".join(f"{p:.2f} / {m:.2f} s" for p, m in r["reconcile_cpu_s"]) or "none"
        print(f"| {r['repos']:,} | {r['create_s']:.0f} s "
              f"| {r['initial_sync_s']:.1f} s ({r['sync_primary_cpu_s']:.1f} + {r['sync_mirror_cpu_s']:.1f} s) "
              f"| {r['native_clone_loop_s']:.1f} s ({r['native_primary_cpu_s']:.1f} "
              f"+ {r['native_client_cpu_s']:.1f} s; sample {r['native_sample']:,}) "
              f"| {r['sync_vs_native']:.2f}×, {r['sync_cpu_vs_native']:.2f}× "
              f"| {r['primary_idle_cpu_s']:.2f} s / {r['idle_window_s']:.0f} s ({r['primary_idle_pct']:.2f} %; "
              f"alone {r['primary_alone_idle_pct']:.2f} %, so {r['primary_idle_per_mirror_pct']:.2f} % for the mirror) "
              f"| {r['mirror_idle_cpu_s']:.2f} s ({r['mirror_idle_pct']:.2f} %) "
              f"| {', '.join(str(ms) for ms in r['reconcile_ms']) or 'none'} | {cpu} "
              f"| {r['push_latency_p50_ms']:.0f} / {r['push_latency_p99_ms']:.0f} ms ({len(r['push_latency_ms'])}) "
              f"| {r['primary_heap_mib']:.0f} MiB | {r['mirror_heap_mib']:.0f} MiB |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Scale: what one idle mirror of N repositories costs, and what one reconciliation costs.

Run it through bench/scale.sh; bench/README.md says what every figure means. The repositories are
empty (made through REST, 100 per project): the benchmark measures bookkeeping, not Git transfer.
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facet_nodes import (Admin, BenchError, Distribution, FacetNode, interrupted, log, new_password,  # noqa: E402
                         start_mirror, wait_synchronized)
from clone_vs_native import WORK, machine_info  # noqa: E402

PER_PROJECT = 100
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repos", type=int, action="append",
                   help="repositories (repeatable; default 1000 and 10000; 100000 is the issue's largest)")
    p.add_argument("--idle-seconds", type=int, default=120, help="how long idle CPU is measured (120)")
    p.add_argument("--reconcile-seconds", type=int, default=60, help="the mirror's reconciliation interval (60)")
    p.add_argument("--create-threads", type=int, default=4, help="REST calls creating repositories at once (4)")
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
    """(wall ms, projects that differed) of each reconciliation the mirror logged, in order."""
    found = []
    with open(mirror.stderr_path, errors="replace") as f:
        for line in f:
            m = re.search(r"reconciled (\d+) repositories with \S+ in (\d+) ms: (\d+) projects differed", line)
            if m:
                found.append((int(m.group(2)), int(m.group(3))))
    return found


def create_repositories(admin, n, threads):
    projects = (n + PER_PROJECT - 1) // PER_PROJECT
    for p in range(projects):
        admin.call("POST", "/rest/api/1.0/projects", {"key": f"S{p:04d}", "name": f"Scale {p:04d}"})

    def create(i):
        admin.call("POST", f"/rest/api/1.0/projects/S{i // PER_PROJECT:04d}/repos", {"name": f"r{i % PER_PROJECT:03d}"},
                   timeout=120)

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        done = 0
        for _ in pool.map(create, range(n)):
            done += 1
            if done % 1000 == 0:
                log(f"  {done} of {n} repositories created")


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

        mirror_env = dict(env, FACET_MIRROR_RECONCILE_SECONDS=str(args.reconcile_seconds))
        t0 = time.time()
        mirror = FacetNode("mirror", dist, os.path.join(run_dir, f"mirror-{n}"), run_dir,
                           ["--upstream", primary.base, "--name", f"scale-{n}"], env=mirror_env, label=f"mirror-{n}")
        admin.accept_mirror(f"scale-{n}")
        wait_synchronized(mirror, timeout=7200)
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
        log(f"initial sync of {n} repositories in {initial_sync:.1f} s")

        # Let the last fetches and the first reconciliations settle before measuring idle.
        before = len(reconciliations(mirror))
        deadline = time.time() + 3 * args.reconcile_seconds
        while len(reconciliations(mirror)) < before + 1 and time.time() < deadline:
            time.sleep(1)
        p0, m0, t0 = cpu_seconds(primary.pid), cpu_seconds(mirror.pid), time.time()
        count0 = len(reconciliations(mirror))
        time.sleep(args.idle_seconds)
        p1, m1, t1 = cpu_seconds(primary.pid), cpu_seconds(mirror.pid), time.time()
        idle = reconciliations(mirror)[count0:]
        seconds = t1 - t0
        result = {
            "repos": n, "create_s": created, "initial_sync_s": initial_sync, "idle_window_s": seconds,
            "primary_idle_cpu_s": p1 - p0, "mirror_idle_cpu_s": m1 - m0,
            "primary_idle_pct": 100 * (p1 - p0) / seconds, "mirror_idle_pct": 100 * (m1 - m0) / seconds,
            "reconciliations_in_window": len(idle),
            "reconcile_ms": [ms for ms, _ in idle], "projects_differed": [d for _, d in idle],
        }
        # One reconciliation's CPU: the window's CPU less a window of the same length without one is not
        # separable here, so the figure is an upper bound: the idle window's CPU per reconciliation.
        if idle:
            result["primary_cpu_per_reconcile_s_upper"] = (p1 - p0) / len(idle)
            result["mirror_cpu_per_reconcile_s_upper"] = (m1 - m0) / len(idle)
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
    print("| N | create (REST) | initial sync | primary idle CPU / 120 s | mirror idle CPU / 120 s "
          "| reconciliation wall (ms) | primary heap | mirror heap |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['repos']:,} | {r['create_s']:.0f} s | {r['initial_sync_s']:.1f} s "
              f"| {r['primary_idle_cpu_s']:.2f} s ({r['primary_idle_pct']:.2f} %) "
              f"| {r['mirror_idle_cpu_s']:.2f} s ({r['mirror_idle_pct']:.2f} %) "
              f"| {', '.join(str(ms) for ms in r['reconcile_ms']) or 'none'} "
              f"| {r['primary_heap_mib']:.0f} MiB | {r['mirror_heap_mib']:.0f} MiB |")


if __name__ == "__main__":
    main()

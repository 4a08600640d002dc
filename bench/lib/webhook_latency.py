#!/usr/bin/env python3
"""Push latency with a hanging webhook receiver against none.

A webhook's delivery must never hold a push up: the push only appends its event to the outbox, and
deliveries go out from it on their own threads. This measures it: N pushes to a repository with no
webhook, then N pushes to a repository whose webhook points at a receiver that accepts each request
and never answers, and prints the push times of both.
"""
import argparse
import datetime
import http.server
import os
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facet_nodes import Admin, Distribution, FacetNode, interrupted, log, new_password, run_bench  # noqa: E402
from clone_vs_native import CLIENT_ENV, GIT, WORK, machine_info, run  # noqa: E402
from sync_latency import COMMIT_ENV, summary  # noqa: E402

PROJECT = "HOOKS"


class HangingReceiver(http.server.ThreadingHTTPServer):
    """Takes every request and never answers it, until the process ends."""
    daemon_threads = True

    def __init__(self):
        self.received = 0
        release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.received += 1
                release.wait()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.release = release


def push_times(work, pushes):
    times = []
    counter = os.path.join(work, "counter")
    for i in range(pushes):
        with open(counter, "w") as f:
            f.write(f"{i}\n")
        run(GIT + ["-C", work, "add", "counter"], env=COMMIT_ENV)
        run(GIT + ["-C", work, "commit", "-q", "-m", f"push {i}"], env=COMMIT_ENV)
        started = time.perf_counter()
        subprocess.run(GIT + ["-C", work, "push", "-q", "origin", "main"], env=CLIENT_ENV, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append((time.perf_counter() - started) * 1000)
    return times


def working_copy(run_dir, name, url):
    work = os.path.join(run_dir, name)
    run(GIT + ["init", "-q", "-b", "main", work])
    run(GIT + ["-C", work, "remote", "add", "origin", url])
    with open(os.path.join(work, "README"), "w") as f:
        f.write(f"{name}\n")
    run(GIT + ["-C", work, "add", "README"], env=COMMIT_ENV)
    run(GIT + ["-C", work, "commit", "-q", "-m", "initial"], env=COMMIT_ENV)
    run(GIT + ["-C", work, "push", "-q", "origin", "main"])
    return work


def main():
    ap = argparse.ArgumentParser(prog="bench/webhook-push-latency.sh", description=__doc__)
    ap.add_argument("--pushes", type=int, default=50, help="pushes measured per setting (default 50)")
    ap.add_argument("--keep", action="store_true", help="keep the run directory (home, logs, working copies)")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    run_dir = os.path.join(WORK, "webhooks-" + datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    os.makedirs(run_dir)
    receiver = HangingReceiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    primary = None

    def measure():
        nonlocal primary
        password = new_password()
        # The receiver is on loopback, which hooks may reach only when an administrator allows it.
        env = dict(os.environ, FACET_ADMIN_PASSWORD=password, FACET_WEBHOOKS_ALLOW_LOCAL="true")
        primary = FacetNode("primary", Distribution(run_dir), os.path.join(run_dir, "primary-home"), run_dir, env=env)
        admin = Admin(primary.base, password)
        admin.create_public_repository(PROJECT, "plain")
        admin.create_public_repository(PROJECT, "hooked")
        hook_url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
        admin.call("POST", f"/rest/api/1.0/projects/{PROJECT}/repos/hooked/webhooks",
                   {"name": "hanging", "url": hook_url, "events": ["repo:refs_changed"], "active": True})
        plain = working_copy(run_dir, "plain", admin.push_url(f"{primary.base}/scm/{PROJECT.lower()}/plain.git"))
        hooked = working_copy(run_dir, "hooked", admin.push_url(f"{primary.base}/scm/{PROJECT.lower()}/hooked.git"))
        push_times(plain, 5)  # warm-up, not counted
        log(f"{args.pushes} pushes without a webhook, then {args.pushes} with a webhook whose receiver hangs")
        without = summary(push_times(plain, args.pushes))
        hanging = summary(push_times(hooked, args.pushes))
        print()
        for key, value in machine_info():
            print(f"{key}: {value}")
        print(f"receiver requests held open: {receiver.received}")
        print(f"{'push latency (ms)':<28}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}{'mean':>8}")
        for label, figures in (("no webhook", without), ("webhook, receiver hangs", hanging)):
            print(f"{label:<28}" + "".join(f"{figures[k]:>8.0f}" for k in ("p50", "p95", "p99", "max", "mean")))
        return True

    def stop():
        receiver.release.set()
        if primary is not None:
            primary.stop()
        receiver.shutdown()

    run_bench(run_dir, args.keep, measure, stop)


if __name__ == "__main__":
    main()

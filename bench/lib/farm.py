#!/usr/bin/env python3
"""A mirror farm behind HAProxy, measured beside a lone mirror of the same primary, in one run:
push-to-advertisement latency through the balancer, whether a read through it ever went back to
an older head, and reads per second through it with 1, 2 and 3 nodes.

Run it through bench/farm.sh; bench/README.md ("Farm") says what every figure means.
"""
import argparse
import concurrent.futures
import csv
import datetime
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facet_nodes import (ROOT, Admin, BenchError, Distribution, FacetNode, farm_id, interrupted, log,  # noqa: E402
                         new_password, run_bench, start_farm_node, start_mirror, stop_group, wait_synchronized)
from clone_vs_native import (CLIENT_ENV, GIT, WORK, NativeServer, ensure_packages, free_port,  # noqa: E402
                             machine_info, run)
from sync_latency import COMMIT_ENV, RefPoller, summary  # noqa: E402

PROJECT, REPO, BRANCH = "BENCH", "farm", "refs/heads/main"
FARM_NAME, NODES = "bench", 3
HAPROXY = "/usr/sbin/haproxy"
BACKEND = "facet_mirrors"  # the backend of the documented haproxy.cfg
DOCUMENTED_HAPROXY = os.path.join(ROOT, "docs", "load-balancers", "haproxy.cfg")

CAVEAT = ("Every client, HAProxy and all {nodes} Facet JVMs (3 farm nodes, the lone mirror, the primary) share "
          "this machine's {cores} cores: more nodes add work (health checks, the farm's own traffic, one more "
          "hop) and no cores, so these figures show the farm's overhead, not how it scales.")


# ------------------------------------------------------------------ the balancer

def replace_one(text, pattern, replacement):
    """Replaces the one match of pattern; fails when the documented file has none or several, so the
    documented configuration and what the benchmark runs cannot drift apart unnoticed."""
    found = len(re.findall(pattern, text, flags=re.M))
    if found != 1:
        raise BenchError(f"{DOCUMENTED_HAPROXY} should have exactly one line matching {pattern!r} but has {found}; "
                         f"update bench/lib/farm.py with the docs")
    return re.sub(pattern, replacement, text, count=1, flags=re.M)


def render_haproxy(documented, port, nodes, run_dir):
    """The documented haproxy.cfg with this run's listening port, nodes and paths, and without the
    privilege drop (that needs the package's user; the benchmark runs HAProxy as itself). Every
    other line (health checks, retries, timeouts, leastconn, per-request log) is as documented."""
    text = replace_one(documented, r"^(\s*bind) :80$", rf"\g<1> 127.0.0.1:{port}")
    server = re.compile(r"^([ \t]*server[ \t]+)node\d+[ \t]+\S+(.*)$", re.M)
    examples = list(server.finditer(text))
    if not examples:
        raise BenchError(f"{DOCUMENTED_HAPROXY} has no 'server nodeN ADDRESS' line; update bench/lib/farm.py")
    prefix, options = examples[0].group(1), examples[0].group(2)
    lines = [f"{prefix}node{i + 1} {node}{options}" for i, node in enumerate(nodes)]
    text = text[:examples[0].start()] + "\n".join(lines) + text[examples[-1].end():]
    text = replace_one(text, r"^(\s*stats socket) /run/haproxy/admin\.sock",
                       r"\g<1> " + os.path.join(run_dir, "haproxy-admin.sock").replace("\\", "\\\\"))
    for directive in ("user", "group", "chroot"):
        text = replace_one(text, rf"^[ \t]*{directive} \S+\n", "")
    return text


class Balancer:
    """HAProxy in the foreground (-db), in its own process group, from the documented haproxy.cfg."""

    def __init__(self, run_dir, port, nodes):
        self.port, self.nodes = port, nodes
        self.url = f"http://127.0.0.1:{port}"
        self.socket_path = os.path.join(run_dir, "haproxy-admin.sock")
        self.config = os.path.join(run_dir, "haproxy.cfg")
        self.log_path = os.path.join(run_dir, "haproxy.log")
        with open(DOCUMENTED_HAPROXY) as f:
            documented = f.read()
        with open(self.config, "w") as f:
            f.write(render_haproxy(documented, port, [n.base.removeprefix("http://") for n in nodes], run_dir))
        check = subprocess.run([HAPROXY, "-c", "-q", "-f", self.config], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
        if check.returncode != 0:
            raise BenchError(f"haproxy -c rejects {self.config}:\n{check.stdout}")
        self.version = run([HAPROXY, "-v"]).splitlines()[0]
        log(f"HAProxy: starting {HAPROXY} -f {self.config} -db (listening on {self.url})")
        self.proc = subprocess.Popen([HAPROXY, "-f", self.config, "-db"], stdout=open(self.log_path, "w"),
                                     stderr=subprocess.STDOUT, start_new_session=True, cwd=run_dir)
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                raise BenchError(f"HAProxy exited ({self.proc.returncode}) at start:\n{open(self.log_path).read()}")
            statuses = {name: s["status"] for name, s in self.stats().items()} if os.path.exists(
                self.socket_path) else {}
            if len(statuses) == len(nodes) and all(v == "UP" for v in statuses.values()):
                break
            if time.time() > deadline:
                raise BenchError(f"HAProxy did not see every node UP within 30 s: {statuses}")
            time.sleep(0.2)
        log(f"HAProxy: pid {self.proc.pid}, every node UP (active check GET /status)")

    def command(self, line):
        """One command on HAProxy's admin socket; returns its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(self.socket_path)
            s.sendall(line.encode() + b"\n")
            chunks = []
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def stats(self):
        """{server name: {"status", "requests"}} of the backend's servers (`show stat`)."""
        try:
            text = self.command("show stat")
        except OSError:
            return {}
        rows = csv.DictReader(io.StringIO(text.lstrip("# ")))
        return {r["svname"]: {"status": r["status"], "requests": int(r["stot"] or 0)}
                for r in rows if r.get("pxname") == BACKEND and r.get("svname") not in ("FRONTEND", "BACKEND")}

    def requests(self):
        return {name: s["requests"] for name, s in self.stats().items()}

    def route_to(self, count):
        """Sends new requests to the first `count` nodes only: the others get weight 0 (they stay UP
        and checked, and take no new request)."""
        for i in range(len(self.nodes)):
            answer = self.command(f"set weight {BACKEND}/node{i + 1} {1 if i < count else 0}").strip()
            if answer:
                raise BenchError(f"HAProxy refused to set node{i + 1}'s weight: {answer}")

    def stop(self):
        stop_group(self.proc, "HAProxy")


# ------------------------------------------------------------------ the pushes

class WorkingCopy:
    """The client that pushes one commit at a time to the primary."""

    def __init__(self, path, push_url):
        self.path = path
        run(GIT + ["init", "-q", "-b", "main", path])
        run(GIT + ["-C", path, "remote", "add", "origin", push_url])

    def commit(self, name, content, message):
        with open(os.path.join(self.path, name), "w") as f:
            f.write(content)
        run(GIT + ["-C", self.path, "add", name], env=COMMIT_ENV)
        run(GIT + ["-C", self.path, "commit", "-q", "-m", message], env=COMMIT_ENV)
        return run(GIT + ["-C", self.path, "rev-parse", "HEAD"]).strip()

    def push(self):
        """Pushes main to the primary; returns the seconds `git push` took."""
        t0 = time.perf_counter()
        p = subprocess.run(GIT + ["-C", self.path, "push", "-q", "origin", "main"], env=CLIENT_ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise BenchError(f"git push failed:\n{p.stderr}")
        return time.perf_counter() - t0

    def bare_copy(self, path, rev):
        """A bare repository holding main at rev and only the history up to it, packed."""
        run(GIT + ["init", "-q", "--bare", path])
        run(GIT + ["-C", self.path, "push", "-q", path, f"{rev}:{BRANCH}"])
        run(GIT + ["-C", path, "repack", "-adq"])
        run(GIT + ["-C", path, "prune-packed"])


class HeadWatch:
    """What one reader saw of main, read after read: how often a read showed a head older than one
    an earlier read showed (a ref going backwards), or a head that was never pushed."""

    def __init__(self, order):
        self.order = order  # {commit: push number}, the initial commit 0
        self.newest = -1
        self.reads = self.older = self.unknown = self.missing = 0
        self.lock = threading.Lock()

    def saw(self, head):
        with self.lock:
            self.reads += 1
            if head is None:
                self.missing += 1
                return
            n = self.order.get(head)
            if n is None:
                self.unknown += 1
            elif n < self.newest:
                self.older += 1
            else:
                self.newest = n


def wait_for_head(poller, watch, want, since, timeout, interval):
    """Polls until the advertisement shows want; returns (ms since `since`, polls, whether it was
    there at the first poll)."""
    polls = 0
    while True:
        got = poller.head(BRANCH)
        seen = time.perf_counter()
        polls += 1
        watch.saw(got)
        if got == want:
            return (seen - since) * 1000, polls, polls == 1
        if seen - since > timeout:
            raise BenchError(f"{poller.host}:{poller.port} did not advertise {want[:12]} within {timeout:.0f} s "
                             f"(it advertises {got})")
        if interval:
            time.sleep(interval)


# ------------------------------------------------------------------ reads per second

class Reads:
    """`git ls-remote` and small fetches by a fixed number of concurrent clients for a fixed time.

    A small fetch brings one commit (3 objects) into a bare repository holding the history up to its
    parent; after each fetch the client puts main back and deletes the loose objects the fetch
    wrote, so the next one has to fetch them again (git skips a fetch whose objects it already has).
    """

    def __init__(self, run_dir, clients, working_copy, head, parent):
        self.head, self.parent = head, parent
        template = os.path.join(run_dir, "fetch-template.git")
        working_copy.bare_copy(template, parent)
        self.repos = []
        for i in range(clients):
            repo = os.path.join(run_dir, "clients", f"client-{i + 1}.git")
            shutil.copytree(template, repo)
            self.repos.append(repo)

    def ls_remote(self, url, _client):
        out = run(GIT + ["ls-remote", url, BRANCH])
        if out.split("\t", 1)[0] != self.head:
            raise BenchError(f"ls-remote {url} showed {out.strip()!r}, expected {self.head}")

    def fetch(self, url, client):
        repo = self.repos[client]
        run(GIT + ["-c", "fetch.unpackLimit=1000", "-C", repo, "fetch", "-q", "--no-tags", "--no-write-fetch-head",
                   url, f"+{BRANCH}:{BRANCH}"])
        ref = os.path.join(repo, "refs", "heads", "main")
        with open(ref) as f:
            got = f.read().strip()
        if got != self.head:
            raise BenchError(f"fetch from {url} set main to {got}, expected {self.head}")
        with open(ref, "w") as f:
            f.write(self.parent + "\n")
        objects = os.path.join(repo, "objects")
        for name in os.listdir(objects):
            if len(name) == 2:
                shutil.rmtree(os.path.join(objects, name))

    def load(self, operation, url, clients, seconds):
        """Runs operation(url, client) in `clients` threads, each starting a new one until `seconds`
        passed; returns (completed operations, their wall times, failures, wall seconds until the
        last one finished)."""
        done, failures = [], []
        lock = threading.Lock()
        t0 = time.perf_counter()
        deadline = t0 + seconds

        def client(i):
            while time.perf_counter() < deadline:
                s = time.perf_counter()
                try:
                    operation(url, i)
                except BenchError as e:
                    with lock:
                        failures.append(str(e))
                    continue
                with lock:
                    done.append(time.perf_counter() - s)

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return done, failures, time.perf_counter() - t0


# ------------------------------------------------------------------ the run

def parse_args():
    ap = argparse.ArgumentParser(prog="bench/farm.sh", description=(
        "Starts a Facet primary, a farm of 3 mirror nodes behind HAProxy (docs/load-balancers/haproxy.cfg) and a "
        "lone mirror of the same primary; measures push-to-advertisement latency through the balancer beside the "
        "lone mirror, and reads per second through the balancer with 1, 2 and 3 nodes. See bench/README.md."))
    ap.add_argument("--pushes", type=int, default=100, help="pushes measured (default 100)")
    ap.add_argument("--seconds", type=float, default=60,
                    help="seconds of read load per server, half of them ls-remote and half fetches (default 60)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent read clients (default 4)")
    ap.add_argument("--pause-ms", type=int, default=100,
                    help="pause after a push appeared on both, before the next commit (default 100)")
    ap.add_argument("--poll-interval-ms", type=float, default=1,
                    help="sleep between two polls of one reader (default 1)")
    ap.add_argument("--timeout", type=float, default=30,
                    help="seconds a push may take to appear before the run fails (default 30)")
    ap.add_argument("--no-native", action="store_true",
                    help="skip the native git http-backend baseline for the reads (nginx + fcgiwrap)")
    ap.add_argument("--keep", action="store_true", help="keep bench/work/farm-<timestamp>/ (homes, logs, configs)")
    a = ap.parse_args()
    if a.pushes < 1 or a.clients < 1 or a.seconds <= 0:
        ap.error("--pushes and --clients must be at least 1, --seconds above 0")
    return a


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def start_nodes(dist, primary, admin, run_dir, balancer_port):
    """The lone mirror and the farm's first node at once, then, as soon as the first one has made
    the farm's id, the other two together (they join its farm); one acceptance for the farm, one
    for the lone mirror."""
    balancer_url = f"http://127.0.0.1:{balancer_port}"
    ports = [(free_port(), free_port()) for _ in range(NODES)]
    members = [f"127.0.0.1:{farm_port}" for _, farm_port in ports]
    started = []

    def farm_node(i):
        name = f"farm-node{i + 1}"
        node = start_farm_node(dist, primary, os.path.join(run_dir, f"{name}-home"), run_dir, name, FARM_NAME,
                               balancer_url, ports[i][0], ports[i][1], members)
        started.append(node)
        return node

    def lone():
        node = start_mirror(dist, primary, admin, os.path.join(run_dir, "lone-mirror-home"), run_dir, "lone-mirror",
                            accept=False)
        started.append(node)
        return node

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=NODES + 1) as pool:
            lone_f = pool.submit(lone)
            first_f = pool.submit(farm_node, 0)
            the_farm = farm_id(os.path.join(run_dir, "farm-node1-home"), timeout=600, starting=first_f)
            rest = [pool.submit(farm_node, i) for i in range(1, NODES)]
            nodes = [first_f.result()] + [f.result() for f in rest]
            lone_mirror = lone_f.result()
        admin.accept_farm(the_farm)
        admin.accept_mirror("lone-mirror")
        t0 = time.time()
        for node in nodes:
            wait_synchronized(node, timeout=300, member_count=NODES)
        wait_synchronized(lone_mirror, timeout=300)
        return nodes, lone_mirror, time.time() - t0
    except BaseException:
        for node in started:
            node.stop()
        raise


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    load_start = load_average()
    info = [(k, v) for k, v in machine_info() if k != "load average" and (k != "nginx" or not args.no_native)]
    if not args.no_native:
        ensure_packages()
    if not os.access(HAPROXY, os.X_OK):
        sys.exit(f"bench: FAILED: {HAPROXY} is missing (Debian package haproxy)")
    run_dir = os.path.join(WORK, f"farm-{stamp}")
    os.makedirs(run_dir)
    primary = balancer = native = lone_mirror = None
    nodes, pollers = [], []
    t_run = time.time()

    def measure():
        nonlocal primary, balancer, native, lone_mirror, nodes, pollers
        password = new_password()
        env = dict(os.environ, FACET_ADMIN_PASSWORD=password, FACET_BIND_ADDRESS="127.0.0.1")
        dist = Distribution(run_dir)
        primary = FacetNode("primary", dist, os.path.join(run_dir, "primary-home"), run_dir, env=env)
        admin = Admin(primary.base, password)
        repo_id = admin.create_public_repository(PROJECT, REPO)
        path = f"/scm/{PROJECT.lower()}/{REPO}.git"
        log(f"Facet primary: created public repository {PROJECT}/{REPO} (id {repo_id})")
        work = WorkingCopy(os.path.join(run_dir, "work"), admin.push_url(primary.base + path))
        initial = work.commit("README", "farm benchmark\n", "initial")
        work.push()
        order = {initial: 0}

        balancer_port = free_port()
        nodes, lone_mirror, sync_seconds = start_nodes(dist, primary, admin, run_dir, balancer_port)
        balancer = Balancer(run_dir, balancer_port, nodes)
        farm_url, lone_url = balancer.url + path, lone_mirror.base + path

        farm_poller, lone_poller = RefPoller(farm_url), RefPoller(lone_url)
        pollers = [farm_poller, lone_poller]
        for poller in pollers:
            wait_for_head(poller, HeadWatch(order), initial, time.perf_counter(), 60, 0.05)
        farm_watch, lone_watch = HeadWatch(order), HeadWatch(order)

        # 1. Latency: both readers poll at once after each push, so both see the same pushes under
        # the same load.
        log(f"(1) {args.pushes} pushes of one commit to the primary; after each, polling {farm_url} (HAProxy, "
            f"{NODES} nodes) and {lone_url} (the lone mirror) at once until each advertises the new {BRANCH}")
        interval = args.poll_interval_ms / 1000
        latency = {"farm": [], "lone": []}
        first_poll = {"farm": 0, "lone": 0}
        push_ms = []
        requests_before = balancer.requests()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for i in range(1, args.pushes + 1):
                want = work.commit("counter", f"{i}\n", f"push {i}")
                order[want] = i
                took = work.push()
                acked = time.perf_counter()
                push_ms.append(took * 1000)
                results = {
                    "farm": pool.submit(wait_for_head, farm_poller, farm_watch, want, acked, args.timeout, interval),
                    "lone": pool.submit(wait_for_head, lone_poller, lone_watch, want, acked, args.timeout, interval)}
                for key, future in results.items():
                    ms, _, at_once = future.result()
                    latency[key].append(ms)
                    first_poll[key] += at_once
                if i % 10 == 0 or i == args.pushes:
                    log(f"  {i:4} pushes: median of the last 10: farm {statistics.median(latency['farm'][-10:]):.0f} "
                        f"ms, lone mirror {statistics.median(latency['lone'][-10:]):.0f} ms")
                time.sleep(args.pause_ms / 1000)
        latency_split = delta(requests_before, balancer.requests())
        head, parent = want, run(GIT + ["-C", work.path, "rev-parse", "HEAD~1"]).strip()

        # 2. Reads per second.
        reads = Reads(run_dir, args.clients, work, head, parent)
        servers = []
        if not args.no_native:
            source = os.path.join(run_dir, "native-source.git")
            work.bare_copy(source, head)
            native = NativeServer(run_dir, source, args.clients)
            servers.append(("native git http-backend", native.url, None))
        servers.append(("lone mirror, direct", lone_url, None))
        servers += [(f"HAProxy, {k} node{'s' if k > 1 else ''}", farm_url, k) for k in range(1, NODES + 1)]
        workloads = (("ls-remote", reads.ls_remote), ("fetch", reads.fetch))
        measured = {(name, w): ([], [], 0.0) for name, _, _ in servers for w, _ in workloads}
        split = {name: {} for name, _, k in servers if k}
        # Each workload gets half of --seconds per server, taken in two halves again.
        quarter = args.seconds / 4
        log(f"(2) reads: {args.clients} concurrent clients, {args.seconds / 2:g} s per workload and server, in two "
            f"halves (the servers in one order, then in the reverse order)")
        for round_servers in (servers, servers[::-1]):
            for name, url, count in round_servers:
                if count:
                    balancer.route_to(count)
                for w, operation in workloads:
                    before = balancer.requests() if count else None
                    done, failures, wall = reads.load(operation, url, args.clients, quarter)
                    old = measured[(name, w)]
                    measured[(name, w)] = (old[0] + done, old[1] + failures, old[2] + wall)
                    if count:
                        for node, n in delta(before, balancer.requests()).items():
                            split[name][node] = split[name].get(node, 0) + n
                    log(f"  {name:25} {w:9} {len(done) / wall:7.1f}/s ({len(done)} in {wall:.1f} s"
                        + (f", {len(failures)} FAILED" if failures else "") + ")")
        balancer.route_to(NODES)
        load_end = load_average()
        logs = {n.label: n.log_problems() for n in [primary] + nodes + [lone_mirror]}
        report(args, stamp, info, load_start, load_end, dist, balancer, nodes, sync_seconds, latency, first_poll,
               push_ms, farm_watch, lone_watch, latency_split, servers, workloads, measured, split, logs,
               time.time() - t_run)
        failures = sum(len(v[1]) for v in measured.values())
        ok = failures == 0 and farm_watch.older == 0 and farm_watch.unknown == 0
        if not ok:
            print(f"\nbench: FAILED: {failures} failed reads, {farm_watch.older} reads through the balancer saw an "
                  f"older head, {farm_watch.unknown} an unknown one", file=sys.stderr)
        return ok

    def stop():
        for poller in pollers:
            poller.close()
        if native is not None:
            native.stop()
        if balancer is not None:
            balancer.stop()
        for node in nodes[::-1] + [lone_mirror, primary]:
            if node is not None:
                node.stop()

    run_bench(run_dir, args.keep, measure, stop)


# The farm's table shows p90 where the lone mirror's sync-latency report shows p95.
FARM_PERCENTILES = (50, 90, 99)


def delta(before, after):
    return {k: after.get(k, 0) - before.get(k, 0) for k in after}


def report(args, stamp, info, load_start, load_end, dist, balancer, nodes, sync_seconds, latency, first_poll,
           push_ms, farm_watch, lone_watch, latency_split, servers, workloads, measured, split, logs, run_seconds):
    farm, lone, push = (summary(values, FARM_PERCENTILES) for values in (latency["farm"], latency["lone"], push_ms))
    n = len(latency["farm"])
    lat_rows = [(k, f"{farm[k]:.1f}", f"{lone[k]:.1f}", f"{farm[k] / lone[k]:.2f}x" if lone[k] else "n/a",
                 f"{push[k]:.1f}") for k in ("p50", "p90", "p99", "max", "mean")]
    lat_head = ("figure", f"farm via HAProxy ({NODES} nodes) [ms]", "lone mirror [ms]", "farm/lone", "git push [ms]")

    lone_name = "lone mirror, direct"
    read_rows = []
    for name, _, count in servers:
        row = [name]
        for w, _ in workloads:
            done, failures, wall = measured[(name, w)]
            rate = len(done) / wall if wall else 0
            base = measured[(lone_name, w)]
            base_rate = len(base[0]) / base[2] if base[2] else 0
            row += [f"{rate:.1f}", f"{statistics.median(done) * 1000:.0f}" if done else "n/a",
                    f"{rate / base_rate:.2f}x" if base_rate else "n/a"]
        fails = sum(len(measured[(name, w)][1]) for w, _ in workloads)
        row.append(str(fails))
        row.append(" / ".join(str(split[name].get(f"node{i + 1}", 0)) for i in range(NODES)) if count else "")
        read_rows.append(tuple(row))
    read_head = ("served by", "ls-remote/s", "p50 [ms]", "vs lone", "fetch/s", "p50 [ms]", "vs lone", "failed",
                 "requests node1/2/3")

    caveat = CAVEAT.format(nodes=NODES + 2, cores=os.cpu_count())
    setup = [
        ("load average", f"{load_start} at start, {load_end} at end (1, 5, 15 min; the machine may be shared)"),
        ("nodes", f"a Facet primary, a farm '{FARM_NAME}' of {NODES} mirror nodes (`--farm`, one acceptance) "
                  f"and a lone mirror of the same primary, all on 127.0.0.1 from a copy of facet.jar built "
                  f"{dist.built_at}; all SYNCHRONIZED {sync_seconds:.1f} s after the acceptances"),
        ("balancer", f"{balancer.version}, docs/load-balancers/haproxy.cfg with this run's port, nodes and "
                     f"paths (leastconn, GET /status every 2 s), in the foreground"),
        ("pushes", f"{n} pushes of one commit to the primary (`git push`); after each, one reader polls the "
                   f"balancer and one the lone mirror at once (GET info/refs?service=git-upload-pack, one "
                   f"persistent connection each, {args.poll_interval_ms:g} ms between polls), {args.pause_ms} ms "
                   f"pause after both showed it"),
        ("polls", f"through the balancer {farm_watch.reads} (node1/2/3: "
                  f"{' / '.join(str(latency_split.get(f'node{i + 1}', 0)) for i in range(NODES))} requests), "
                  f"at the lone mirror {lone_watch.reads}; the new head was there at the first poll after "
                  f"{first_poll['farm']} (farm) and {first_poll['lone']} (lone) of {n} pushes"),
        ("never backwards", f"reads through the balancer that showed an older head than an earlier read: "
                            f"{farm_watch.older} of {farm_watch.reads} (must be 0); unknown heads "
                            f"{farm_watch.unknown}, no answer {farm_watch.missing}. Lone mirror: {lone_watch.older} "
                            f"of {lone_watch.reads}"),
        ("reads", f"{args.clients} concurrent clients, each running `git ls-remote URL refs/heads/main` (or a "
                  f"fetch of one new commit, 3 objects, into a bare repository holding its parent) one after "
                  f"another for {args.seconds / 2:g} s per workload and server (two halves, the servers in one order "
                  f"and then the reverse); the balancer's 1 and 2 node rows give the other nodes weight 0"),
        ("caveat", caveat),
        ("run time", f"{run_seconds:.0f} s"),
    ]
    problems = []
    for label, (lines, count) in logs.items():
        problems.append((f"{label} log", f"{count} WARN/ERROR/exception line(s) on standard error"
                         + (f" (first {min(len(lines), 3)} below)" if count else "")))
        problems += [("", "  " + line[:300]) for line in lines[:3]]

    print()
    print("farm: a mirror farm of 3 nodes behind HAProxy beside a lone mirror of the same primary")
    for k, v in info + setup + problems:
        print(f"  {k:15} {v}")
    print()
    print(f"Sync latency: from `git push` returning until the new commit is advertised ({n} pushes)")
    print_table(lat_head, lat_rows)
    print()
    print(f"Reads per second ({args.clients} clients, {args.seconds / 2:g} s each); 'vs lone' divides by the lone "
          f"mirror's figure")
    print_table(read_head, read_rows)
    print()
    print(caveat)

    md = [f"# Farm benchmark ({stamp})", ""]
    md += [f"- **{k}**: {v}" for k, v in info + setup]
    md += [f"- **{k}**: {v}" if k else f"    - `{v.strip()}`" for k, v in problems]
    md += ["", f"## Sync latency ({n} pushes)", ""] + md_table(lat_head, lat_rows)
    md += ["", f"## Reads per second ({args.clients} clients, {args.seconds / 2:g} s each)", ""]
    md += md_table(read_head, read_rows)
    md += ["", caveat, "", "## Raw latencies (ms, in push order)", "",
           "- farm via HAProxy: " + ", ".join(f"{v:.1f}" for v in latency["farm"]),
           "- lone mirror: " + ", ".join(f"{v:.1f}" for v in latency["lone"]),
           "- git push: " + ", ".join(f"{v:.1f}" for v in push_ms), ""]
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"farm-{stamp}.md")
    with open(path, "w") as f:
        f.write("\n".join(md))
    print(f"Markdown: {path}")


def print_table(head, rows):
    table = [head] + rows
    w = [max(len(r[i]) for r in table) for i in range(len(head))]
    line = lambda r: "  ".join([r[0].ljust(w[0])] + [c.rjust(w[i + 1]) for i, c in enumerate(r[1:])])
    print(line(head))
    print("  ".join("-" * x for x in w))
    for r in rows:
        print(line(r))


def md_table(head, rows):
    return (["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
            + ["| " + " | ".join(r) + " |" for r in rows])


if __name__ == "__main__":
    main()

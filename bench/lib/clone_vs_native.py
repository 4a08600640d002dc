#!/usr/bin/env python3
"""Clone and fetch served by Facet against native `git http-backend`, in one run.

Run it through bench/clone-vs-native.sh; bench/README.md says what every figure means.
"""
import argparse
import datetime
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
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from facet_nodes import (Admin, BenchError, Distribution, FacetNode, log, new_password, pack_summary,  # noqa: E402
                         interrupted, start_mirror, stop_group, wait_synchronized)

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)
WORK = os.path.join(BENCH, "work")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

# The git client runs with no user or system configuration, never prompts, never runs
# maintenance after a fetch, and talks to 127.0.0.1 directly.
CLIENT_ENV = dict(os.environ)
for k in list(CLIENT_ENV):
    if k.lower() in ("http_proxy", "https_proxy", "all_proxy") or k.startswith("GIT_"):
        del CLIENT_ENV[k]
CLIENT_ENV.update(GIT_TERMINAL_PROMPT="0", GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
                  NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
GIT = ["git", "-c", "gc.auto=0", "-c", "maintenance.auto=false", "-c", "protocol.version=2"]


def run(cmd, **kw):
    """Runs a command; raises with its output when it fails."""
    kw.setdefault("env", CLIENT_ENV)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    if p.returncode != 0:
        raise BenchError(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}{p.stderr}")
    return p.stdout


def git_out(repo, *args):
    return run(GIT + ["-C", repo] + list(args)).strip()


def redact(url):
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


# ------------------------------------------------------------------ process CPU accounting

def _stat(pid):
    """(ppid, utime+stime, cutime+cstime, rss bytes) of a process, in seconds; None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            s = f.read()
    except OSError:
        return None
    fields = s[s.rindex(")") + 2:].split()
    # fields[0] is field 3 (state) of proc(5): ppid=4, utime=14, stime=15, cutime=16, cstime=17, rss=24
    ppid = int(fields[1])
    own = (int(fields[11]) + int(fields[12])) / CLK_TCK
    children = (int(fields[13]) + int(fields[14])) / CLK_TCK
    return ppid, own, children, int(fields[21]) * PAGE


def process_tree(roots):
    """{pid: stat} for the roots and all their live descendants."""
    stats = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = _stat(int(name))
            if st:
                stats[int(name)] = st
    kids = {}
    for pid, st in stats.items():
        kids.setdefault(st[0], []).append(pid)
    tree, todo = {}, [r for r in roots if r in stats]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree[pid] = stats[pid]
            todo += kids.get(pid, [])
    return tree


def tree_cpu(roots, reaped=True):
    """CPU seconds of a process tree: every live process's own user+system time plus, with
    reaped, the user+system time of its children that exited and were waited for
    (cutime+cstime). A child's time moves into its parent's cutime when the parent reaps it,
    so the sum counts each process once as long as no process is exiting while it is read
    (the caller waits until only the long-lived processes are left)."""
    return sum(own + (ch if reaped else 0) for _, own, ch, _ in process_tree(roots).values())


def tree_rss(roots):
    return sum(st[3] for st in process_tree(roots).values())


class RssSampler(threading.Thread):
    """Peak resident memory of a process tree (sum over its processes), sampled every 100 ms."""

    def __init__(self, roots):
        super().__init__(daemon=True)
        self.roots, self.peak, self.stop_flag = roots, 0, threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            self.peak = max(self.peak, tree_rss(self.roots))
            self.stop_flag.wait(0.1)

    def stop(self):
        self.stop_flag.set()
        self.join()
        self.peak = max(self.peak, tree_rss(self.roots))
        return self.peak


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_status(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


# A server is idle when it spends less than this share of a core over this many seconds (an idle
# mirror's heartbeats and long-polls take about 1 %).
IDLE_WINDOW = 0.5
IDLE_SHARE = 0.03

# ------------------------------------------------------------------ servers

class Server:
    name = "?"
    url = None            # anonymous clone URL
    roots = ()            # pids whose process tree is the server, () when unknown
    baseline = frozenset()

    def cpu(self):
        return tree_cpu(self.roots) if self.roots else None

    def settle(self, until_idle=False):
        """Waits until the server's tree holds only its long-lived processes again (the
        per-request CGI processes have exited and been reaped). Before a measurement
        (`until_idle`) it also waits until the server is idle, so that a figure does not count
        work left from before it (a mirror's work on what it has just synced after a push, a JVM's
        compiler finishing); after one it does not, so that an idle server's own background work
        (a mirror's heartbeats) is not counted as the request's either."""
        deadline = time.time() + 10
        while self.roots and time.time() < deadline:
            if set(process_tree(self.roots)) <= self.baseline:
                break
            time.sleep(0.02)
        time.sleep(0.2)
        if not until_idle:
            return
        last = self.cpu()
        deadline = time.time() + 30
        while last is not None and time.time() < deadline:
            time.sleep(IDLE_WINDOW)
            now = self.cpu()
            if now - last < IDLE_WINDOW * IDLE_SHARE:
                break
            last = now

    def mark_baseline(self):
        self.baseline = frozenset(process_tree(self.roots)) if self.roots else frozenset()

    def push_update(self, next_git):
        raise NotImplementedError

    def stop(self):
        pass


class NativeServer(Server):
    """git http-backend behind nginx + fcgiwrap on 127.0.0.1, anonymous read."""
    name = "native"

    def __init__(self, run_dir, base_git, concurrency):
        self.dir = os.path.join(run_dir, "native")
        self.repos = os.path.join(self.dir, "repos")
        self.repo = os.path.join(self.repos, "bench", "big.git")
        self.nginx = self.fcgi = None
        os.makedirs(os.path.join(self.dir, "tmp"))
        run(GIT + ["init", "-q", "--bare", self.repo])
        git_out(self.repo, "config", "receive.autogc", "false")
        git_out(self.repo, "config", "http.receivepack", "false")
        log("native: pushing the repository into a fresh bare repository (git push --mirror)")
        git_out(base_git, "push", "-q", "--mirror", self.repo)
        log("native: repacking it with bitmaps (git repack -adb --write-bitmap-index)")
        git_out(self.repo, "repack", "-adb", "--write-bitmap-index", "-q")
        self.pack_bytes = pack_bytes(self.repo)

        # fcgiwrap ignores SIGCHLD, so the kernel reaps its CGI children and drops their CPU
        # time instead of adding it to fcgiwrap's cutime. Each CGI therefore runs under GNU
        # time, which waits for git-http-backend and appends the user+system seconds of it and
        # of everything it waited for (git upload-pack, git pack-objects) to cgi-cpu.log.
        backend = os.path.join(run(["git", "--exec-path"]).strip(), "git-http-backend")
        self.cgi_log = os.path.join(self.dir, "cgi-cpu.log")
        open(self.cgi_log, "w").close()
        wrapper = os.path.join(self.dir, "git-http-backend-timed")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec /usr/bin/time -a -o {self.cgi_log} -f '%U %S' {backend}\n")
        os.chmod(wrapper, 0o755)
        sock = os.path.join(self.dir, "fcgiwrap.sock")
        # One fcgiwrap worker per concurrent clone (and two spare): requests never queue behind
        # each other in fcgiwrap, as they would not under Apache's CGI either.
        self.workers = concurrency + 2
        self.fcgi = subprocess.Popen(["fcgiwrap", "-c", str(self.workers), "-s", f"unix:{sock}"],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.dir, "fcgiwrap.log"), "w"),
                                     start_new_session=True, cwd=self.dir)
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        else:
            raise BenchError("fcgiwrap did not create its socket")
        self.port = free_port()
        d = self.dir
        conf = os.path.join(d, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""
daemon off;
master_process on;
user root;
worker_processes auto;
pid {d}/nginx.pid;
error_log {d}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    fastcgi_temp_path {d}/tmp/fastcgi;
    proxy_temp_path {d}/tmp/proxy;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        location ~ ^/git(/.*)$ {{
            client_max_body_size 0;
            fastcgi_buffering off;
            fastcgi_read_timeout 900s;
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME {wrapper};
            fastcgi_param GIT_PROJECT_ROOT {self.repos};
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param PATH_INFO $1;
            fastcgi_pass unix:{sock};
        }}
    }}
}}
""")
        self.nginx = subprocess.Popen(["nginx", "-p", d, "-c", conf, "-e", f"{d}/nginx-error.log"],
                                      stdout=subprocess.DEVNULL,
                                      stderr=open(os.path.join(d, "nginx.log"), "w"),
                                      start_new_session=True, cwd=d)
        self.url = f"http://127.0.0.1:{self.port}/git/bench/big.git"
        probe = self.url + "/info/refs?service=git-upload-pack"
        for _ in range(200):
            if self.nginx.poll() is not None:
                raise BenchError("nginx exited: " + open(os.path.join(d, "nginx.log")).read()
                                 + open(os.path.join(d, "nginx-error.log")).read())
            if http_status(probe) == 200:
                break
            time.sleep(0.05)
        else:
            raise BenchError(f"native server did not answer {probe}")
        self.roots = (self.nginx.pid, self.fcgi.pid)
        self.mark_baseline()
        log(f"native: git http-backend via nginx + fcgiwrap ({self.workers} workers) at {self.url}")

    def cpu(self):
        """nginx and fcgiwrap's own CPU (live processes; their cutime is not used: nginx
        forks nothing per request, and fcgiwrap's reaped children are counted below instead)
        plus the CPU of every finished git-http-backend with its children, from GNU time."""
        cgi = 0.0
        with open(self.cgi_log) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and all(re.fullmatch(r"\d+\.\d+", p) for p in parts):
                    cgi += float(parts[0]) + float(parts[1])
        return tree_cpu(self.roots, reaped=False) + cgi

    def push_update(self, next_git):
        git_out(next_git, "push", "-q", self.repo, "refs/heads/main")

    def stop(self):
        stop_group(self.nginx, "nginx")
        stop_group(self.fcgi, "fcgiwrap")


class FacetServer(Server):
    """The Facet side: a mirror started by the harness with its primary (--mirror, the default),
    a primary started by the harness (--primary), or an already-running Facet (--facet-url)."""

    def __init__(self, args, run_dir, base_git, expected_refs):
        self.mode = args.mode
        self.name = {"mirror": "Facet mirror", "primary": "Facet primary"}.get(self.mode, "Facet")
        self.primary = self.mirror = self.dist = None
        self.updated = False
        self.repacked_by_harness = False
        self.pack_bytes = self.pack_info = None
        self.sync_seconds = None
        self.started = self.mode != "external"
        self.repo_dir = args.facet_repo_dir
        try:
            self._set_up(args, run_dir, base_git, expected_refs)
        except BaseException:
            self.stop()  # the nodes started so far; main() only stops servers that came up
            raise

    def _set_up(self, args, run_dir, base_git, expected_refs):
        if self.started:
            self.password = new_password()
            env = dict(os.environ, FACET_ADMIN_PASSWORD=self.password, FACET_BIND_ADDRESS="127.0.0.1")
            self.dist = Distribution(run_dir)
            self.primary = FacetNode("primary", self.dist, os.path.join(run_dir, "facet-primary-home"), run_dir,
                                     env=env)
            admin = Admin(self.primary.base, self.password)
            repo_id = admin.create_public_repository("BENCH", "big")
            log(f"Facet primary: created project BENCH and public repository big (id {repo_id})")
            primary_url = f"{self.primary.base}/scm/bench/big.git"
            self.push_url = admin.push_url(primary_url)
            log(f"Facet primary: pushing the repository (git push --mirror {redact(self.push_url)})")
            git_out(base_git, "push", "-q", "--mirror", self.push_url)
            if self.mode == "primary":
                self.url = primary_url
                self.roots = (self.primary.pid,)
                self.repo_dir = self.primary.repository_dir(repo_id)
            else:
                # The repository is complete on the primary before the mirror is authorized, so the
                # mirror's first sync fetches all of it and the mirror's own repack after that first
                # sync (bitmaps included) covers the whole repository.
                self.mirror = start_mirror(self.dist, self.primary, admin, os.path.join(run_dir, "facet-mirror-home"),
                                           run_dir, "bench-mirror")
                self.sync_seconds = wait_synchronized(self.mirror)
                self.url = f"{self.mirror.base}/scm/bench/big.git"
                self.roots = (self.mirror.pid,)
                self.repo_dir = self.mirror.repository_dir(repo_id)
                if not os.path.isdir(self.repo_dir):
                    raise BenchError(f"the mirror's copy of repository {repo_id} is not at {self.repo_dir}")
            if not os.path.isdir(self.repo_dir):
                raise BenchError(f"repository {repo_id} is not at {self.repo_dir}")
        else:
            self.url = args.facet_url
            self.push_url = args.facet_push_url
            if args.facet_pid:
                self.roots = (args.facet_pid,)
            if self.push_url:
                log(f"Facet: pushing the repository (git push --mirror {redact(self.push_url)})")
                git_out(base_git, "push", "-q", "--mirror", self.push_url)
        if self.push_url:
            self.wait_for_refs(expected_refs)
        elif refs_of(self.url) != expected_refs:
            raise BenchError(f"{self.url} does not hold the benchmark repository's refs and no "
                             "--facet-push-url was given to push them")
        # The harness repacks a primary's copy (or an external one it is given), never a mirror's:
        # the mirror repacks with bitmaps itself after its first sync, and that is what is measured.
        if self.repo_dir and self.mode != "mirror":
            log(f"{self.name}: repacking {self.repo_dir} with bitmaps (git repack -adb --write-bitmap-index)")
            git_out(self.repo_dir, "repack", "-adb", "--write-bitmap-index", "-q")
            self.repacked_by_harness = True
        if self.repo_dir:
            self.pack_info = pack_summary(self.repo_dir)
            self.pack_bytes = self.pack_info[0]
            size, packs, bitmap, loose = self.pack_info
            log(f"{self.name}: serves {size / 2 ** 20:.1f} MiB in {packs} pack(s), "
                f"bitmap {'yes' if bitmap else 'NO'}, {loose} loose objects ({self.repo_dir})")
        self.mark_baseline()

    def wait_for_refs(self, expected, timeout=600):
        """A mirror syncs from the primary that was pushed to: wait until it serves the refs."""
        deadline = time.time() + timeout
        while True:
            got = refs_of(self.url)
            if got == expected:
                return
            if time.time() > deadline:
                raise BenchError(f"{self.url} did not show the pushed refs within {timeout} s")
            time.sleep(0.5)

    def push_update(self, next_git):
        self.updated = True
        git_out(next_git, "push", "-q", self.push_url, "refs/heads/main")
        if self.mode != "primary":
            # Pushed to the primary: wait (untimed) until the mirror serves the new main.
            want = git_out(next_git, "rev-parse", "refs/heads/main")
            t0 = time.time()
            deadline = t0 + 600
            while refs_of(self.url).get("refs/heads/main") != want:
                if time.time() > deadline:
                    raise BenchError(f"{self.url} did not show the pushed main within 600 s")
                time.sleep(0.05)
            log(f"{self.name}: serves the new main {time.time() - t0:.2f} s after the push returned")

    def restore(self, base_git):
        """Puts an already-running Facet's repository back to the benchmark's base state, so
        that the next run (even one without --facet-push-url) finds what it expects."""
        if self.started or not self.push_url or not self.updated:
            return
        log("Facet: restoring the repository to the base state (git push --mirror)")
        git_out(base_git, "push", "-q", "--mirror", self.push_url)

    def log_problems(self):
        """{node kind: (first WARN/ERROR lines, how many)} of the nodes the harness started."""
        return {n.kind: n.log_problems() for n in (self.primary, self.mirror) if n is not None}

    def stop(self):
        for node in (self.mirror, self.primary):
            if node is not None:
                node.stop()


def refs_of(url_or_repo):
    out = run(GIT + ["ls-remote", url_or_repo])
    refs = {}
    for line in out.splitlines():
        sha, ref = line.split("\t")
        if ref != "HEAD" and not ref.endswith("^{}"):
            refs[ref] = sha
    return refs


def pack_bytes(repo):
    d = os.path.join(repo, "objects", "pack")
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d) if f.endswith(".pack"))


# ------------------------------------------------------------------ measurements

class Bench:
    def __init__(self, args, run_dir, manifest):
        self.args, self.run_dir, self.manifest = args, run_dir, manifest
        self.clones = os.path.join(run_dir, "clones")
        os.makedirs(self.clones)
        self.n = 0
        self.raw = {}  # (server, what) -> list of values

    def record(self, server, what, value):
        self.raw.setdefault((server.name, what), []).append(value)

    def dest(self):
        self.n += 1
        return os.path.join(self.clones, f"c{self.n}.git")

    def timed(self, server, cmd):
        """Wall time of a git command, and the server CPU it cost (None when unknown)."""
        server.settle(until_idle=True)
        cpu0 = server.cpu()
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=CLIENT_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise BenchError(f"{server.name}: {' '.join(cmd)} failed:\n{p.stderr}")
        server.settle()
        cpu1 = server.cpu()
        return wall, (None if cpu0 is None else cpu1 - cpu0)

    def check_main(self, server, repo, want):
        got = git_out(repo, "rev-parse", "refs/heads/main")
        if got != want:
            raise BenchError(f"{server.name}: clone has main {got}, expected {want}")

    def clone(self, server, label, keep=False, measured=True):
        d = self.dest()
        wall, cpu = self.timed(server, GIT + ["clone", "--bare", "-q", server.url, d])
        self.check_main(server, d, self.manifest["main"])
        if not keep:
            shutil.rmtree(d)
        if not measured:
            return d
        self.record(server, label + " wall", wall)
        if cpu is not None:
            self.record(server, label + " cpu", cpu)
        log(f"{server.name:13} {label} clone: {wall:7.2f} s wall, server CPU {fmt(cpu)}{'' if cpu is None else ' s'}")
        return d

    def concurrent(self, server, n):
        server.settle(until_idle=True)
        dests = [self.dest() for _ in range(n)]
        sampler = RssSampler(server.roots) if server.roots else None
        if sampler:
            sampler.start()
        cpu0 = server.cpu()
        t0 = time.perf_counter()
        procs = [subprocess.Popen(GIT + ["clone", "--bare", "-q", server.url, d], env=CLIENT_ENV,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                 for d in dests]
        errors = [p.communicate()[1] for p in procs]
        wall = time.perf_counter() - t0
        server.settle()
        cpu1 = server.cpu()
        peak = sampler.stop() if sampler else None
        failed = [e for p, e in zip(procs, errors) if p.returncode != 0]
        if failed:
            raise BenchError(f"{server.name}: {len(failed)} of {n} concurrent clones failed:\n{failed[0]}")
        for d in dests:
            self.check_main(server, d, self.manifest["main"])
            shutil.rmtree(d)
        cpu = None if cpu0 is None else (cpu1 - cpu0) / n
        self.record(server, "concurrent wall", wall)
        self.record(server, "concurrent throughput", n / wall)
        if cpu is not None:
            self.record(server, "concurrent cpu", cpu)
            self.record(server, "concurrent rss", peak / 2 ** 20)
        log(f"{server.name:13} {n} concurrent clones: {wall:7.2f} s wall, {n / wall:.3f} clones/s, "
            f"server CPU {fmt(cpu)}{'' if cpu is None else ' s'} per clone, peak RSS {fmt(peak and peak / 2 ** 20, 0)} MiB")

    def fetch_copy(self, template, behind, next_git):
        """A client `behind` commits behind the served main: a copy of a clone of the first state, brought
        forward from the local next state when it is to be fewer than all commits behind. The pack files
        are hard links (git never writes into a pack; a fetch adds packs of its own), everything else is
        copied, so a batch of copies costs little disk and time."""
        d = self.dest()
        shutil.copytree(template, d, symlinks=True,
                        copy_function=lambda src, dst: os.link(src, dst) if os.sep + "pack" + os.sep in src
                        else shutil.copy2(src, dst))
        if behind < int(self.manifest["next_new_commits"]):
            start = git_out(next_git, "rev-parse", f"main~{behind}")
            run(GIT + ["-C", d, "fetch", "-q", next_git, f"+{start}:refs/heads/main"])
        return d

    def fetch_batch(self, server, template, behind, next_git, count, measured=True):
        """`count` fetches by clients `behind` commits behind, run one after the other with nothing in
        between: every copy is made first, then the server CPU is read once before the first fetch and
        once after the last, so the per-fetch figure is the batch's CPU / count. One fetch's CPU is a few
        clock ticks (1/100 s), as coarse as what is measured; over a batch that rounding is spread over
        `count` fetches. Each fetch's wall time is its own. Unmeasured batches only warm the server up."""
        copies = [self.fetch_copy(template, behind, next_git) for _ in range(count)]
        cmd = lambda d: GIT + ["-C", d, "fetch", "-q", "origin", "+refs/heads/*:refs/heads/*"]
        server.settle(until_idle=True)
        cpu0 = server.cpu()
        walls = []
        for d in copies:
            t0 = time.perf_counter()
            p = subprocess.run(cmd(d), env=CLIENT_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            walls.append(time.perf_counter() - t0)
            if p.returncode != 0:
                raise BenchError(f"{server.name}: {' '.join(cmd(d))} failed:\n{p.stderr}")
        server.settle()
        cpu1 = server.cpu()
        for d in copies:
            self.check_main(server, d, self.manifest["next_main"])
            shutil.rmtree(d)
        if not measured:
            return
        cpu = None if cpu0 is None else (cpu1 - cpu0) / count
        self.raw.setdefault((server.name, f"fetch {behind} wall"), []).extend(walls)
        if cpu is not None:
            self.record(server, f"fetch {behind} cpu", cpu)
        log(f"{server.name:13} {count} fetches {behind:3} commits behind: median {median(walls):7.3f} s wall, "
            f"server CPU {fmt(cpu)}{'' if cpu is None else ' s'} per fetch (batch total {fmt(cpu and cpu * count)})")


    def ls_remote_batch(self, server, count, measured=True):
        """`count` back-to-back `git ls-remote` of the served repository (a CI storm): the server CPU read once
        before and once after, as for a fetch batch."""
        cmd = GIT + ["ls-remote", server.url]
        server.settle(until_idle=True)
        cpu0 = server.cpu()
        walls = []
        for _ in range(count):
            t0 = time.perf_counter()
            p = subprocess.run(cmd, env=CLIENT_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            walls.append(time.perf_counter() - t0)
            if p.returncode != 0 or "refs/heads/main" not in p.stdout:
                raise BenchError(f"{server.name}: {' '.join(cmd)} failed:\n{p.stderr}")
        server.settle()
        cpu1 = server.cpu()
        if not measured:
            return
        cpu = None if cpu0 is None else (cpu1 - cpu0) / count
        self.raw.setdefault((server.name, "ls-remote wall"), []).extend(walls)
        if cpu is not None:
            self.record(server, "ls-remote cpu", cpu)
        log(f"{server.name:13} {count} ls-remotes: median {median(walls):7.3f} s wall, "
            f"server CPU {fmt(cpu)}{'' if cpu is None else ' s'} per ls-remote")


def fmt(v, digits=3):
    return "n/a" if v is None else f"{v:.{digits}f}"


def median(values):
    return statistics.median(values) if values else None


# ------------------------------------------------------------------ report

TARGETS = {"warm wall": ("<=", 1.1), "warm cpu": ("<=", 1.5), "concurrent throughput": (">=", 1.2)}
TARGETS.update({f"fetch {depth} cpu": ("<=", 1.5) for depth in (1, 10, 200)})


def fetch_depths(new_commits):
    """How far behind the fetching clients are: 1, 10 and 200 commits, within the commits the next state adds."""
    return sorted({d for d in (1, 10, 200) if d < new_commits} | {new_commits})


def build_rows(b, facet_name, runs, conc, depths, batch, batches):
    def get(server, key, agg):
        v = b.raw.get((server, key))
        return agg(v) if v else None

    first = lambda v: v[0]
    spec = [
        ("full clone, cold: 1st after start [s]", "cold wall", first),
        (f"full clone, warm: median of {runs} [s]", "warm wall", median),
        ("server CPU per clone, cold [s]", "cold cpu", first),
        (f"server CPU per clone, warm: median of {runs} [s]", "warm cpu", median),
        (f"{conc} concurrent clones: total wall [s]", "concurrent wall", first),
        (f"{conc} concurrent clones: throughput [clones/s]", "concurrent throughput", first),
        (f"{conc} concurrent clones: server CPU per clone [s]", "concurrent cpu", first),
        (f"{conc} concurrent clones: peak server RSS [MiB]", "concurrent rss", first),
    ]
    for depth in depths:
        spec += [(f"fetch, {depth} commit{'s' if depth > 1 else ''} behind: median of {batch * batches} [s]",
                  f"fetch {depth} wall", median),
                 (f"server CPU per fetch, {depth} behind: median of {batches} batches of {batch} [s]",
                  f"fetch {depth} cpu", median)]
    spec += [(f"ls-remote: median of {batch * batches} [s]", "ls-remote wall", median),
             (f"server CPU per ls-remote: median of {batches} batches of {batch} [s]", "ls-remote cpu", median)]
    rows = []
    for label, key, agg in spec:
        f, n = get(facet_name, key, agg), get("native", key, agg)
        ratio = f / n if f is not None and n else None
        target = verdict = ""
        if key in TARGETS:
            op, t = TARGETS[key]
            target = f"{op} {t:.2f}x"
            if ratio is not None:
                verdict = "ok" if (ratio <= t if op == "<=" else ratio >= t) else "MISS"
        digits = 0 if key == "concurrent rss" else 3
        rows.append((label, fmt(f, digits), fmt(n, digits),
                     "n/a" if ratio is None else f"{ratio:.2f}x", (target + " " + verdict).strip()))
    return rows


def text_table(rows, facet_name):
    head = ("figure", facet_name, "native", "Facet/native", "target")
    w = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    line = lambda r: "  ".join([r[0].ljust(w[0])] + [str(r[i]).rjust(w[i]) for i in (1, 2, 3)] + [r[4]])
    return "\n".join([line(head), "  ".join("-" * x for x in w)] + [line(r) for r in rows])


def md_table(rows, facet_name):
    out = [f"| figure | {facet_name} | native | Facet/native | target |", "|---|---:|---:|---:|---|"]
    out += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
    return "\n".join(out)


def first_line(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return (p.stdout.strip().splitlines() or ["?"])[0]
    except OSError:
        return "?"


def machine_info():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2 ** 20:.1f} GiB"
                break
    head = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = first_line(["git", "--no-optional-locks", "-C", ROOT, "status", "--porcelain",
                        "--untracked-files=no"])
    return [
        ("date", datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")),
        ("nproc", str(os.cpu_count())),
        ("CPU", cpu),
        ("memory", mem),
        ("kernel", os.uname().release),
        ("git", first_line(["git", "--version"])),
        ("java", first_line(["java", "-version"])),
        ("nginx", first_line(["nginx", "-v"])),
        ("load average", " ".join(open("/proc/loadavg").read().split()[:3]) + " (at start; the machine may be shared)"),
        ("Facet commit", head + (" (with uncommitted changes)" if dirty not in ("", "?") else "")),
    ]


# ------------------------------------------------------------------ main

def ensure_packages():
    missing = [p for p, exe in (("nginx", "nginx"), ("fcgiwrap", "fcgiwrap"), ("time", "/usr/bin/time"))
               if not shutil.which(exe)]
    if not missing:
        return
    log(f"installing missing Debian packages: {' '.join(missing)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q"] + missing
    if subprocess.run(cmd, env=env).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True)
        subprocess.run(cmd, env=env, check=True)


def read_manifest(repo_dir):
    m = {}
    with open(os.path.join(repo_dir, "manifest")) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            m[k] = v
    return m


def parse_args():
    ap = argparse.ArgumentParser(prog="bench/clone-vs-native.sh", description=(
        "Clone and fetch served by Facet against native git http-backend (nginx + fcgiwrap), "
        "on the same generated repository, in one run. See bench/README.md."))
    ap.add_argument("--runs", type=int, default=5, help="warm clone runs and fetch runs per server (default 5)")
    ap.add_argument("--concurrency", type=int, default=20, help="concurrent clones (default 20)")
    ap.add_argument("--fetch-warmup", type=int, default=10, metavar="N",
                    help="unmeasured fetches per server before each depth's measured ones (default 10)")
    ap.add_argument("--fetch-batch", type=int, default=20, metavar="N",
                    help="fetches per measured batch (default 20): one fetch costs a server a few 10 ms CPU clock "
                         "ticks, so the server's CPU is read before and after a batch of N back-to-back fetches "
                         "and the figure per fetch is the batch's CPU / N")
    ap.add_argument("--fetch-batches", type=int, default=3, metavar="M",
                    help="measured batches per depth and server (default 3); the CPU row is their median, the wall "
                         "row the median of all M x N fetches")
    ap.add_argument("--small", action="store_true", help="a ~1,000-commit repository, for a smoke run")
    ap.add_argument("--fetch-only", action="store_true",
                    help="skip the clone rows: one unmeasured clone per server, then the fetch test only")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--mirror", dest="mode", action="store_const", const="mirror",
                      help="(the default) start a primary and a mirror of it, push to the primary, "
                           "benchmark the clones and fetches the MIRROR serves")
    mode.add_argument("--primary", dest="mode", action="store_const", const="primary",
                      help="start a primary only and benchmark the clones and fetches it serves")
    ap.add_argument("--facet-url", metavar="URL",
                    help="benchmark an already-running Facet: the anonymous clone URL of the repository "
                         "(e.g. a mirror's http://host:port/scm/bench/big.git) instead of starting one")
    ap.add_argument("--facet-push-url", metavar="URL",
                    help="with --facet-url: where to push the benchmark repository and the fetch "
                         "benchmark's new commits, credentials included (e.g. the primary's "
                         "http://admin:PASS@host:port/scm/bench/big.git); without it the repository "
                         "must already hold the benchmark refs and the fetch benchmark is skipped")
    ap.add_argument("--facet-pid", type=int, metavar="PID",
                    help="with --facet-url: the Facet JVM's pid, for the server CPU figures")
    ap.add_argument("--facet-repo-dir", metavar="DIR",
                    help="with --facet-url: the served repository's directory, to repack it with bitmaps")
    ap.add_argument("--keep", action="store_true", help="keep the run directory (servers' homes and logs)")
    a = ap.parse_args()
    if a.runs < 1 or a.concurrency < 1 or a.fetch_batch < 1 or a.fetch_batches < 1:
        ap.error("--runs, --concurrency, --fetch-batch and --fetch-batches must be at least 1")
    if a.fetch_warmup < 0:
        ap.error("--fetch-warmup must not be negative")
    if not a.facet_url and (a.facet_push_url or a.facet_pid or a.facet_repo_dir):
        ap.error("--facet-push-url, --facet-pid and --facet-repo-dir go with --facet-url")
    if a.facet_url and a.mode:
        ap.error("--facet-url benchmarks an already-running Facet: it does not go with --mirror or --primary")
    a.mode = "external" if a.facet_url else (a.mode or "mirror")
    return a


def main():
    args = parse_args()
    signal.signal(signal.SIGTERM, interrupted)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    info = machine_info()
    ensure_packages()

    manifest, base_git, next_git, expected = benchmark_repository(args.small)

    run_dir = os.path.join(WORK, f"run-{stamp}")
    os.makedirs(run_dir)
    servers = []
    facet = None
    ok = False
    try:
        native = NativeServer(run_dir, base_git, args.concurrency)
        servers.append(native)
        facet = FacetServer(args, run_dir, base_git, expected)
        servers.append(facet)
        for s in servers:
            if refs_of(s.url) != expected:
                raise BenchError(f"{s.name} does not serve the benchmark repository's refs")
        b = Bench(args, run_dir, manifest)
        pair = [facet, native]
        order = lambda i: pair if i % 2 == 0 else pair[::-1]

        templates = {}
        if args.fetch_only:
            log("(a,b,c) clones: skipped (--fetch-only); one unmeasured clone per server for the fetch test")
            for s in pair:
                templates[s.name] = b.clone(s, "template", keep=True, measured=False)
        else:
            log(f"(a,b) full clones: 1 cold + {args.runs} warm per server, alternating")
            for s in pair:
                b.clone(s, "cold")
            for i in range(args.runs):
                for s in order(i):
                    last = i == args.runs - 1
                    d = b.clone(s, "warm", keep=last)
                    if last:
                        templates[s.name] = d

            log(f"(c) {args.concurrency} concurrent clones per server")
            for s in pair:
                b.concurrent(s, args.concurrency)

        fetch_servers = [s for s in pair if not (s is facet and not facet.push_url)]
        if facet not in fetch_servers:
            log("(d) fetch: skipped for Facet (no --facet-push-url to push the new commits to)")
        elif facet.mode == "mirror":
            log("(d) Facet mirror: the new commits go to the primary; each fetch starts once the mirror serves them")
        depths = fetch_depths(int(manifest["next_new_commits"]))
        log(f"(d) pushing {manifest['next_new_commits']} new commits on main, then fetching into copies of a clone "
            f"{', '.join(map(str, depths))} commits behind: per depth and server {args.fetch_batches} batches of "
            f"{args.fetch_batch} fetches, after {args.fetch_warmup} unmeasured ones")
        for s in fetch_servers:
            s.push_update(next_git)
        for depth in depths:
            # A busy server has compiled its fetch path long ago: the first fetches of a fresh JVM mostly
            # measure its JIT compiler, which is what the cold clone row is for.
            for s in fetch_servers:
                if args.fetch_warmup:
                    b.fetch_batch(s, templates[s.name], depth, next_git, args.fetch_warmup, measured=False)
            for i in range(args.fetch_batches):
                for s in order(i):
                    if s in fetch_servers:
                        b.fetch_batch(s, templates[s.name], depth, next_git, args.fetch_batch)

        log(f"(e) ls-remote: per server {args.fetch_batches} batches of {args.fetch_batch} back-to-back ls-remotes, "
            f"after {args.fetch_warmup} unmeasured ones")
        for s in pair:
            if args.fetch_warmup:
                b.ls_remote_batch(s, args.fetch_warmup, measured=False)
        for i in range(args.fetch_batches):
            for s in order(i):
                b.ls_remote_batch(s, args.fetch_batch)

        rows = build_rows(b, facet.name, args.runs, args.concurrency, depths, args.fetch_batch, args.fetch_batches)
        report(args, stamp, info, manifest, native, facet, b, rows)
        ok = True
    except BenchError as e:
        print(f"\nbench: FAILED: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
    finally:
        try:
            if facet is not None:
                facet.restore(base_git)
        except BenchError as e:
            print(f"bench: could not restore the Facet repository: {e}", file=sys.stderr)
        for s in reversed(servers):
            s.stop()
        if ok and not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            log(f"run directory kept: {run_dir}")
    sys.exit(0 if ok else 1)


def benchmark_repository(small):
    """The generated repository (made once, cached under bench/work/): its manifest, base.git,
    next.git and base.git's refs."""
    if subprocess.run([os.path.join(BENCH, "make-repo.sh")] + (["--small"] if small else [])).returncode:
        sys.exit("bench: FAILED: bench/make-repo.sh could not generate the repository")
    repo_dir = os.path.join(WORK, f"repo-{read_version()}-{'small' if small else 'full'}")
    base_git = os.path.join(repo_dir, "base.git")
    return read_manifest(repo_dir), base_git, os.path.join(repo_dir, "next.git"), refs_of(base_git)


def read_version():
    with open(os.path.join(BENCH, "make-repo.sh")) as f:
        m = re.search(r"^VERSION=(\S+)", f.read(), re.M)
    return m.group(1)


def report(args, stamp, info, manifest, native, facet, b, rows):
    if facet.mode == "mirror":
        facet_desc = (f"Facet mirror started by the harness (`facet mirror --port 0`, JVM pid {facet.mirror.pid}; "
                      "its CPU and memory are the server figures) of a Facet primary started by the harness "
                      f"(`facet primary --port 0`, JVM pid {facet.primary.pid}); repository pushed to the "
                      "primary with `git push --mirror` before the mirror was authorized; mirror "
                      f"SYNCHRONIZED {facet.sync_seconds:.1f} s after it was accepted; the fetch test's "
                      "commits pushed to the primary, each fetch started once the mirror served them")
    elif facet.mode == "primary":
        facet_desc = (f"Facet primary started by the harness (`facet primary --port 0`, JVM pid "
                      f"{facet.primary.pid}), repository pushed with `git push --mirror`")
    else:
        facet_desc = (f"already-running Facet at {facet.url} (not started by the harness, so its "
                      "'cold' clone is only the first clone of this run)")
    if facet.dist is not None:
        facet_desc += (f"; {'both nodes run' if facet.mode == 'mirror' else 'it runs'} from a copy of "
                       f"facet-cli/target/facet.jar built {facet.dist.built_at}")
    if facet.repacked_by_harness:
        facet_desc += "; the Facet side was repacked by the harness (`git repack -adb --write-bitmap-index`)"
    elif facet.mode == "mirror":
        facet_desc += "; the mirror's copy was NOT repacked by the harness (the mirror repacks it itself after its first sync)"
    else:
        facet_desc += "; the Facet side was NOT repacked by the harness (no --facet-repo-dir)"
    if not facet.roots:
        facet_desc += "; no --facet-pid, so no Facet server CPU or memory figures"
    mib = lambda v: "?" if v is None else f"{v / 2 ** 20:.1f} MiB"
    if facet.pack_info:
        _, packs, bitmap, loose = facet.pack_info
        facet_pack = (f"{facet.name} {mib(facet.pack_bytes)} in {packs} pack(s), "
                      f"{'with' if bitmap else 'WITHOUT'} bitmap, {loose} loose objects")
    else:
        facet_pack = f"{facet.name} ?"
    setup = [
        ("repository", f"{manifest['commits']} commits, {manifest['objects']} objects, "
                       f"{manifest['files_on_main']} files on main, {manifest['branches']} branches, "
                       f"{manifest['tags']} tags ({'--small' if args.small else 'full size'}, "
                       f"generator {manifest['version']}, main {manifest['main'][:12]})"),
        ("pack served", f"{facet_pack}; native {mib(native.pack_bytes)} (with bitmap), before the fetch test"),
        ("Facet", facet_desc),
        ("native", f"git http-backend via nginx + fcgiwrap ({native.workers} workers), 127.0.0.1, "
                   "repository pushed with `git push --mirror` and repacked with bitmaps by the harness"),
        ("client", "git clone --bare (protocol v2) into a temporary directory, deleted after; "
                   "fetch: `git fetch origin +refs/heads/*:refs/heads/*` into a copy of a clone whose main is "
                   "1, 10 or all 200 new commits behind; the copies of a batch are made before it starts"),
        ("runs", f"1 cold + {args.runs} warm clones, {args.concurrency} concurrent clones once, "
                 f"{args.fetch_batches} batches of {args.fetch_batch} back-to-back fetches per depth (server CPU per "
                 "fetch = a batch's CPU / its fetches), per server; Facet and native alternate"),
    ]
    problems = []
    for kind, (lines, count) in facet.log_problems().items():
        problems.append((f"{kind} log", f"{count} WARN/ERROR/exception line(s) on standard error"
                         + (" (the run directory is deleted unless --keep; the first ones are below)" if count else "")))
        problems += [("", "  " + line[:300]) for line in lines[:5]]
    units = {"wall": "s", "cpu": "s server CPU", "throughput": "clones/s", "rss": "MiB"}
    raw = [f"- {what} ({units[what.split()[-1]]}): {srv} " + ", ".join(f"{v:.3f}" for v in vals)
           for (what, srv), vals in sorted(((w, s), v) for (s, w), v in b.raw.items())]

    print()
    print("clone-vs-native: Facet against native git http-backend, same run, same repository")
    for k, v in info + setup + problems:
        print(f"  {k:13} {v}")
    print()
    print(text_table(rows, facet.name))
    print()

    md = [f"# Clone and fetch: Facet against native git http-backend ({stamp})", ""]
    md += [f"- **{k}**: {v}" for k, v in info + setup]
    md += [f"- **{k}**: {v}" if k else f"    - `{v.strip()}`" for k, v in problems]
    md += ["", md_table(rows, facet.name), "",
           "Targets: clone wall (warm) <= 1.1x native, server CPU per clone (warm) <= 1.5x native, "
           f"{args.concurrency} concurrent clones >= 1.2x native throughput, server CPU per fetch <= 1.5x native. "
           "Server CPU is measured "
           "as described in bench/README.md.", "", "## Raw values", ""] + raw + [""]
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"clone-vs-native-{stamp}.md")
    with open(path, "w") as f:
        f.write("\n".join(md))
    print(f"Markdown: {path}")


if __name__ == "__main__":
    main()

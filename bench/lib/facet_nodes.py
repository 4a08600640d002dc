"""Facet nodes started by the bench harnesses: a primary, a mirror, and what joins them.

Shared by clone_vs_native.py, sync_latency.py and farm.py: the one place where the harnesses
start Facet nodes, lone or in a farm. `./facet --help` builds the distribution
when it is stale; the harness then copies facet.jar into its run directory and every node runs
that copy through `FACET_JAR=<copy> ./facet primary|mirror --home DIR --port 0`, so each role gets
production's heap and `FACET_JAVA_OPTS` (a farm node gets a port chosen in advance, see start_farm_node), in its own
process group, bound to 127.0.0.1. Others edit and build this
checkout while a benchmark runs: a build that rewrites facet-cli/target/facet.jar under a running
JVM would hand it classes from two builds, and primary and mirror could run different builds.
The harness reads the URL from the `Facet <kind> ready at <url>` line and stops the node with SIGTERM.
"""
import base64
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH)


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class BenchError(Exception):
    pass


def run_bench(run_dir, keep, measure, stop):
    """The frame of every harness's run: measure() returns whether the run passed; a BenchError or Ctrl-C
    (SIGTERM too, see interrupted) fails it with one line and no traceback. stop() then stops whatever was
    started, whatever happened, and the run directory is removed after a passing run unless `keep`, and
    named otherwise. Exits 0 when the run passed, 1 otherwise."""
    ok = False
    try:
        ok = bool(measure())
    except BenchError as e:
        print(f"\nbench: FAILED: {e}", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nbench: interrupted", file=sys.stderr)
    finally:
        stop()
        if ok and not keep:
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            log(f"run directory kept: {run_dir}")
    sys.exit(0 if ok else 1)


def interrupted(*_):
    """SIGTERM handler: stop the run as Ctrl-C does, so the nodes are stopped and the report kept."""
    raise KeyboardInterrupt()


def stop_group(proc, name, timeout=20):
    """Stops a server this harness started (its own process group, created at start)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop on SIGTERM in {timeout} s; killing it")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class Distribution:
    """The Facet jar the nodes of one run start from: a copy of facet-cli/target/facet.jar."""

    def __init__(self, run_dir):
        self.path = os.path.join(run_dir, "facet.jar")
        self.built_at = None
        self.refresh()

    def refresh(self, attempts=5):
        """Builds the distribution when it is stale (`./facet --help`) and copies it."""
        jar = os.path.join(ROOT, "facet-cli", "target", "facet.jar")
        for attempt in range(1, attempts + 1):
            log("Facet: building the distribution when it is stale (./facet --help), then copying facet.jar")
            p = subprocess.run([os.path.join(ROOT, "facet"), "--help"], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, cwd=ROOT)
            problem = None
            if p.returncode != 0:
                problem = f"./facet --help failed ({p.returncode}):\n{p.stdout[-1500:]}"
            else:
                try:
                    before = os.stat(jar).st_mtime_ns
                    shutil.copyfile(jar, self.path + ".tmp")
                    if os.stat(jar).st_mtime_ns != before:
                        problem = "facet.jar changed while it was copied (someone is building)"
                    else:
                        with zipfile.ZipFile(self.path + ".tmp") as z:
                            if "META-INF/MANIFEST.MF" not in z.namelist():
                                problem = "the copied facet.jar has no manifest"
                except (OSError, zipfile.BadZipFile) as e:
                    problem = f"cannot copy facet.jar: {e}"
            if problem is None:
                os.replace(self.path + ".tmp", self.path)
                self.built_at = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(before / 1e9))
                log(f"Facet: running {self.path} (facet.jar built {self.built_at})")
                return
            if attempt == attempts:
                raise BenchError(f"could not get a Facet distribution: {problem}")
            # Others edit this checkout: a build failure may be a half-made change.
            log(f"{problem}\n(attempt {attempt} of {attempts}; maybe someone is mid-edit); retrying in 60 s")
            time.sleep(60)

    def command(self, *args):
        """Starts the copy through ./facet, so that each role gets the heap and options it gets in production;
        `env` and the script exec, so the process's pid is Java's."""
        return ["env", f"FACET_JAR={self.path}", os.path.join(ROOT, "facet")] + list(args)


def new_password():
    return "bench" + base64.b32encode(os.urandom(10)).decode().lower()


def loopback(url):
    """The same address for every server: 127.0.0.1, not a name to resolve."""
    return re.sub(r"^http://localhost:", "http://127.0.0.1:", url.rstrip("/"))


class FacetNode:
    """One `./facet primary` or `./facet mirror` process started by the harness.

    `label` names the node in the log files and messages (several mirrors share one run
    directory); `port` 0 lets the node pick its port and announce it. A farm node announces the
    balancer's URL (its base URL) instead of its own, so it gets its port from the harness.
    """

    def __init__(self, kind, dist, home, log_dir, extra_args=(), env=None, attempts=5, label=None, port=0):
        self.kind, self.home, self.log_dir = kind, home, log_dir
        self.label = label or kind
        self.proc = None
        self.base = None
        self.stderr_path = None
        env = dict(os.environ if env is None else env)
        env.setdefault("FACET_BIND_ADDRESS", "127.0.0.1")
        # A primary serves SSH too: on a free port, so that a bench never collides with a server on 7999.
        env.setdefault("FACET_SSH_PORT", "0")
        for attempt in range(1, attempts + 1):
            cmd = dist.command(kind, "--home", home, "--port", str(port), *extra_args)
            self.stderr_path = os.path.join(log_dir, f"facet-{self.label}-stderr-{attempt}.log")
            log(f"Facet {self.label}: starting {' '.join(cmd)}")
            shutil.rmtree(home, ignore_errors=True)
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env,
                                         stderr=open(self.stderr_path, "w"), start_new_session=True,
                                         cwd=ROOT)
            lines = queue.Queue()

            def pump(out=self.proc.stdout, q=lines, path=os.path.join(log_dir, f"facet-{self.label}-stdout.log")):
                with open(path, "a") as f:
                    for line in out:
                        f.write(line)
                        f.flush()
                        q.put(line)
                q.put(None)

            threading.Thread(target=pump, daemon=True).start()
            deadline = time.time() + 1200
            url = None
            while time.time() < deadline:
                try:
                    line = lines.get(timeout=1)
                except queue.Empty:
                    continue
                if line is None:
                    break
                m = re.search(rf"Facet {kind} ready at (\S+)", line)
                if m:
                    url = m.group(1)
                    break
            if url:
                break
            stop_group(self.proc, f"Facet {self.label}")
            tail = open(self.stderr_path).read()[-3000:]
            if attempt < attempts:
                # Others edit this checkout: a build or start failure may be a half-made change.
                log(f"Facet {self.label} did not start (attempt {attempt} of {attempts}; maybe someone is "
                    f"mid-edit); retrying in 60 s with a fresh build. stderr tail:\n{tail[-1500:]}")
                time.sleep(60)
                dist.refresh()
                continue
            raise BenchError(f"Facet {self.label} did not start. stderr tail ({self.stderr_path}):\n{tail}")
        self.announced = loopback(url)
        self.base = f"http://127.0.0.1:{port}" if port else self.announced
        self.pid = self.proc.pid  # the JVM itself
        comm = open(f"/proc/{self.pid}/comm").read().strip()
        log(f"Facet {self.label}: ready at {self.base} (announced {url}; pid {self.pid}, {comm})")

    def repository_dir(self, repo_id):
        return os.path.join(self.home, "data", "repositories", str(repo_id))

    def log_problems(self, limit=20):
        """WARN and ERROR lines (and exception lines) of the node's standard error, for the report."""
        out = []
        try:
            with open(self.stderr_path, errors="replace") as f:
                for line in f:
                    if re.search(r"\b(WARN|ERROR|SEVERE)\b|Exception\b", line):
                        out.append(line.rstrip("\n"))
        except OSError:
            pass
        return out[:limit], len(out)

    def stop(self):
        stop_group(self.proc, f"Facet {self.label}", timeout=60)


class Admin:
    """REST calls to a primary as its administrator."""

    def __init__(self, base, password):
        self.base, self.password = base, password
        token = base64.b64encode(f"admin:{password}".encode()).decode()
        self.auth = f"Basic {token}"

    def call(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        req.add_header("Authorization", self.auth)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw = r.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as e:
            raise BenchError(f"{method} {path} answered {e.code}: {e.read().decode(errors='replace')}")
        except OSError as e:
            raise BenchError(f"{method} {path} failed: {e}")

    def create_public_repository(self, project, name):
        """Creates the project (unless there) and a public repository; returns the repository's id."""
        try:
            self.call("POST", "/rest/api/1.0/projects", {"key": project, "name": project.capitalize()})
        except BenchError as e:
            if " 409:" not in str(e):
                raise
        repo = self.call("POST", f"/rest/api/1.0/projects/{project}/repos", {"name": name, "public": True})
        return repo["id"]

    def push_url(self, url):
        """The URL with the admin's credentials in it, for git push."""
        return url.replace("http://", f"http://admin:{self.password}@", 1)

    def accept_mirror(self, mirror_name, timeout=120):
        """Waits for the mirror's pending authorization request and accepts it."""
        return self.accept_request(f"mirror {mirror_name!r}", lambda r: r.get("name") == mirror_name, timeout)

    def accept_farm(self, farm_id, timeout=120):
        """Waits for the farm's one pending authorization request and accepts it; the farm's id is
        the request's mirror id (a farm node keeps it in HOME/farm-id)."""
        return self.accept_request(f"farm {farm_id}", lambda r: r.get("mirrorId") == farm_id, timeout)

    def accept_request(self, what, matches, timeout):
        deadline = time.time() + timeout
        while True:
            page = self.call("GET", "/rest/mirroring/latest/requests?state=PENDING")
            found = [r for r in page.get("values", []) if matches(r)]
            if len(found) > 1:
                raise BenchError(f"{len(found)} pending authorization requests from {what}, expected one: {found}")
            if found:
                r = found[0]
                self.call("POST", f"/rest/mirroring/latest/requests/{r['id']}/accept")
                log(f"Facet primary: accepted {what} (request {r['id']}, name {r.get('name')!r}, "
                    f"mirror id {r.get('mirrorId')})")
                return r
            if time.time() > deadline:
                raise BenchError(f"no pending authorization request from {what} within "
                                 f"{timeout} s (pending: {page.get('values')})")
            time.sleep(0.2)


def mirror_status(base):
    """(HTTP status, body) of a mirror's GET /status; (None, {"state": error}) when it does not answer."""
    try:
        with urllib.request.urlopen(base + "/status", timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read())
        except ValueError:
            return e.code, {"state": "?"}
    except (OSError, ValueError) as e:
        return None, {"state": str(e)}


def mirror_state(base):
    """(HTTP status, state word) of a mirror's GET /status; (None, error) when it does not answer."""
    code, body = mirror_status(base)
    return code, body.get("state")


def wait_synchronized(mirror, timeout=1800, member_count=None, poll_seconds=0.2):
    """Waits until the mirror's /status answers 200 (SYNCHRONIZED), for a farm node with
    member_count members when given; returns the seconds it took. A long wait polls less often, so
    that the polling is not a share of what is measured."""
    t0 = time.time()
    last_report, last = t0, None
    while True:
        if mirror.proc.poll() is not None:
            raise BenchError(f"{mirror.label} exited ({mirror.proc.returncode}) before it synchronized; "
                             f"see {mirror.stderr_path}")
        code, body = mirror_status(mirror.base)
        state, members = body.get("state"), body.get("memberCount")
        if code == 200 and member_count in (None, members):
            took = time.time() - t0
            log(f"Facet {mirror.label}: /status 200 ({state}"
                + ("" if members is None else f", memberCount {members}") + f") after {took:.1f} s")
            return took
        now = time.time()
        if (code, state, members) != last or now - last_report > 15:
            log(f"Facet {mirror.label}: /status {code} ({state}"
                + ("" if members is None else f", memberCount {members}") + "), waiting")
            last, last_report = (code, state, members), now
        if now - t0 > timeout:
            raise BenchError(f"{mirror.label} did not reach SYNCHRONIZED within {timeout} s "
                             f"(last: {code} {state}, memberCount {members})")
        time.sleep(poll_seconds)


def start_mirror(dist, primary, admin, home, log_dir, name, accept=True):
    """Starts a mirror of the primary and (unless accept is false) accepts its authorization
    request; does not wait for sync."""
    mirror = FacetNode("mirror", dist, home, log_dir, ["--upstream", primary.base, "--name", name], label=name)
    if accept:
        try:
            admin.accept_mirror(name)
        except BaseException:
            mirror.stop()
            raise
    return mirror


def start_farm_node(dist, primary, home, log_dir, name, farm, balancer_url, port, farm_port, members, env=None):
    """Starts one node of a mirror farm (`facet mirror ... --farm`), as README "Mirror farms" says:
    the balancer's URL as its base URL, the same farm name and member list on every node, its own
    home, HTTP port and farm port. The balancer (127.0.0.1) is a trusted proxy. The farm's request
    is accepted once, with Admin.accept_farm, after its first node started."""
    env = dict(os.environ if env is None else env)
    env.setdefault("FACET_HTTP_TRUSTED_PROXIES", "127.0.0.1")
    return FacetNode("mirror", dist, home, log_dir,
                     ["--upstream", primary.base, "--base-url", balancer_url, "--name", name,
                      "--farm", farm, "--farm-port", str(farm_port), "--farm-members", ",".join(members)],
                     env=env, label=name, port=port)


def farm_id(home, timeout=60, starting=None):
    """The farm's id, which its first node agrees on with the cluster and keeps in HOME/farm-id;
    waits for the file. `starting` (a future of that node's start) ends the wait when the start failed."""
    path = os.path.join(home, "farm-id")
    deadline = time.time() + timeout
    while not os.path.exists(path):
        if starting is not None and starting.done():
            starting.result()  # raises why the node did not start
        if time.time() > deadline:
            raise BenchError(f"no {path} within {timeout} s")
        time.sleep(0.1)
    with open(path) as f:
        return f.read().strip()


def pack_summary(repo_dir):
    """(pack bytes, number of packs, whether a bitmap is there, loose object count) of a bare repository."""
    d = os.path.join(repo_dir, "objects", "pack")
    names = os.listdir(d) if os.path.isdir(d) else []
    packs = [f for f in names if f.endswith(".pack")]
    size = sum(os.path.getsize(os.path.join(d, f)) for f in packs)
    loose = 0
    objects = os.path.join(repo_dir, "objects")
    for sub in os.listdir(objects) if os.path.isdir(objects) else []:
        if len(sub) == 2:
            loose += len(os.listdir(os.path.join(objects, sub)))
    return size, len(packs), any(f.endswith(".bitmap") for f in names), loose


def scrape_metrics(base, prefixes):
    """{sample name with labels: value} for the metrics whose names start with one of prefixes."""
    try:
        with urllib.request.urlopen(base + "/metrics", timeout=10) as r:
            text = r.read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if any(line.startswith(p) for p in prefixes):
            k, _, v = line.rpartition(" ")
            try:
                out[k] = float(v)
            except ValueError:
                pass
    return out

#!/usr/bin/env python3
"""Git LFS clone from a Facet mirror, cold (it holds no object yet) and warm (it holds every one),
against the same clone straight from its primary, in one run.

Run it through bench/lfs-clone.sh; bench/README.md ("Git LFS clone through a mirror") says what every
figure means.
"""
import argparse
import datetime
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clone_vs_native import (CLIENT_ENV, GIT, WORK, fmt, git_out, machine_info, median, run,  # noqa: E402
                             tree_cpu)
from facet_nodes import (Admin, BenchError, Distribution, FacetNode, interrupted, run_bench, log, new_password,  # noqa: E402
                         scrape_metrics, start_mirror, wait_synchronized)

FETCHED = "facet_mirror_lfs_fetched_bytes_total"
SERVED = "facet_mirror_lfs_served_bytes_total"
MIB = 2 ** 20


class Nodes:
    """A primary holding BENCH/lfs (public) with the generated LFS files pushed by admin, and a mirror
    of it (facet.mirror.lfs-prefetch at its default, none: it holds no LFS object until a download)."""

    def __init__(self, run_dir, work_tree, env):
        self.primary = self.mirror = None
        try:
            self._start(run_dir, work_tree, env)
        except BaseException:
            self.stop()
            raise

    def _start(self, run_dir, work_tree, env):
        password = new_password()
        self.dist = Distribution(run_dir)
        self.primary = FacetNode("primary", self.dist, os.path.join(run_dir, "facet-primary-home"), run_dir,
                                 env=dict(os.environ, FACET_ADMIN_PASSWORD=password))
        admin = Admin(self.primary.base, password)
        repo_id = admin.create_public_repository("BENCH", "lfs")
        self.primary_url = f"{self.primary.base}/scm/bench/lfs.git"
        log(f"Facet primary: created BENCH/lfs (id {repo_id}); pushing the LFS files (git push, git-lfs upload)")
        t0 = time.perf_counter()
        run(GIT + ["-C", work_tree, "push", "-q", admin.push_url(self.primary_url), "main"], env=env)
        self.push_seconds = time.perf_counter() - t0
        self.mirror = start_mirror(self.dist, self.primary, admin, os.path.join(run_dir, "facet-mirror-home"),
                                   run_dir, "bench-lfs-mirror")
        self.sync_seconds = wait_synchronized(self.mirror)
        self.mirror_url = f"{self.mirror.base}/scm/bench/lfs.git"

    def counters(self):
        found = scrape_metrics(self.mirror.base, (FETCHED, SERVED))
        value = lambda name: sum(v for k, v in found.items() if k.split("{")[0] == name)
        return value(FETCHED), value(SERVED)

    def stop(self):
        for node in (self.mirror, self.primary):
            if node is not None:
                node.stop()


def lfs_client_env(run_dir):
    """The client's environment: CLIENT_ENV with a global configuration of its own that holds only
    git-lfs's filters (`git lfs install`), so clones and pushes run git-lfs as a user's would."""
    config = os.path.join(run_dir, "client-gitconfig")
    open(config, "w").close()
    env = dict(CLIENT_ENV, GIT_CONFIG_GLOBAL=config)
    run(["git", "lfs", "install", "--skip-repo"], env=env, cwd=run_dir)
    return env


def make_work_tree(run_dir, env, files, size):
    """A repository with `files` random files of `size` bytes tracked by git-lfs; {path: sha256}."""
    tree = os.path.join(run_dir, "work-tree")
    run(GIT + ["init", "-q", "-b", "main", tree], env=env)
    git = lambda *a: run(GIT + ["-C", tree, "-c", "user.name=bench", "-c", "user.email=bench@facet"] + list(a),
                         env=env)
    git("lfs", "install")  # the repository's pre-push hook, which uploads the objects on git push
    git("lfs", "track", "*.bin")
    digests = {}
    for i in range(files):
        path = f"assets/file-{i:02d}.bin"
        content = os.urandom(size)
        os.makedirs(os.path.join(tree, "assets"), exist_ok=True)
        with open(os.path.join(tree, path), "wb") as f:
            f.write(content)
        digests[path] = hashlib.sha256(content).hexdigest()
    git("add", ".gitattributes", "assets")
    git("commit", "-q", "-m", f"{files} LFS files of {size} bytes")
    return tree, digests


def check_clone(clone, digests, what):
    for path, want in digests.items():
        with open(os.path.join(clone, path), "rb") as f:
            got = hashlib.sha256(f.read()).hexdigest()
        if got != want:
            raise BenchError(f"{what}: {path} has SHA-256 {got}, pushed {want} (a pointer, not the object?)")


class Clones:
    """Each clone: wall time, CPU of the mirror's and the primary's JVMs, and the mirror's LFS byte
    counters before and after (bytes fetched from the primary, bytes served from its disk)."""

    def __init__(self, run_dir, env, nodes, digests):
        self.dir = os.path.join(run_dir, "clones")
        os.makedirs(self.dir)
        self.env, self.nodes, self.digests = env, nodes, digests
        self.n = 0
        self.raw = {}  # (source, figure) -> list of values

    def clone(self, source, url):
        self.n += 1
        dest = os.path.join(self.dir, f"c{self.n}")
        roots = {"mirror": (self.nodes.mirror.pid,), "primary": (self.nodes.primary.pid,)}
        cpu0 = {k: tree_cpu(r) for k, r in roots.items()}
        fetched0, served0 = self.nodes.counters()
        t0 = time.perf_counter()
        p = subprocess.run(GIT + ["clone", "-q", url, dest], env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            raise BenchError(f"{source}: git clone {url} failed:\n{p.stderr}")
        # The counters are updated as the last bytes leave: read them once the JVMs' CPU is taken.
        cpu1 = {k: tree_cpu(r) for k, r in roots.items()}
        fetched1, served1 = self.nodes.counters()
        check_clone(dest, self.digests, source)
        shutil.rmtree(dest)
        figures = {"wall": wall, "mirror cpu": cpu1["mirror"] - cpu0["mirror"],
                   "primary cpu": cpu1["primary"] - cpu0["primary"],
                   "fetched MiB": (fetched1 - fetched0) / MIB, "served MiB": (served1 - served0) / MIB}
        for k, v in figures.items():
            self.raw.setdefault((source, k), []).append(v)
        log(f"{source}: {wall:.2f} s, mirror CPU {figures['mirror cpu']:.2f} s, primary CPU "
            f"{figures['primary cpu']:.2f} s, fetched from the primary {figures['fetched MiB']:.1f} MiB, "
            f"served from the mirror's disk {figures['served MiB']:.1f} MiB")
        return figures


def parse_args():
    ap = argparse.ArgumentParser(prog="bench/lfs-clone.sh", description=(
        "Git LFS clone from a Facet mirror, cold and warm, against the same clone from its primary, in one "
        "run. See bench/README.md."))
    ap.add_argument("--files", type=int, default=20, help="LFS files in the repository (default 20)")
    ap.add_argument("--mib", type=int, default=5, help="size of each file in MiB, random content (default 5)")
    ap.add_argument("--runs", type=int, default=3,
                    help="warm clones from the mirror and clones from the primary, alternating (default 3)")
    ap.add_argument("--keep", action="store_true", help="keep the run directory (homes, logs, work tree)")
    a = ap.parse_args()
    if a.files < 1 or a.mib < 1 or a.runs < 1:
        ap.error("--files, --mib and --runs must be at least 1")
    return a


def report(args, stamp, info, nodes, clones, load_at_end):
    get = lambda source, fig: clones.raw.get((source, fig), [])
    columns = [("cold: mirror holds nothing", "mirror cold", lambda v: v[0]),
               (f"warm: median of {args.runs}", "mirror warm", median),
               (f"primary: median of {args.runs}", "primary", median)]
    figures = [("clone wall [s]", "wall"), ("mirror JVM CPU [s]", "mirror cpu"),
               ("primary JVM CPU [s]", "primary cpu"), ("LFS fetched from the primary [MiB]", "fetched MiB"),
               ("LFS served from the mirror's disk [MiB]", "served MiB")]
    rows = [[label] + [fmt(agg(get(source, fig))) if get(source, fig) else "n/a" for _, source, agg in columns]
            for label, fig in figures]
    ratio = lambda source: (median(get(source, "wall")) if source != "mirror cold" else get(source, "wall")[0]) \
        / median(get("primary", "wall"))
    rows.append(["wall / primary's"] + [f"{ratio(s):.2f}x" for _, s, _ in columns])
    total = args.files * args.mib
    setup = [
        ("git-lfs", subprocess.run(["git", "lfs", "version"], stdout=subprocess.PIPE, text=True).stdout.strip()),
        ("repository", f"BENCH/lfs (public): {args.files} files of {args.mib} MiB, random content, tracked by "
                       f"git-lfs ({total} MiB of LFS objects), one commit; pushed to the primary in "
                       f"{nodes.push_seconds:.1f} s"),
        ("Facet", f"a primary (pid {nodes.primary.pid}) and a mirror of it (pid {nodes.mirror.pid}, "
                  f"facet.mirror.lfs-prefetch none), both from facet.jar built {nodes.dist.built_at}; the mirror "
                  f"SYNCHRONIZED {nodes.sync_seconds:.1f} s after it was accepted"),
        ("client", "git clone -q (anonymous, git-lfs's smudge filter: a batch request, then 8 transfers at once) "
                   "into a temporary directory; each file's SHA-256 checked; deleted after"),
        ("runs", f"1 cold clone from the mirror, then {args.runs} warm from the mirror and {args.runs} from the "
                 "primary, alternating"),
        ("load at end", load_at_end),
    ]
    for node in (nodes.primary, nodes.mirror):
        lines, count = node.log_problems()
        if count:
            setup.append((f"{node.label} log", f"{count} WARN/ERROR/exception line(s) on standard error"))
            setup += [("", "  " + line[:300]) for line in lines[:5]]
    head = ["figure"] + [c[0] for c in columns]
    w = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "  ".join([r[0].ljust(w[0])] + [r[i].rjust(w[i]) for i in range(1, len(r))])
    print()
    print("lfs-clone: Git LFS clone from a Facet mirror (cold, warm) and from its primary, same run")
    for k, v in info + setup:
        print(f"  {k:13} {v}")
    print()
    print("\n".join([line(head), "  ".join("-" * x for x in w)] + [line(r) for r in rows]))
    print()
    md = [f"# Git LFS clone through a Facet mirror ({stamp})", ""]
    md += [f"- **{k}**: {v}" if k else f"    - `{v.strip()}`" for k, v in info + setup]
    md += ["", "| " + " | ".join(head) + " |", "|---" + "|---:" * len(columns) + "|"]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    md += ["", "## Raw values", ""]
    md += [f"- {source} {fig}: " + ", ".join(f"{v:.3f}" for v in vals) for (source, fig), vals in clones.raw.items()]
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"lfs-clone-{stamp}.md")
    with open(path, "w") as f:
        f.write("\n".join(md) + "\n")
    print(f"Markdown: {path}")


def main():
    args = parse_args()
    if not shutil.which("git-lfs"):
        sys.exit("bench: git-lfs is missing: install the Debian package git-lfs (apt-get install -y git-lfs)")
    signal.signal(signal.SIGTERM, interrupted)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    info = [(k, v) for k, v in machine_info() if k != "nginx"]
    run_dir = os.path.join(WORK, f"lfs-run-{stamp}")
    os.makedirs(run_dir)
    nodes = None

    def measure():
        nonlocal nodes
        env = lfs_client_env(run_dir)
        log(f"generating {args.files} files of {args.mib} MiB (random) tracked by git-lfs")
        tree, digests = make_work_tree(run_dir, env, args.files, args.mib * MIB)
        nodes = Nodes(run_dir, tree, env)
        want = git_out(tree, "rev-parse", "HEAD")
        clones = Clones(run_dir, env, nodes, digests)
        if nodes.counters() != (0, 0):
            raise BenchError(f"the mirror moved LFS bytes before the first clone: {nodes.counters()}")
        log(f"cold clone from the mirror, then {args.runs} warm from the mirror and {args.runs} from the primary")
        clones.clone("mirror cold", nodes.mirror_url)
        for i in range(args.runs):
            pair = [("mirror warm", nodes.mirror_url), ("primary", nodes.primary_url)]
            for source, url in (pair if i % 2 == 0 else pair[::-1]):
                clones.clone(source, url)
        warm_fetched = sum(clones.raw[("mirror warm", "fetched MiB")])
        if warm_fetched:
            raise BenchError(f"warm clones fetched {warm_fetched:.1f} MiB from the primary; they must fetch none")
        if run(GIT + ["ls-remote", nodes.mirror_url, "refs/heads/main"]).split()[0] != want:
            raise BenchError("the mirror does not serve the pushed main")
        load = " ".join(open("/proc/loadavg").read().split()[:3])
        report(args, stamp, info, nodes, clones, load)
        return True

    def stop():
        if nodes is not None:
            nodes.stop()

    run_bench(run_dir, args.keep, measure, stop)


if __name__ == "__main__":
    main()

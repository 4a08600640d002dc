#!/usr/bin/env python3
"""Clone over SSH served by a Facet mirror against native git over OpenSSH (git-shell), in one run.

Run it through bench/ssh-clone.sh; bench/README.md ("Clone over SSH") says what every figure means.
"""
import argparse
import datetime
import os
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clone_vs_native import (CLIENT_ENV, GIT, WORK, Bench, FacetServer, Server, benchmark_repository,  # noqa: E402
                             fmt, free_port, git_out, machine_info, median, refs_of, run)
from facet_nodes import (Admin, BenchError, Distribution, FacetNode, interrupted, run_bench, log, new_password,  # noqa: E402
                         pack_summary, stop_group, wait_synchronized)

SSHD = "/usr/sbin/sshd"
TARGETS = {"warm wall": 1.1, "warm cpu": 1.5}


def ssh_command(key, known_hosts, *extra):
    """The client's ssh: this key only, no agent, no configuration, strict host key checking."""
    return ["ssh", "-F", "/dev/null", "-i", key, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
            "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=yes",
            "-o", "LogLevel=ERROR"] + list(extra)


def host_key_line(port, private_key):
    public = run(["ssh-keygen", "-y", "-f", private_key]).split()
    return f"[127.0.0.1]:{port} {public[0]} {public[1]}\n"


def negotiated(key, known_hosts, port, user, extra):
    """The key exchange, host key and cipher ssh agrees on with the server, from ssh -v."""
    p = subprocess.run(ssh_command(key, known_hosts, *extra, "-v", "-o", "LogLevel=DEBUG1", "-p", str(port),
                                   f"{user}@127.0.0.1", "git-upload-pack", "'/nothing/here.git'"),
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       env=CLIENT_ENV)
    found = {}
    for line in p.stderr.splitlines():
        for label, marker in (("kex", "kex: algorithm: "), ("host key", "kex: host key algorithm: "),
                              ("cipher", "kex: server->client cipher: ")):
            if marker in line:
                found[label] = line.split(marker, 1)[1].strip()
    return ", ".join(f"{k} {v}" for k, v in found.items()) or "?"


class NativeSsh(Server):
    """OpenSSH's sshd run as this user on a free port of 127.0.0.1, with its own host key and
    configuration; the client's key may only run git-shell (command= in authorized_keys)."""
    name = "native"

    def __init__(self, run_dir, base_git, client_key, concurrency):
        self.dir = os.path.join(run_dir, "native-ssh")
        os.makedirs(self.dir)
        self.repo = os.path.join(self.dir, "repos", "bench", "big.git")
        self.proc = None
        run(GIT + ["init", "-q", "--bare", self.repo])
        git_out(self.repo, "config", "receive.autogc", "false")
        log("native: pushing the repository into a fresh bare repository (git push --mirror)")
        git_out(base_git, "push", "-q", "--mirror", self.repo)
        log("native: repacking it with bitmaps (git repack -adb --write-bitmap-index)")
        git_out(self.repo, "repack", "-adb", "--write-bitmap-index", "-q")
        self.pack_info = pack_summary(self.repo)

        self.host_key = os.path.join(self.dir, "ssh_host_ed25519_key")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", self.host_key])
        authorized = os.path.join(self.dir, "authorized_keys")
        with open(client_key + ".pub") as f:
            public = f.read().strip()
        # sshd runs the command through the account's login shell, and bash started by sshd reads
        # ~/.bashrc unless it is a nested shell (SHLVL): an account's rc files (pyenv, nvm, conda ...)
        # would then run on every connection, which a git server's account, whose shell is git-shell,
        # never does. SHLVL=1 from authorized_keys keeps the native side a clean git server.
        with open(authorized, "w") as f:
            f.write('environment="SHLVL=1",command="git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"",no-port-forwarding,'
                    f'no-X11-forwarding,no-agent-forwarding,no-pty {public}\n')
        os.chmod(authorized, 0o600)
        self.port = free_port()
        self.user = subprocess.run(["id", "-un"], stdout=subprocess.PIPE, text=True).stdout.strip()
        config = os.path.join(self.dir, "sshd_config")
        with open(config, "w") as f:
            f.write(f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {self.host_key}
PidFile {self.dir}/sshd.pid
AuthorizedKeysFile {authorized}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AcceptEnv GIT_PROTOCOL
PermitUserEnvironment SHLVL
MaxStartups {concurrency + 10}
MaxSessions {concurrency + 10}
PrintMotd no
""")
        if os.geteuid() == 0:
            # sshd started as root wants its privilege-separation directory, which a system without
            # a running sshd service may lack.
            os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        check = subprocess.run([SSHD, "-t", "-f", config], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
        if check.returncode != 0:
            raise BenchError(f"sshd refuses its configuration {config}:\n{check.stdout}")
        self.log_path = os.path.join(self.dir, "sshd.log")
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stdout=subprocess.DEVNULL,
                                     stderr=open(self.log_path, "w"), start_new_session=True, cwd=self.dir)
        for _ in range(200):
            if self.proc.poll() is not None:
                raise BenchError("sshd exited: " + open(self.log_path).read())
            if "Server listening" in open(self.log_path).read():
                break
            time.sleep(0.05)
        else:
            raise BenchError("sshd did not start listening: " + open(self.log_path).read())
        self.url = f"ssh://{self.user}@127.0.0.1:{self.port}{self.repo}"
        self.roots = (self.proc.pid,)
        log(f"native: OpenSSH sshd (pid {self.proc.pid}) with git-shell at {self.url}")

    def stop(self):
        stop_group(self.proc, "sshd")


class FacetMirrorSsh(FacetServer):
    """A Facet primary and a mirror of it, started by the harness; clones go to the mirror over SSH.
    It stops its nodes and reads their logs as clone_vs_native's FacetServer does."""
    name = "Facet mirror"

    def __init__(self, run_dir, base_git, client_key):
        self.primary = self.mirror = None
        try:
            self._start(run_dir, base_git, client_key)
        except BaseException:
            self.stop()
            raise

    def _start(self, run_dir, base_git, client_key):
        password = new_password()
        env = dict(os.environ, FACET_ADMIN_PASSWORD=password, FACET_BIND_ADDRESS="127.0.0.1")
        self.dist = Distribution(run_dir)
        self.primary = FacetNode("primary", self.dist, os.path.join(run_dir, "facet-primary-home"), run_dir,
                                 env=env)
        admin = Admin(self.primary.base, password)
        repo_id = admin.create_public_repository("BENCH", "big")
        with open(client_key + ".pub") as f:
            admin.call("POST", "/rest/ssh/latest/keys", {"text": f.read().strip(), "label": "bench"})
        log(f"Facet primary: created BENCH/big (id {repo_id}) and registered the client's SSH key for admin")
        log("Facet primary: pushing the repository (git push --mirror)")
        git_out(base_git, "push", "-q", "--mirror", admin.push_url(f"{self.primary.base}/scm/bench/big.git"))
        self.port = free_port()
        self.mirror = FacetNode("mirror", self.dist, os.path.join(run_dir, "facet-mirror-home"), run_dir,
                                ["--upstream", self.primary.base, "--name", "bench-mirror"],
                                env=dict(os.environ, FACET_SSH_PORT=str(self.port)), label="bench-mirror")
        admin.accept_mirror("bench-mirror")
        self.sync_seconds = wait_synchronized(self.mirror)
        self.repo_dir = self.mirror.repository_dir(repo_id)
        self.pack_info = pack_summary(self.repo_dir)
        self.host_key = os.path.join(self.mirror.home, "keys", "ssh_host_ed25519_key")
        self.url = f"ssh://git@127.0.0.1:{self.port}/BENCH/big.git"
        self.roots = (self.mirror.pid,)



def parse_args():
    ap = argparse.ArgumentParser(prog="bench/ssh-clone.sh", description=(
        "Clone over SSH served by a Facet mirror against native git over OpenSSH (sshd + git-shell), "
        "same repository, same run. See bench/README.md."))
    ap.add_argument("--runs", type=int, default=5, help="warm clones per server (default 5)")
    ap.add_argument("--warmup", type=int, default=5, metavar="N",
                    help="unmeasured clones per server between the cold and the warm ones (default 5)")
    ap.add_argument("--concurrency", type=int, default=0,
                    help="also N clones at once per server (default 0: not measured)")
    ap.add_argument("--small", action="store_true", help="the ~1,000-commit repository, for a smoke run")
    ap.add_argument("--cipher", metavar="NAME",
                    help="have the client ask for this cipher only (ssh -c NAME), for both servers; by default "
                         "the client's own preference decides (chacha20-poly1305@openssh.com with OpenSSH 9)")
    ap.add_argument("--keep", action="store_true", help="keep the run directory (homes, logs, sshd configuration)")
    a = ap.parse_args()
    if a.runs < 1 or a.concurrency < 0 or a.warmup < 0:
        ap.error("--runs must be at least 1, --concurrency and --warmup at least 0")
    return a


def report(args, stamp, info, manifest, native, facet, b, ciphers):
    def value(server, key, agg):
        v = b.raw.get((server, key))
        return agg(v) if v else None

    first = lambda v: v[0]
    spec = [("clone over SSH, cold: 1st after start [s]", "cold wall", first),
            (f"clone over SSH, warm: median of {args.runs} [s]", "warm wall", median),
            ("server CPU per clone, cold [s]", "cold cpu", first),
            (f"server CPU per clone, warm: median of {args.runs} [s]", "warm cpu", median)]
    if args.concurrency:
        n = args.concurrency
        spec += [(f"{n} concurrent clones: total wall [s]", "concurrent wall", first),
                 (f"{n} concurrent clones: server CPU per clone [s]", "concurrent cpu", first),
                 (f"{n} concurrent clones: peak server RSS [MiB]", "concurrent rss", first)]
    rows = []
    for label, key, agg in spec:
        f, nat = value(facet.name, key, agg), value(native.name, key, agg)
        ratio = f / nat if f is not None and nat else None
        target = ""
        if key in TARGETS:
            target = f"<= {TARGETS[key]:.2f}x " + ("" if ratio is None else ("ok" if ratio <= TARGETS[key] else "MISS"))
        rows.append((label, fmt(f), fmt(nat), "n/a" if ratio is None else f"{ratio:.2f}x", target.strip()))
    mib = lambda size: f"{size / 2 ** 20:.1f} MiB"
    pack = lambda p: f"{mib(p[0])} in {p[1]} pack(s), {'with' if p[2] else 'WITHOUT'} bitmap, {p[3]} loose objects"
    setup = [
        ("repository", f"{manifest['commits']} commits, {manifest['objects']} objects, {manifest['branches']} "
                       f"branches, {manifest['tags']} tags ({'--small' if args.small else 'full size'}, main "
                       f"{manifest['main'][:12]})"),
        ("Facet", f"mirror (JVM pid {facet.mirror.pid}; its CPU is the server CPU) of a primary, both started by "
                  f"the harness from facet.jar built {facet.dist.built_at}; SYNCHRONIZED {facet.sync_seconds:.1f} s "
                  f"after it was accepted; serves {pack(facet.pack_info)} (its own repack, not the harness's); "
                  f"{facet.url}"),
        ("native", f"OpenSSH {SSHD} (pid {native.proc.pid}; it and every process it starts are the server CPU) "
                   f"with git-shell as the key's command= (and SHLVL=1, so the login shell reads no rc file); serves {pack(native.pack_info)} (repacked by the "
                   f"harness); {native.url}"),
        ("negotiated", f"Facet: {ciphers['facet']}; native: {ciphers['native']}"),
        ("client", "git clone --bare -q (protocol v2, GIT_SSH_COMMAND: OpenSSH client, one key, strict host "
                   "key checking) into a temporary directory, deleted after"),
        ("runs", f"1 cold + {args.warmup} unmeasured + {args.runs} warm clones per server, Facet and native "
                 "alternating"
                 + (f"; {args.concurrency} concurrent clones once per server" if args.concurrency else "")),
    ]
    for kind, (lines, count) in facet.log_problems().items():
        setup.append((f"{kind} log", f"{count} WARN/ERROR/exception line(s) on standard error"))
        setup += [("", "  " + line[:300]) for line in lines[:5]]
    head = ("figure", facet.name, "native", "Facet/native", "target")
    w = [max(len(str(r[i])) for r in rows + [head]) for i in range(5)]
    line = lambda r: "  ".join([r[0].ljust(w[0])] + [str(r[i]).rjust(w[i]) for i in (1, 2, 3)] + [r[4]])
    print()
    print("ssh-clone: clone over SSH from a Facet mirror against native git over OpenSSH, same run")
    for k, v in info + setup:
        print(f"  {k:13} {v}")
    print()
    print("\n".join([line(head), "  ".join("-" * x for x in w)] + [line(r) for r in rows]))
    print()
    raw = [f"- {what}: {srv} " + ", ".join(f"{v:.3f}" for v in vals)
           for (srv, what), vals in sorted(b.raw.items())]
    md = [f"# Clone over SSH: Facet mirror against native git over OpenSSH ({stamp})", ""]
    md += [f"- **{k}**: {v}" if k else f"    - `{v.strip()}`" for k, v in info + setup]
    md += ["", f"| figure | {facet.name} | native | Facet/native | target |", "|---|---:|---:|---:|---|"]
    md += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
    md += ["", "## Raw values", ""] + raw + [""]
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, f"ssh-clone-{stamp}.md")
    with open(path, "w") as f:
        f.write("\n".join(md))
    print(f"Markdown: {path}")


def main():
    args = parse_args()
    if not os.path.exists(SSHD):
        sys.exit(f"bench: {SSHD} is missing: install the Debian package openssh-server "
                 "(apt-get install -y openssh-server); the harness runs its own sshd, not the system's service")
    for tool in ("ssh", "ssh-keygen", "git-shell"):
        if not shutil.which(tool):
            sys.exit(f"bench: {tool} is missing (Debian packages openssh-client and git)")
    signal.signal(signal.SIGTERM, interrupted)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    info = [(k, v) for k, v in machine_info() if k != "nginx"]
    info.insert(6, ("OpenSSH", subprocess.run(["ssh", "-V"], stderr=subprocess.PIPE, text=True).stderr.strip()))

    manifest, base_git, _, expected = benchmark_repository(args.small)

    run_dir = os.path.join(WORK, f"ssh-run-{stamp}")
    os.makedirs(run_dir)
    client_key = os.path.join(run_dir, "client_ed25519")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench@facet", "-f", client_key])
    known_hosts = os.path.join(run_dir, "known_hosts")
    cipher = ["-c", args.cipher] if args.cipher else []
    servers = []

    def measure():
        native = NativeSsh(run_dir, base_git, client_key, args.concurrency)
        servers.append(native)
        facet = FacetMirrorSsh(run_dir, base_git, client_key)
        servers.append(facet)
        with open(known_hosts, "w") as f:
            f.write(host_key_line(native.port, native.host_key) + host_key_line(facet.port, facet.host_key))
        # Every git command of the run (cvn's too) uses this ssh.
        CLIENT_ENV["GIT_SSH_COMMAND"] = " ".join(ssh_command(client_key, known_hosts, *cipher))
        for s in servers:
            s.baseline = frozenset()
            deadline = time.time() + 120
            while refs_of(s.url) != expected:
                if time.time() > deadline:
                    raise BenchError(f"{s.name} does not serve the benchmark repository's refs over SSH")
                time.sleep(0.5)
        # The sessions of those checks end and are reaped before the servers' idle state is taken.
        time.sleep(1)
        for s in servers:
            s.mark_baseline()
        ciphers = {"facet": negotiated(client_key, known_hosts, facet.port, "git", cipher),
                   "native": negotiated(client_key, known_hosts, native.port, native.user, cipher)}
        log(f"negotiated: Facet {ciphers['facet']}; native {ciphers['native']}")
        b = Bench(args, run_dir, manifest)
        pair = [facet, native]
        log(f"full clones over SSH: 1 cold + {args.warmup} unmeasured + {args.runs} warm per server, alternating")
        for s in pair:
            b.clone(s, "cold")
        # A busy server compiled its serving path long ago: without these, the first warm clones of a fresh JVM
        # mostly measure its JIT compiler, which is what the cold row is for.
        for i in range(args.warmup):
            for s in (pair if i % 2 == 0 else pair[::-1]):
                b.clone(s, "unmeasured")
        for i in range(args.runs):
            for s in (pair if i % 2 == 0 else pair[::-1]):
                b.clone(s, "warm")
        if args.concurrency:
            log(f"{args.concurrency} concurrent clones per server")
            for s in pair:
                b.concurrent(s, args.concurrency)
        report(args, stamp, info, manifest, native, facet, b, ciphers)
        return True

    def stop():
        for s in reversed(servers):
            s.stop()

    run_bench(run_dir, args.keep, measure, stop)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Deterministic generator of a realistic Git history, as a `git fast-import` stream.

Everything comes from one fixed seed through a self-contained PRNG (splitmix64), so the stream,
and therefore every object id, is the same on every run, on every machine and Python version:
fixed author names, fixed dates (no clock is read), no hash-order dependence.

The history: a main branch that grows a multi-module source tree (nested directories, text
files that change a few lines at a time, a few binary assets, additions, deletions, renames),
feature branches merged back with merge commits (a few left unmerged), release branches with
fix commits, annotated and lightweight tags.

Outputs:
  stdout            the base history (fast-import stream, ends with `done`)
  --update-out F    a second stream: UPDATE_COMMITS more commits on main, to be imported into a
                    copy of the base repository (starts `from refs/heads/main^0`; its marks
                    continue the base's, so import it with the base import's marks)
  --deletes-out F   refs of merged feature branches to delete after the import
"""
import argparse
import sys

MASK = (1 << 64) - 1

SIZES = {
    # total commits (all branches), initial files, binary asset probability per commit
    "full": dict(commits=10000, initial_files=1800, dirs=160, lines=(40, 260)),
    "small": dict(commits=1000, initial_files=300, dirs=40, lines=(30, 160)),
}


class Rng:
    """splitmix64: tiny, fast enough, and identical everywhere."""

    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def between(self, lo, hi):  # inclusive
        return lo + self.next() % (hi - lo + 1)

    def chance(self, p):
        return (self.next() >> 11) < p * (1 << 53)

    def pick(self, seq):
        return seq[self.next() % len(seq)]

    def skewed(self, n):
        """An index in [0, n) biased towards 0: some files are much hotter than others."""
        return min(self.next() % n, self.next() % n, self.next() % n)

    def randbytes(self, n):
        out = bytearray()
        while len(out) < n:
            out += self.next().to_bytes(8, "little")
        return bytes(out[:n])


SYLLABLES = ("ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ha he hi ho "
             "ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro "
             "ru sa se si so su ta te ti to tu va ve vi vo za ze zi zo tra tre tri pro pre str "
             "ex in on an en un ar er or ur al el il ol").split()
KEYWORDS = ("public private protected static final return if else for while new this void int "
            "long boolean String List Map Optional var try catch throw throws class interface "
            "record import package null true false switch case default break continue").split()
AUTHORS = [
    ("Alice Archer", "alice@facet.example"), ("Bob Brandt", "bob@facet.example"),
    ("Chen Wei", "chen.wei@facet.example"), ("Dana Dvorak", "dana@facet.example"),
    ("Emeka Okafor", "emeka@facet.example"), ("Fatima Zahra", "fatima@facet.example"),
    ("Gustav Lind", "gustav@facet.example"), ("Hana Sato", "hana@facet.example"),
    ("Ivan Petrov", "ivan@facet.example"), ("Julia Costa", "julia@facet.example"),
    ("Kofi Mensah", "kofi@facet.example"), ("Lena Vogel", "lena@facet.example"),
]
TIMEZONES = ["+0000", "+0100", "+0200", "-0500", "+0530", "+0900", "-0800"]
START_TIME = 1546300800  # 2019-01-01T00:00:00Z


class Gen:
    def __init__(self, size, seed=20240601):
        self.p = SIZES[size]
        self.r = Rng(seed)
        self.out = sys.stdout.buffer
        self.mark = 0
        self.time = START_TIME
        self.commits = 0
        self.words = self._make_words(1800)
        self.branches = {}     # ref -> {"files": {path: (mark, lines)}, "tip": mark}
        self.main_paths = []   # paths on main, for random choice (deterministic order)
        self.main_index = {}
        self.locked = set()    # main paths owned by the open feature branch
        self.dirs = []
        self.deleted_refs = []
        self.counter = 0

    # ---------------------------------------------------------------- content
    def _make_words(self, n):
        seen, words = set(), []
        while len(words) < n:
            w = "".join(self.r.pick(SYLLABLES) for _ in range(self.r.between(2, 4)))
            if w not in seen:
                seen.add(w)
                words.append(w)
        return words

    def word(self):
        return self.words[self.r.skewed(len(self.words))]

    def ident(self):
        w = self.word()
        if self.r.chance(0.5):
            w += self.word().capitalize()
        return w

    def camel(self):
        return self.word().capitalize() + self.word().capitalize()

    def line(self, kind):
        r = self.r
        ind = "    " * r.below(4)
        if kind == "java":
            c = r.below(8)
            if c == 0:
                return ind + "// " + " ".join(self.word() for _ in range(r.between(3, 10)))
            if c == 1:
                return ind + "}"
            if c == 2:
                return ind + f"{r.pick(KEYWORDS)} {r.pick(KEYWORDS)} {self.ident()}({self.ident()} {self.ident()}, {self.ident()} {self.ident()}) {{"
            if c == 3:
                return ind + f"return {self.ident()}.{self.ident()}({self.ident()});"
            if c == 4:
                return ind + f"if ({self.ident()} != null && {self.ident()}.{self.ident()}() > {r.below(1000)}) {{"
            return ind + f"{r.pick(KEYWORDS)} {self.ident()} = {self.ident()}.{self.ident()}(\"{self.word()}\", {r.below(100000)});"
        if kind == "md":
            if r.chance(0.1):
                return "#" * r.between(1, 3) + " " + " ".join(self.word().capitalize() for _ in range(r.between(1, 5)))
            return " ".join(self.word() for _ in range(r.between(4, 16))) + "."
        if kind == "xml":
            t = self.word()
            return ind + f"<{t} name=\"{self.ident()}\" value=\"{r.below(100000)}\">{self.word()}</{t}>"
        if kind == "py":
            if r.chance(0.2):
                return ind + f"def {self.ident()}({self.ident()}, {self.ident()}={r.below(100)}):"
            return ind + f"{self.ident()} = {self.ident()}({self.ident()}, \"{self.word()}\")"
        return ", ".join(self.word() for _ in range(r.between(2, 12)))

    @staticmethod
    def kind_of(path):
        ext = path.rsplit(".", 1)[-1]
        return {"java": "java", "md": "md", "xml": "xml", "py": "py"}.get(ext, "txt")

    def new_lines(self, path, n):
        k = self.kind_of(path)
        return tuple(self.line(k) for _ in range(n))

    def edit(self, path, lines):
        r = self.r
        lines = list(lines)
        if r.chance(0.05):  # a larger change: a new block of code
            at = r.below(len(lines) + 1)
            lines[at:at] = self.new_lines(path, r.between(20, 80))
        for _ in range(r.between(1, 3)):
            n = len(lines)
            op = r.below(10)
            at = r.below(n + 1)
            if op < 5 and n > 0:    # change a few lines
                at = min(at, n - 1)
                cnt = r.between(1, 4)
                lines[at:at + cnt] = self.new_lines(path, r.between(1, 5))
            elif op < 8:            # insert
                lines[at:at] = self.new_lines(path, r.between(1, 8))
            elif n > 10:            # delete
                del lines[at:at + r.between(1, 5)]
        if not lines:
            lines = list(self.new_lines(path, 5))
        return tuple(lines)

    # ---------------------------------------------------------------- stream
    def w(self, s):
        self.out.write(s.encode() if isinstance(s, str) else s)

    def data(self, b):
        self.w(b"data %d\n" % len(b))
        self.w(b)
        self.w(b"\n")

    def blob(self, content):
        self.mark += 1
        self.w(b"blob\nmark :%d\n" % self.mark)
        self.data(content)
        return self.mark

    def text_blob(self, lines):
        return self.blob(("\n".join(lines) + "\n").encode())

    def message(self):
        r = self.r
        verb = r.pick(["Fix", "Add", "Remove", "Refactor", "Update", "Document", "Test",
                       "Simplify", "Speed up", "Handle", "Rename", "Move"])
        msg = f"{verb} {' '.join(self.word() for _ in range(r.between(2, 7)))}\n"
        if r.chance(0.6):
            msg += "\n"
            for _ in range(r.between(1, 6)):
                msg += " ".join(self.word() for _ in range(r.between(5, 12))) + "\n"
        return msg

    def ident_line(self, who):
        name, email = AUTHORS[who]
        return f"{name} <{email}> {self.time} {TIMEZONES[who % len(TIMEZONES)]}"

    def commit(self, ref, changes, parents, msg=None):
        """changes: list of ("M", path, mark) or ("D", path)."""
        self.time += self.r.between(120, 12000)
        self.commits += 1
        self.mark += 1
        who = self.r.skewed(len(AUTHORS))
        committer = who if self.r.chance(0.8) else self.r.below(len(AUTHORS))
        out = [f"commit {ref}\nmark :{self.mark}\n",
               f"author {self.ident_line(who)}\n", f"committer {self.ident_line(committer)}\n"]
        self.w("".join(out))
        self.data((msg or self.message()).encode())
        lines = []
        if parents:
            lines.append(f"from {parents[0]}\n")
            for p in parents[1:]:
                lines.append(f"merge {p}\n")
        for c in changes:
            if c[0] == "M":
                lines.append(f"M {c[3] if len(c) > 3 else '100644'} :{c[2]} {c[1]}\n")
            else:
                lines.append(f"D {c[1]}\n")
        lines.append("\n")
        self.w("".join(lines))
        return self.mark

    @staticmethod
    def fr(tip):
        """A parent as fast-import's `from` wants it: a mark, or a ref expression."""
        return tip if isinstance(tip, str) else f":{tip}"

    def tag(self, name, mark, msg):
        self.time += 60
        who = self.r.below(len(AUTHORS))
        self.w(f"tag {name}\nfrom :{mark}\ntagger {self.ident_line(who)}\n")
        self.data(msg.encode())

    def lightweight(self, name, mark):
        self.w(f"reset refs/tags/{name}\nfrom :{mark}\n\n")

    # ---------------------------------------------------------------- tree shape
    def make_dirs(self):
        r = self.r
        modules = []
        while len(modules) < 14:
            m = self.word()
            if m not in modules:
                modules.append(m)
        while len(self.dirs) < self.p["dirs"]:
            m = r.pick(modules)
            c = r.below(10)
            if c < 6:
                d = f"{m}/src/main/java/org/facet/{m}/" + "/".join(self.word() for _ in range(r.between(1, 3)))
            elif c < 8:
                d = f"{m}/src/test/java/org/facet/{m}/" + self.word()
            elif c < 9:
                d = f"docs/{m}/" + self.word()
            else:
                d = f"{m}/src/main/resources/" + self.word()
            if d not in self.dirs:
                self.dirs.append(d)

    def new_path(self, files, d=None):
        while True:
            d = d or self.dirs[self.r.skewed(len(self.dirs))]
            if "/java/" in d:
                ext = "py" if self.r.chance(0.03) else "java"
                name = self.camel()
            elif d.startswith("docs/"):
                ext, name = "md", self.word()
            else:
                ext = self.r.pick(["xml", "txt", "properties"])
                name = self.word()
            p = f"{d}/{name}.{ext}"
            if p not in files:
                return p
            d = None

    # ---------------------------------------------------------------- main-path index
    def _add_main(self, p):
        self.main_index[p] = len(self.main_paths)
        self.main_paths.append(p)

    def _remove_main(self, p):
        i = self.main_index.pop(p)
        last = self.main_paths.pop()
        if i < len(self.main_paths):
            self.main_paths[i] = last
            self.main_index[last] = i

    def main_pick(self):
        for _ in range(50):
            p = self.main_paths[self.r.skewed(len(self.main_paths))]
            if p not in self.locked and not p.endswith(".png"):
                return p
        return None

    # ---------------------------------------------------------------- history
    def initial(self):
        files = {}
        changes = []
        for d in self.dirs:  # every directory gets at least one file
            p = self.new_path(files, d)
            files[p] = None
        while len(files) < self.p["initial_files"]:
            files[self.new_path(files)] = None
        for p in list(files):
            lines = self.new_lines(p, self.r.between(*self.p["lines"]))
            m = self.text_blob(lines)
            files[p] = (m, lines)
            changes.append(("M", p, m))
        tip = self.commit("refs/heads/main", changes, [], "Initial import\n")
        self.branches["refs/heads/main"] = {"files": files, "tip": tip}
        for p in files:
            self._add_main(p)

    def main_commit(self):
        r = self.r
        br = self.branches["refs/heads/main"]
        files = br["files"]
        changes = []
        touched = set()
        for _ in range(1 + (r.below(4) == 0) + (r.below(8) == 0)):
            p = self.main_pick()
            if p is None or p in touched:
                continue
            touched.add(p)
            lines = self.edit(p, files[p][1])
            m = self.text_blob(lines)
            files[p] = (m, lines)
            changes.append(("M", p, m))
        if r.chance(0.12):
            p = self.new_path(files)
            lines = self.new_lines(p, r.between(*self.p["lines"]))
            m = self.text_blob(lines)
            files[p] = (m, lines)
            changes.append(("M", p, m))
            self._add_main(p)
        if r.chance(0.05):  # a new directory
            self.counter += 1
            d = self.dirs[r.below(len(self.dirs))].rsplit("/", 1)[0] + "/" + self.word() + str(self.counter)
            self.dirs.append(d)
        if r.chance(0.01):  # a binary asset, added or replaced whole
            img = [p for p in self.main_paths if p.endswith(".png")]
            if img and r.chance(0.5):
                p = r.pick(img)
            else:
                p = f"{self.dirs[r.below(len(self.dirs))]}/{self.word()}.png"
                if p in files:
                    p = None
            if p:
                m = self.blob(r.randbytes(r.between(20000, 250000)))
                if p not in files:
                    self._add_main(p)
                files[p] = (m, None)
                changes.append(("M", p, m))
        if r.chance(0.015) and len(self.main_paths) > 100:  # delete
            p = self.main_pick()
            if p and p not in touched:
                del files[p]
                self._remove_main(p)
                changes.append(("D", p))
        elif r.chance(0.01):  # rename (a delete and an add of the same blob)
            p = self.main_pick()
            if p and p not in touched:
                q = self.new_path(files)
                files[q] = files.pop(p)
                self._remove_main(p)
                self._add_main(q)
                changes += [("D", p), ("M", q, files[q][0])]
        if not changes:
            return self.main_commit()
        br["tip"] = self.commit("refs/heads/main", changes, [self.fr(br["tip"])])
        return br["tip"]

    def branch_from(self, ref, src):
        s = self.branches[src]
        self.branches[ref] = {"files": dict(s["files"]), "tip": s["tip"], "base": s["tip"]}

    def side_commit(self, ref, owned=None):
        """A commit on a feature or release branch."""
        r = self.r
        br = self.branches[ref]
        files = br["files"]
        changes = []
        if owned is not None:
            if r.chance(0.25) or not owned:
                p = self.new_path(files, br["dir"])
                owned.append(p)
                lines = self.new_lines(p, r.between(*self.p["lines"]))
            else:
                p = r.pick(owned)
                lines = self.edit(p, files[p][1])
        else:
            p = self.main_pick() or self.main_paths[0]
            if p not in files or files[p][1] is None:
                return None
            lines = self.edit(p, files[p][1])
        m = self.text_blob(lines)
        files[p] = (m, lines)
        changes.append(("M", p, m))
        br["tip"] = self.commit(ref, changes, [self.fr(br["tip"])])
        return br["tip"]

    def run(self, update_out, update_commits, deletes_out):
        r = self.r
        total = self.p["commits"]
        self.make_dirs()
        self.initial()
        feature = None       # (ref, owned paths, remaining commits)
        releases = []        # [ref, version, fixes]
        next_release = total * 3 // 10
        main_count = 0
        while self.commits < total:
            if feature is None and self.commits < total - 200 and r.chance(1 / 160):
                self.counter += 1
                name = f"{self.word()}-{self.word()}"
                ref = f"refs/heads/feature/{name}"
                if ref in self.branches:
                    continue
                self.branch_from(ref, "refs/heads/main")
                self.branches[ref]["dir"] = self.dirs[r.below(len(self.dirs))].rsplit("/", 1)[0] + f"/{name.replace('-', '')}{self.counter}"
                owned = []
                for _ in range(r.between(2, 6)):
                    p = self.main_pick()
                    if p and p not in owned:
                        owned.append(p)
                self.locked = set(owned)
                feature = [ref, owned, r.between(8, 50)]
            if feature and r.chance(0.35):
                self.side_commit(feature[0], feature[1])
                feature[2] -= 1
                if feature[2] <= 0 and self.commits < total:
                    ref, owned = feature[0], feature[1]
                    fb = self.branches[ref]
                    if r.chance(0.85):  # merge it into main
                        main = self.branches["refs/heads/main"]
                        changes = []
                        for p in owned:
                            m, lines = fb["files"][p]
                            if p not in main["files"]:
                                self._add_main(p)
                            main["files"][p] = (m, lines)
                            changes.append(("M", p, m))
                        short = ref[len("refs/heads/"):]
                        main["tip"] = self.commit("refs/heads/main", changes,
                                                  [self.fr(main["tip"]), self.fr(fb["tip"])],
                                                  f"Merge branch '{short}'\n")
                        self.deleted_refs.append(ref)
                    feature = None
                    self.locked = set()
                continue
            if releases and r.chance(0.03):
                rel = releases[-1]
                if self.side_commit(rel[0]) is not None:
                    rel[2] += 1
                    if rel[2] % 5 == 0:
                        v = f"v{rel[1]}.0.{rel[2] // 5}"
                        self.tag(v, self.branches[rel[0]]["tip"], f"Release {v}\n")
                continue
            tip = self.main_commit()
            main_count += 1
            if self.commits >= next_release:
                n = len(releases) + 1
                ref = f"refs/heads/release/{n}.x"
                self.branch_from(ref, "refs/heads/main")
                releases.append([ref, n, 0])
                self.tag(f"v{n}.0.0", tip, f"Release {n}.0.0\n")
                next_release += total * 3 // 10
            elif main_count % 700 == 0:
                self.lightweight(f"milestone-{main_count // 700}", tip)
        self.w("done\n")
        self.out.flush()

        # The merged feature branches are gone, except the last two, as in a real project.
        with open(deletes_out, "w") as f:
            for ref in self.deleted_refs[:-2]:
                f.write(ref + "\n")

        # The update: more commits on main, imported later into a copy of the base.
        # Its marks continue the base's: import it with the base import's exported marks.
        self.out = open(update_out, "wb")
        main = self.branches["refs/heads/main"]
        main["tip"] = "refs/heads/main^0"
        for i in range(update_commits):
            tip = self.main_commit()
            main["tip"] = tip
        self.w("done\n")
        self.out.close()

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=sorted(SIZES), default="full")
    ap.add_argument("--update-out", required=True)
    ap.add_argument("--update-commits", type=int, default=200)
    ap.add_argument("--deletes-out", required=True)
    a = ap.parse_args()
    Gen(a.size).run(a.update_out, a.update_commits, a.deletes_out)


if __name__ == "__main__":
    main()

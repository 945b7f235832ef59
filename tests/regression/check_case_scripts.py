#!/usr/bin/python3
"""The case scripts' arguments (regression.case_scripts; about a second: every refusal comes before any work).

    check_case_scripts.py DIR

Every cases/*/run.sh: -h and --help print its usage and exit 0, an option where the output directory belongs is
refused (exit 2) and creates nothing. scripts/run-cases.sh: -h; unknown case names are refused before the build,
naming each. cases/aion/run.sh: a stray positional and --size without its value are refused before the build.
Every cases/*/run.sh --help names each environment variable the script reads. cases/kolmogorov-surrogate/run.sh: a bad
AUGMENT_SHIFTS, REUSE_DATA or REUSE_MODELS other than 0 or 1, and HEAD_OPTIONS outside the long mode are refused (exit 2)
before any run (cases/ks-surrogate/run.sh: REUSE_DATA too); cost.sh has a usage.
cases/airfoil/run.sh (with stand-ins for xfoil and OpenFOAM, and no design): --sanity with --out is refused; the dataset is built from the --work
given, into that directory (never the committed data/airfoil_mf.h5), refused with one line when a fidelity has no
case, and not built under --only; --only lf needs xfoil alone (not OpenFOAM), and a missing tool is named with its
Debian package. mpirun and mpiexec are stand-ins that fail at once, so that a script which
ignored its bad arguments stops there rather than run a case. And the Markdown tables of the committed documents
(the cases' READMEs and summaries quote the scripts' tables): a row with an unescaped | in a cell, or a row left
outside its table by a line of prose, renders as something else. A cases/ script that a cases' README quotes as a
command (an indented line, or after &&) is executable.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: stand-ins; call() fails on a sanitizer report)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
failures = []


def run(cmd, cwd, env=None):
    # BUILD_DIR: a build directory cmake cannot use (cases/aion/run.sh builds there): a script must stop before it
    return script_runner.call(cmd, cwd=cwd, env=dict(BUILD_DIR=os.path.join(cwd, "fake-build"), **(env or {})),
                              stub=os.path.join(cwd, "stub"))


def expect(what, got, code, out_has=(), err_has=(), out_lacks=()):
    rc, out, err = got
    if rc != code or not all(s in out for s in out_has) or not all(s in err for s in err_has) or any(s in out for s in out_lacks):
        failures.append("%s: exit %s (expected %s), stdout %r, stderr %r" % (what, rc, code, out[-300:], err[-300:]))


def markdown_tables():
    """Table rows (lines from | to |) outside fenced code: each in a table (a header row and its delimiter row above
    it, no other line between) with the header's number of cells (\\| escaped)."""
    try:  # the committed documents; without git (a source tarball), those a glob finds outside build directories
        files = subprocess.run(["git", "ls-files", "*.md"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        files = [os.path.relpath(f, ROOT) for f in glob.glob(os.path.join(ROOT, "**", "*.md"), recursive=True)
                 if not os.path.relpath(f, ROOT).startswith(("build", "install"))]
    cells = lambda line: len(line.replace("\\|", "").strip().strip("|").split("|"))  # noqa: E731
    for f in files:
        lines, fence, n = open(os.path.join(ROOT, f)).read().splitlines(), False, None
        for i, line in enumerate(lines):
            if line.lstrip().startswith("```"):
                fence, n = not fence, None
            elif fence:
                continue
            elif line.startswith("|") and line.rstrip().endswith("|"):
                if n is None and not re.match(r"^\|\s*:?-", lines[i + 1] if i + 1 < len(lines) else ""):
                    failures.append("%s:%d: a table row outside its table: %s" % (f, i + 1, line[:100]))
                elif n is None:
                    n = cells(line)
                elif cells(line) != n:
                    failures.append("%s:%d: %d cells in a table of %d (an unescaped |?): %s" % (f, i + 1, cells(line), n, line[:100]))
            else:
                n = None
    quoted = re.compile(r"(?:^ {4}|&& )(cases/[\w/-]+\.(?:py|sh))\b")
    for f in (f for f in files if f.startswith("cases/")):
        for i, line in enumerate(open(os.path.join(ROOT, f)), 1):
            for m in quoted.finditer(line):
                if not os.access(os.path.join(ROOT, m.group(1)), os.X_OK):
                    failures.append("%s:%d runs %s, which is not executable" % (f, i, m.group(1)))


def main():
    d = script_runner.scratch(sys.argv[1])
    script_runner.stand_ins(os.path.join(d, "stub"), ("mpirun", "mpiexec", "xfoil", "simpleFoam", "gmshToFoam"))  # fail at once

    fake = os.path.join(d, "fake-build")
    os.makedirs(fake, exist_ok=True)
    open(os.path.join(fake, "CMakeCache.txt"), "w").close()
    for script in sorted(glob.glob(os.path.join(ROOT, "cases", "*", "run.sh"))):
        case = os.path.basename(os.path.dirname(script))
        for h in ("-h", "--help"):
            expect("%s %s" % (case, h), run(["bash", script, h], d), 0, out_has=("Usage:",))
        if case != "airfoil":  # its arguments are the sweep's options (below)
            expect("%s -x" % case, run(["bash", script, "-x"], d), 2, err_has=("'-x'",))
        # every environment variable the script reads (${NAME:-...} and the like) is in its usage
        names = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):?[-+=?]", open(script).read()))
        usage = run(["bash", script, "--help"], d)[1]
        for name in sorted(n for n in names if not re.search(r"\b%s\b" % n, usage)):
            failures.append("%s reads %s, which its --help does not name" % (os.path.relpath(script, ROOT), name))
    if any(os.path.exists(os.path.join(d, n)) for n in ("-x", "-h", "--help")):
        failures.append("a run.sh created a directory named after an option")

    rc = os.path.join(ROOT, "scripts", "run-cases.sh")
    expect("run-cases.sh -h", run(["bash", rc, "-h"], d), 0, out_has=("Usage:", "SNAPS_NP"))
    expect("run-cases.sh a typo", run(["bash", rc, "a", "typo"], d), 2, err_has=("'a'", "'typo'"), out_lacks=("Built target", "== case"))
    # cases/airfoil/run.sh generates the data (XFOIL, OpenFOAM) and takes no output directory: not a case to run
    expect("run-cases.sh airfoil", run(["bash", rc, "airfoil"], d), 2, err_has=("'airfoil'", "airfoil-mf"), out_lacks=("Built target", "== case"))

    aion = os.path.join(ROOT, "cases", "aion", "run.sh")
    expect("aion run.sh OUT quick", run(["bash", aion, os.path.join(d, "aion"), "quick"], d), 2, err_has=("'quick'",))
    expect("aion run.sh OUT --size", run(["bash", aion, os.path.join(d, "aion"), "--size"], d), 2, err_has=("--size needs a value",))
    # -starts after -- and --size both set the starts per box (the last -starts won, and the banner said the size's)
    expect("aion run.sh OUT --size full -- -starts 5", run(["bash", aion, os.path.join(d, "aion"), "--size", "full", "--", "-starts", "5"], d),
           2, err_has=("--size full and -starts 5 both set the starts per box",))

    kol = os.path.join(ROOT, "cases", "kolmogorov-surrogate")
    for bad in ("x", "0", "2.5"):
        out = os.path.join(d, "kol_%s" % bad)
        expect("kolmogorov-surrogate AUGMENT_SHIFTS=%s" % bad, run(["bash", os.path.join(kol, "run.sh"), out], d, {"AUGMENT_SHIFTS": bad}), 2,
               err_has=("AUGMENT_SHIFTS",))
        if os.path.exists(out):
            failures.append("kolmogorov-surrogate AUGMENT_SHIFTS=%s: the output directory was made before the refusal" % bad)
    # an on/off switch other than 0 or 1 (REUSE_DATA=yes was read as 0: the data remade, hours in the long modes) and
    # HEAD_OPTIONS outside the long mode (no categorical heads fitted with them: dropped) are refused before any work
    ks = os.path.join(ROOT, "cases", "ks-surrogate", "run.sh")
    for script, env, name in ((os.path.join(kol, "run.sh"), {"REUSE_DATA": "yes"}, "REUSE_DATA='yes'"),
                              (os.path.join(kol, "run.sh"), {"REUSE_MODELS": "true"}, "REUSE_MODELS='true'"),
                              (os.path.join(kol, "run.sh"), {"HEAD_OPTIONS": "-head_stride 2"}, "HEAD_OPTIONS='-head_stride 2'"),
                              (ks, {"REUSE_DATA": "yes"}, "REUSE_DATA='yes'")):
        out = os.path.join(d, "switch_out")
        expect("%s with %s" % (os.path.relpath(script, ROOT), env), run(["bash", script, out], d, env), 2, err_has=(name,))
        if os.path.exists(out):
            failures.append("%s with %s: the output directory was made before the refusal" % (os.path.relpath(script, ROOT), env))
    expect("cost.sh -h", run(["bash", os.path.join(kol, "cost.sh"), "-h"], d), 0, out_has=("Usage:",))
    expect("cost.sh without a directory", run(["bash", os.path.join(kol, "cost.sh")], d), 2, err_has=("usage",))

    airfoil = os.path.join(ROOT, "cases", "airfoil", "run.sh")
    committed = os.path.join(ROOT, "cases", "airfoil", "data", "airfoil_mf.h5")
    before = os.stat(committed).st_mtime_ns
    work = os.path.join(d, "airfoil_work")
    expect("airfoil run.sh --work W, no design", run(["bash", airfoil, "--work", work, "--lf", "0", "--hf", "0"], d), 1,
           err_has=("build_dataset: %s: no converged LF case" % work,))
    expect("airfoil run.sh --work W --only lf", run(["bash", airfoil, "--work", work, "--lf", "0", "--only", "lf"], d), 0, out_has=("no dataset built",))
    expect("airfoil run.sh --work", run(["bash", airfoil, "--work"], d), 2, err_has=("--work needs a value",))
    # --sanity writes sanity.json/png and builds no dataset: --out before it was silently ignored (after it, refused)
    for args in (["--out", os.path.join(d, "sanity.h5"), "--sanity"], ["--sanity", "--out", os.path.join(d, "sanity.h5")]):
        expect("airfoil run.sh %s" % " ".join(args), run(["bash", airfoil] + args, d), 2, err_has=("--sanity takes no other argument",))
    # the tools checked are those of the fidelities asked for, each missing one named with its package: the LF sweep
    # runs with xfoil alone (no OpenFOAM: its environment script pointed nowhere); the HF sweep names what it lacks
    lf_only = script_runner.stand_ins(os.path.join(d, "stub_lf"), ("xfoil",))
    no_foam = {"OPENFOAM_BASHRC": os.path.join(d, "no-openfoam-bashrc")}
    expect("airfoil run.sh --only lf without OpenFOAM", script_runner.call(
        ["bash", airfoil, "--work", work, "--lf", "0", "--only", "lf"], cwd=d, env=no_foam, stub=lf_only), 0,
        out_has=("no dataset built",))
    if not any(shutil.which(t) for t in ("simpleFoam", "gmshToFoam")):  # else OpenFOAM is there: nothing to name
        got = script_runner.call(["bash", airfoil, "--work", work, "--lf", "0", "--only", "hf"], cwd=d, env=no_foam,
                                 stub=lf_only)
        expect("airfoil run.sh --only hf without OpenFOAM", got, 1,
               err_has=("simpleFoam not found", "gmshToFoam not found", "Debian package openfoam",
                        "install-deps.sh --airfoil"))
        if "xfoil" in got[2]:
            failures.append("airfoil run.sh --only hf named xfoil, which the HF sweep does not run: %r" % got[2][-300:])
    # sweep.py builds XFOIL's helper library with cc also for the HF sweep alone: --only hf names a missing cc (PATH:
    # what run.sh itself needs and stand-ins for the HF tools, no cc)
    bare = script_runner.stand_ins(os.path.join(d, "stub_no_cc"), ("gmsh", "gmshToFoam", "simpleFoam"))
    for tool in ("bash", "dirname", "env", "nice", "realpath"):
        os.symlink(shutil.which(tool), os.path.join(bare, tool))
    expect("airfoil run.sh --only hf without cc", script_runner.call(
        [shutil.which("bash"), airfoil, "--work", os.path.join(d, "airfoil_work_no_cc"), "--lf", "0", "--only", "hf"], cwd=d,
        env=dict(no_foam, PATH=bare)), 1, err_has=("cc not found (needed for the HF sweep): Debian package build-essential",))
    # --reuse: a relative path is the caller's (run.sh runs the sweep in its own directory), a missing file refused
    expect("airfoil run.sh --reuse", run(["bash", airfoil, "--reuse"], d), 2, err_has=("--reuse needs a value",))
    expect("airfoil run.sh --reuse missing.h5", run(["bash", airfoil, "--work", work, "--lf", "0", "--only", "lf",
                                                      "--reuse", "missing.h5"], d), 2,
           err_has=("--reuse %s: no such file" % os.path.join(d, "missing.h5"),))
    expect("airfoil run.sh --only xx", run(["bash", airfoil, "--only", "xx"], d), 2, err_has=("--only 'xx'",))
    if os.stat(committed).st_mtime_ns != before:
        failures.append("cases/airfoil/run.sh --work %s rewrote the committed %s" % (work, committed))

    markdown_tables()
    if failures:
        sys.exit("case scripts:\n  " + "\n  ".join(failures))
    print("case scripts: usage, refused arguments, the airfoil dataset's work directory; the documents' tables and commands")


if __name__ == "__main__":
    main()

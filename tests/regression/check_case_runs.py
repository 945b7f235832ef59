#!/usr/bin/python3
"""How the case and bench scripts start a run (regression.case_runs; about 2 s, bash and Python only: mpirun and mpiexec
are stand-ins, no SNAPS program runs).

    check_case_runs.py DIR [outputs] [spaces]   (the parts to check; default both: regression.case_runs runs the first,
                                                regression.case_spaces the second, each under 2 s alone)

- A run removes first the files of an earlier run in its output directory that it would not rewrite (cases/ks: the
  full mode's lyapunov100.*; cases/kolmogorov: lyapunov.*, ranks*_*.json; cases/poisson: runs/; cases/aion: aion.json,
  table.md, aion_paths.png (bench_aion failing at once); cases/poisson-mf: an
  earlier run's fits and results; cases/parametric-poisson: an earlier run's families; cases/airfoil-mf: evaluate.py's
  file names only, not a user's seed1_notes.txt or scaling_study.ods): here mpirun fails at once, so
  what is left is what the run removed before its first program; a case's committed reference/ directory is refused
  as an output directory (nothing removed).
- cases/airfoil-mf/run.sh refuses an argument it does not take (evaluate.py's --retable wrote no results, and run.sh
  then plotted an earlier run's), naming the ones it takes, before it creates the output directory.
- The surrogate cases' scripts, run from a root and into an output directory whose paths hold a space: every argument
  of every mpirun they start is whole (the stand-in logs them).
- bench/poisson-peers/run.sh and bench/flows/ranks.sh check their arguments before they install, build or run anything
  (ranks.sh ignored them and replaced the committed results; run.sh took an option for its output directory).
- Every executable Python script of the repository starts with #!/usr/bin/python3 (the one with h5py and matplotlib),
  and no Markdown document runs a script with a bare python3.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "postprocess"))
import checks  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tests"))
import script_runner  # noqa: E402  (tests/script_runner.py: stand-ins, and scripts run with them on PATH)

failures = []
LOG = "stub.log"


def run(cmd, d, env=None, cwd=None):
    return script_runner.call(cmd, cwd=cwd or d, env=dict(STUB_LOG=os.path.join(d, LOG), **(env or {})),
                              stub=os.path.join(d, "stub"))


def stubs(d, mode):
    """mpirun and mpiexec stand-ins: 'fail' exits 97 at once; 'log' writes each argument on a line of $STUB_LOG (a
    line -- after each call), a results JSON where -results is given, and succeeds."""
    text = {"fail": script_runner.FAIL_AT_ONCE,
            "log": '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a" >> "$STUB_LOG"; done\necho -- >> "$STUB_LOG"\nprev=\n'
                   'for a in "$@"; do [ "$prev" = -results ] && echo \'{"wall_time_s": 0}\' > "$a"; prev=$a; done\nexit 0\n'}[mode]
    script_runner.stand_ins(os.path.join(d, "stub"), ("mpirun", "mpiexec"), text)


def stale_files(d):
    stubs(d, "fail")
    cases = {  # case: (arguments after the output directory, files of an earlier run it must remove)
        "ks": (["quick"], ["lyapunov100.json", "lyapunov100.log"]),
        "kolmogorov": (["quick"], ["lyapunov.json", "lyapunov.log", "ranks1_2.json", "ranks2_3.json"]),
        "poisson": ([], ["runs/kan_fem_q1_129.json"]),
        "poisson-mf": ([], ["mf_ar1_0.1_5_fit.json", "hf_only1_0.3_5.h5", "results.json", "table.md", "poisson_mf.png"]),
        "parametric-poisson": (["--families", "load"], ["design/eval_zero_gamg_0.json", "results.json", "guess_iterations.png"]),
    }
    # the Python-driven cases refuse to start without their programs: run from a tree whose build/bin holds stand-ins
    # (the runs are mpirun's stand-in's, failing at once)
    programs = {"poisson": ["snaps-poisson"], "poisson-mf": ["snaps-poisson-param", "snaps-fit", "snaps-predict"],
                "parametric-poisson": ["snaps-poisson-param", "snaps-pod"]}
    for case, (args, stale) in cases.items():
        out = os.path.join(d, "stale_" + case)
        for name in stale + ["mine.txt"]:  # mine.txt: not the case's, kept
            os.makedirs(os.path.dirname(os.path.join(out, name)), exist_ok=True)
            open(os.path.join(out, name), "w").close()
        root = ROOT
        if case in programs:
            root = script_runner.linked_tree(os.path.join(d, "tree_" + case), ["cases/" + case, "scripts"], programs[case])
        rc, so, se = run(["bash", os.path.join(root, "cases", case, "run.sh"), out] + args, d)
        left = [n for n in stale if os.path.exists(os.path.join(out, n))]
        if rc == 0 or left or not os.path.exists(os.path.join(out, "mine.txt")):
            failures.append("%s run.sh OUT %s (mpirun failing at once): exit %s; an earlier run's %s left in OUT%s; %r" % (
                case, " ".join(args), rc, left, "" if os.path.exists(os.path.join(out, "mine.txt")) else ", a file not the case's removed",
                se[-200:]))

    # airfoil-mf: evaluate.py (run by /usr/bin/python3, not a stand-in) stops at its first program: SNAPS_NP 2 starts it
    # with mpiexec, the stand-in, which fails at once (with 1 it ran build/bin's real snaps-fit, the whole case: a
    # timeout; a SNAPS_NP that is not a number is refused by run.sh before it removes anything: regression.top_scripts);
    # its earlier outputs go first, the user's files with similar names stay (a broad glob removed them)
    out = os.path.join(d, "stale_airfoil-mf")
    stale = ["results.json", "scaling_625.h5", "scaling_625.h5.model", "scaling_625_fit.json.log",
             "seed1_residual_010_ylf_pred.h5", "seed0_budget_030_fit.json"]
    mine = ["mine.txt", "seed1_notes.txt", "scaling_study.ods", "seed1_notes_100x/keep.txt", "scaling_625/keep.txt"]
    for name in stale + mine:
        os.makedirs(os.path.dirname(os.path.join(out, name)), exist_ok=True)
        open(os.path.join(out, name), "w").close()
    rc, so, se = run(["bash", os.path.join(ROOT, "cases", "airfoil-mf", "run.sh"), out, "quick"], d, env={"SNAPS_NP": "2"})
    left = [n for n in stale if os.path.exists(os.path.join(out, n))]
    gone = [n for n in mine if not os.path.exists(os.path.join(out, n))]
    if rc == 0 or left or gone:
        failures.append("airfoil-mf run.sh OUT quick (evaluate.py failing at once): exit %s; an earlier run's %s left in OUT; "
                        "files not the case's removed: %s; %r" % (rc, left, gone, se[-200:]))

    # aion: bench_aion (BUILD_DIR's, a stand-in failing at once; cmake a stand-in that succeeds) writes aion.json, then
    # table.md and the figure are made from it: a failed bench left an earlier run's three beside this run's bench.log
    out, build = os.path.join(d, "stale_aion"), os.path.join(d, "aion-build")
    stale = ["aion.json", "table.md", "aion_paths.png", "bench.log"]
    script_runner.executable(os.path.join(build, "bin", "bench_aion"), script_runner.FAIL_AT_ONCE)
    open(os.path.join(build, "CMakeCache.txt"), "w").close()
    stub = script_runner.stand_ins(os.path.join(d, "stub_aion"), ("cmake",), "#!/bin/sh\nexit 0\n")
    for name in stale + ["mine.txt"]:
        os.makedirs(out, exist_ok=True)
        open(os.path.join(out, name), "w").close()
    rc, so, se = script_runner.call(["bash", os.path.join(ROOT, "cases", "aion", "run.sh"), out], cwd=d,
                                    env={"BUILD_DIR": build}, stub=stub)
    left = [n for n in stale[:3] if os.path.exists(os.path.join(out, n))]
    if rc == 0 or left or not os.path.exists(os.path.join(out, "mine.txt")):
        failures.append("aion run.sh OUT (bench_aion failing at once): exit %s; an earlier run's %s left in OUT%s; %r" % (
            rc, left, "" if os.path.exists(os.path.join(out, "mine.txt")) else ", a file not the case's removed", se[-200:]))

    fake = os.path.join(d, "fakecase")  # a case of its own, with a committed reference/ directory
    os.makedirs(os.path.join(fake, "reference"), exist_ok=True)
    open(os.path.join(fake, "reference", "table.md"), "w").close()
    with open(os.path.join(fake, "run.sh"), "w") as f:
        f.write('source "%s/scripts/case-args.sh"\ncase_clean "$1" "$1/table.md"\necho cleaned\n' % ROOT)
    rc, so, se = run(["bash", os.path.join(fake, "run.sh"), os.path.join(fake, "reference")], d)
    if rc != 2 or "reference" not in se or not os.path.exists(os.path.join(fake, "reference", "table.md")):
        failures.append("case_clean into the case's reference/: exit %s, %r (expected a refusal, nothing removed)" % (rc, se[-200:]))
    try:
        checks.clean_earlier(os.path.join(fake, "reference"), fake, ["table.md"])
        failures.append("checks.clean_earlier into the case's reference/ was not refused")
    except SystemExit as e:
        if "reference" not in str(e.code) or not os.path.exists(os.path.join(fake, "reference", "table.md")):
            failures.append("checks.clean_earlier into reference/: %r, or the file was removed" % e.code)


def airfoil_arguments(d):
    script = os.path.join(ROOT, "cases", "airfoil-mf", "run.sh")
    for args in (["--retable"], ["quick", "--seeds", "--search"], ["full", "x"]):
        out = os.path.join(d, "af_" + "_".join(a.strip("-") for a in args))
        rc, so, se = run(["bash", script, out] + args, d)
        if rc != 2 or "[quick|full] [--seeds] [--fixed_weight]" not in se or os.path.exists(out):
            failures.append("airfoil-mf run.sh OUT %s: exit %s, %r (expected a refusal naming run.sh's arguments, before "
                            "OUT is made)" % (" ".join(args), rc, se[-300:]))


def spaces(d):
    stubs(d, "log")
    spaced = os.path.join(d, "with space")
    os.makedirs(spaced, exist_ok=True)
    root = os.path.join(spaced, "root")
    os.symlink(ROOT, root)
    out = os.path.join(d, "out dir")
    os.makedirs(out)
    runs = [("ks-surrogate run.sh", ["bash", os.path.join(root, "cases", "ks-surrogate", "run.sh"), out, "quick"]),
            ("kolmogorov-surrogate run.sh", ["bash", os.path.join(root, "cases", "kolmogorov-surrogate", "run.sh"), out, "quick"]),
            ("kolmogorov-surrogate cost.sh", ["bash", os.path.join(root, "cases", "kolmogorov-surrogate", "cost.sh"), out, "1"])]
    for what, cmd in runs:
        log = os.path.join(d, LOG)
        if os.path.exists(log):
            os.remove(log)
        for f in ("truth_a.h5", "sna_deterministic.h5"):  # cost.sh's inputs (the stand-in reads nothing)
            open(os.path.join(out, f), "a").close()
        rc, so, se = run(cmd, d, {"SOLVER_WRITES": "1"})
        args = open(log).read().splitlines() if os.path.exists(log) else []
        broken = [a for a in args if a.endswith(("/with", "/out")) or a.startswith(("space/", "dir/"))]
        if not args or broken or not any("with space/root/build/bin/" in a for a in args):
            failures.append("%s from a root and into a directory with spaces: %d mpirun arguments logged, broken at the "
                            "space: %s; %r" % (what, len(args), broken[:4], se[-300:]))


def bench_arguments(d):
    ranks = os.path.join(ROOT, "bench", "flows", "ranks.sh")
    committed = os.path.join(ROOT, "bench", "results", "kolmogorov_ranks.json")
    before = os.stat(committed).st_mtime_ns
    stubs(d, "fail")
    rc, so, se = run(["bash", ranks, "--help"], d)
    if rc != 0 or "Usage:" not in so:
        failures.append("bench/flows/ranks.sh --help: exit %s, %r (expected its usage)" % (rc, so[-200:]))
    rc, so, se = run(["bash", ranks, "128"], d)
    if rc != 2 or "'128'" not in se:
        failures.append("bench/flows/ranks.sh 128: exit %s, %r (expected a refusal: it takes no arguments)" % (rc, se[-200:]))
    if os.stat(committed).st_mtime_ns != before:
        failures.append("bench/flows/ranks.sh rewrote the committed %s" % committed)
    # a failed run leaves no temporary directory behind (s25: it was removed only after a whole run)
    tmp = os.path.join(d, "ranks_tmp")
    os.makedirs(tmp, exist_ok=True)
    rc, so, se = run(["bash", ranks], d, {"TMPDIR": tmp})
    if rc == 0 or os.listdir(tmp):
        failures.append("bench/flows/ranks.sh with a failing mpirun: exit %s, left %s in TMPDIR" % (rc, os.listdir(tmp)))
    for script in (("bench", "run.sh"), ("bench", "fit", "run.sh")):  # usage, not a refusal or a build and run
        for h in ("-h", "--help"):
            rc, so, se = run(["bash", os.path.join(ROOT, *script), h], d)
            if rc != 0 or "Usage:" not in so:
                failures.append("%s %s: exit %s, %r (expected its usage)" % ("/".join(script), h, rc, (so + se)[-200:]))
    peers = os.path.join(ROOT, "bench", "poisson-peers", "run.sh")
    for args, code, where, text in ((["--help"], 0, "out", "Usage:"), (["--retabel"], 2, "err", "--retabel"),
                                    ([os.path.join(d, "peers"), "--np", "0"], 2, "err", "--np")):
        rc, so, se = run(["bash", peers] + args, d)
        got = so if where == "out" else se
        if rc != code or text not in got or os.path.exists(os.path.join(d, "--retabel")):
            failures.append("bench/poisson-peers/run.sh %s: exit %s (expected %s), %r" % (" ".join(args), rc, code, (so + se)[-300:]))


def pythons():
    files = subprocess.run(["git", "ls-files", "*.py", "*.md"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if not files:  # a source tarball: no git
        return
    for f in files:
        p = os.path.join(ROOT, f)
        if f.endswith(".py") and os.access(p, os.X_OK):
            with open(p) as fh:
                first = fh.readline().rstrip("\n")
            if first != "#!/usr/bin/python3":
                failures.append("%s is executable and starts with %r, not #!/usr/bin/python3 (h5py and matplotlib are "
                                "there only)" % (f, first))
        elif f.endswith(".md"):
            for i, line in enumerate(open(p), 1):
                if re.search(r"(^\s+|\$\(|`|&& )python3 ", line):
                    failures.append("%s:%d runs a script with a bare python3 (h5py and matplotlib: /usr/bin/python3): %s"
                                    % (f, i, line.strip()[:100]))


def main():
    d = script_runner.scratch(sys.argv[1])
    parts = sys.argv[2:] or ["outputs", "spaces"]
    if any(p not in ("outputs", "spaces") for p in parts):
        sys.exit("check_case_runs.py: parts are outputs and spaces, not %s" % " ".join(parts))
    if "outputs" in parts:
        stale_files(d)
        airfoil_arguments(d)
        bench_arguments(d)
        pythons()
    if "spaces" in parts:
        spaces(d)
    if failures:
        sys.exit("case runs:\n  " + "\n  ".join(failures))
    print("case runs: earlier runs' files removed, arguments checked first, paths with spaces, /usr/bin/python3")


if __name__ == "__main__":
    main()

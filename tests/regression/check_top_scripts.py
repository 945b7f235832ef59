#!/usr/bin/python3
"""The top-level scripts' arguments and exit statuses (regression.top_scripts; about a second: stand-ins for the
install, the build and the programs, so that nothing is installed, built or fuzzed).

    check_top_scripts.py DIR

scripts/run-fuzz.sh: seconds that are not a positive integer (libFuzzer reads -max_total_time=model as "no limit")
and an unknown reader are refused (exit 2) before the install and the build. scripts/run-tests.sh and
scripts/run-sanitize.sh: a ctest that selects no test is a failure, not a pass. With CDPATH exported (cd then prints
the directory, which ended up in the paths taken with $(cd ...)), scripts/run-cases.sh still refuses an unknown case
by name and every cases/*/run.sh --help started by a relative path prints its usage. cases/aion/run.sh: SNAPS_NP other
than 1 is said to be unused; a run whose path problem was not run ends with a note and no figure, not a plot error.
The CMake minimum covers cmake_language(DEFER) of tests/ (3.19). A SNAPS_NP that is not a positive integer is refused
(exit 2) by scripts/run-cases.sh before the build and by a case before it makes its output directory (mpirun -n 0 ran
on every slot). cases/separable-fit and cases/poisson, failing at their first mpirun, leave none of an earlier run's
outputs, and neither do cases/ks and cases/kolmogorov. scripts/env.sh keeps a caller's OMPI_MCA_mpi_yield_when_idle and OMPI_MCA_pml. scripts/build.sh refuses an
argument (it dropped it). scripts/run-tests.sh refuses a SNAPS_SANITIZE_TESTS other than 0 or 1; it and
scripts/run-sanitize.sh print their usage for --help, building and running nothing.
scripts/install-deps.sh takes a package on hold for installed. cases/poisson/sweep.py passes on a program's warnings.
bench/run.sh refuses a part option without its value, and -which and -results (its own), before the build; a run of
it that fails names the part and leaves BENCH_OUT as it was (its first parts' reports were left beside an earlier
run's others).
"""
import glob
import json
import os
import re
import shutil
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import script_runner  # noqa: E402  (tests/script_runner.py: stand-ins, and scripts run with them on PATH)

failures = []


def run(cmd, cwd, env=None, stub=None):
    """An exported CDPATH is not this test's: only env gives one."""
    return script_runner.call(cmd, cwd=cwd, env=env, stub=stub, drop=("CDPATH",))


def expect(what, got, code, out_has=(), err_has=(), nonzero=False):
    rc, out, err = got
    bad_code = (rc in (0, "timeout")) if nonzero else rc != code
    if bad_code or not all(s in out for s in out_has) or not all(s in err for s in err_has):
        failures.append("%s: exit %s (expected %s), stdout %r, stderr %r" % (what, rc, "non-zero" if nonzero else code,
                                                                             out[-300:], err[-300:]))


def script(path, text):
    script_runner.executable(path, "#!/usr/bin/env bash\n" + text)


def main():
    d = script_runner.scratch(sys.argv[1])
    # a copy of scripts/ whose install and build are stand-ins, and a cmake stand-in on PATH
    root = os.path.join(d, "root")
    shutil.copytree(os.path.join(ROOT, "scripts"), os.path.join(root, "scripts"))
    script(os.path.join(root, "scripts", "install-deps.sh"), "exit 0\n")
    script(os.path.join(root, "scripts", "build.sh"), "exit 0\n")
    os.makedirs(os.path.join(root, "cases", "a"))
    script(os.path.join(root, "cases", "a", "run.sh"), "# Usage: run.sh <output directory>\nexit 0\n")
    stub = os.path.join(d, "stub")
    script(os.path.join(stub, "cmake"), "exit 0\n")
    istub_cmake = os.path.join(d, "cmake-stub")  # a cmake stand-in that says it ran
    script(os.path.join(istub_cmake, "cmake"), 'echo "cmake stand-in $*"\n')

    fuzz = os.path.join(root, "scripts", "run-fuzz.sh")
    expect("run-fuzz.sh model (a reader where the seconds go)", run(["bash", fuzz, "model"], root, stub=stub), 2,
           err_has=("'model'", "positive integer"))
    expect("run-fuzz.sh 0", run(["bash", fuzz, "0"], root, stub=stub), 2, err_has=("'0'",))
    expect("run-fuzz.sh 5 modle", run(["bash", fuzz, "5", "modle"], root, stub=stub), 2, err_has=("'modle'",))
    if os.path.exists(os.path.join(root, "build-fuzz")):
        failures.append("run-fuzz.sh configured build-fuzz/ before refusing its arguments")

    # an empty test directory: ctest finds no test
    for b in ("build", "build-sanitize"):
        os.makedirs(os.path.join(root, b))
        open(os.path.join(root, b, "CTestTestfile.cmake"), "w").close()
    expect("run-tests.sh, no test selected", run(["bash", os.path.join(root, "scripts", "run-tests.sh")], root,
                                                 env={"SNAPS_SANITIZE_TESTS": "0"}, stub=stub), None, nonzero=True)
    expect("run-sanitize.sh, no test selected", run(["bash", os.path.join(root, "scripts", "run-sanitize.sh")], root, stub=stub),
           None, nonzero=True)

    # a misspelt SNAPS_SANITIZE_TESTS is refused before the build (any value but 0 ran the sanitized half)
    expect("run-tests.sh with SNAPS_SANITIZE_TESTS=no", run(["bash", os.path.join(root, "scripts", "run-tests.sh")], root,
                                                            env={"SNAPS_SANITIZE_TESTS": "no"}, stub=stub), 2,
           err_has=("SNAPS_SANITIZE_TESTS='no'",))

    # --help prints the usage and exits 0 before the install and the build: passed on to ctest, it printed ctest's help
    # after the build, and run-tests.sh then ran the whole sanitized build and suite
    hstub = os.path.join(d, "help-stub")
    for tool in ("cmake", "ctest"):
        script(os.path.join(hstub, tool), 'echo "%s stand-in $*"\n' % tool)
    for name in ("run-tests.sh", "run-sanitize.sh"):
        got = run(["bash", os.path.join(root, "scripts", name), "--help"], root, stub=hstub)
        expect("%s --help" % name, got, 0, out_has=("Usage: scripts/%s" % name,))
        if "stand-in" in got[1]:
            failures.append("%s --help built or ran ctest: %r" % (name, got[1][-300:]))

    cdpath = {"CDPATH": ".:/nonexistent"}
    expect("run-cases.sh nosuchcase with CDPATH", run(["bash", "scripts/run-cases.sh", "nosuchcase"], root, env=cdpath, stub=stub),
           2, err_has=("nosuchcase",))
    for case in sorted(glob.glob(os.path.join(ROOT, "cases", "*", "run.sh"))):
        rel = os.path.relpath(case, ROOT)
        expect("%s --help with CDPATH" % rel, run(["bash", rel, "--help"], ROOT, env=cdpath, stub=stub), 0, out_has=("Usage",))

    # cases/aion/run.sh with a bench_aion stand-in that writes the committed results without the paths (as -sizes 100)
    build = os.path.join(d, "aion-build")
    os.makedirs(os.path.join(build, "bin"))
    open(os.path.join(build, "CMakeCache.txt"), "w").close()
    res = json.load(open(os.path.join(ROOT, "bench", "results", "aion.json")))
    nopaths = os.path.join(d, "nopaths.json")
    with open(nopaths, "w") as f:
        json.dump({k: v for k, v in res.items() if not k.startswith("paths.")}, f)
    script(os.path.join(build, "bin", "bench_aion"),
           'while [ $# -gt 0 ]; do [ "$1" = -results ] && cp "%s" "$2"; shift; done\necho bench_aion stand-in\n' % nopaths)
    out = os.path.join(d, "aion-out")
    os.makedirs(out)
    open(os.path.join(out, "aion_paths.png"), "w").close()  # an earlier run's figure
    got = run(["bash", os.path.join(ROOT, "cases", "aion", "run.sh"), out, "--", "-sizes", "100"], d,
              env={"BUILD_DIR": build, "SNAPS_NP": "2"}, stub=stub)
    expect("aion run.sh -- -sizes 100 (no path problem run), SNAPS_NP=2", got, 0, out_has=("no aion_paths.png",),
           err_has=("SNAPS_NP=2 is not used",))
    if os.path.exists(os.path.join(out, "aion_paths.png")):
        failures.append("aion run.sh: an earlier run's aion_paths.png left beside a run that drew none")

    # SNAPS_NP is checked before any work: mpirun -n 0 runs on every slot of the machine, so SNAPS_NP=0 ran the shell
    # cases on all cores while the Python cases refused it
    bad_np = {"SNAPS_NP": "0"}
    expect("run-cases.sh a with SNAPS_NP=0", run(["bash", "scripts/run-cases.sh", "a"], root, env=bad_np, stub=stub), 2,
           err_has=("SNAPS_NP", "'0'", "positive integer"))
    script(os.path.join(stub, "mpirun"), script_runner.FAIL_AT_ONCE[len("#!/bin/sh\n"):])
    for np_ in ("0", "two"):
        out = os.path.join(d, "sf-np-%s" % np_)
        expect("separable-fit/run.sh with SNAPS_NP=%s" % np_, run(["bash", os.path.join(ROOT, "cases", "separable-fit", "run.sh"), out], d,
                                                                 env={"SNAPS_NP": np_}, stub=stub), 2, err_has=("SNAPS_NP", "'%s'" % np_))
        if os.path.exists(out):
            failures.append("separable-fit/run.sh made %s before refusing SNAPS_NP=%s" % (out, np_))

    # a failed run leaves none of an earlier run's outputs in OUT to be read as its own (mpirun fails at once here)
    out = os.path.join(d, "sf-old")
    os.makedirs(out)
    old = ["summary.md", "sf-old.png", "predict.json", "fit.json", "model.h5", "prediction.h5", "prediction.xdmf", "predict.log"]
    for name in old:
        open(os.path.join(out, name), "w").close()
    got = run(["bash", os.path.join(ROOT, "cases", "separable-fit", "run.sh"), out], d, stub=stub)
    expect("separable-fit/run.sh, snaps-fit failing", got, None, nonzero=True)
    left = [n for n in old if os.path.exists(os.path.join(out, n))]
    if left:
        failures.append("separable-fit/run.sh failed and left an earlier run's %s in its output directory" % left)
    # the same for cases/ks and cases/kolmogorov (their statistics, Lyapunov results and summaries stayed)
    for case, old in (("ks", ["ks22.json", "ks22_stats.json", "ks22_stats.png", "lyapunov22.json", "summary.json", "summary.md"]),
                      ("kolmogorov", ["kolmogorov.json", "kolmogorov.xmf", "kolmogorov_stats.json", "kolmogorov_stats.png",
                                      "summary.json", "summary.md"])):
        out = os.path.join(d, "%s-old" % case)
        os.makedirs(out)
        for name in old + ["notes.txt"]:  # notes.txt: the user's, not the case's
            open(os.path.join(out, name), "w").close()
        expect("%s/run.sh, the solver failing" % case, run(["bash", os.path.join(ROOT, "cases", case, "run.sh"), out], d, stub=stub),
               None, nonzero=True)
        left = [n for n in old if os.path.exists(os.path.join(out, n))]
        if left or not os.path.exists(os.path.join(out, "notes.txt")):
            failures.append("%s/run.sh failed and left an earlier run's %s in its output directory (or removed notes.txt)" % (case, left))
    # cases/poisson/run.sh from a tree whose build/bin holds a stand-in snaps-poisson (sweep.py refuses to start
    # without one; the runs are mpirun's stand-in's)
    prun = os.path.join(script_runner.linked_tree(os.path.join(d, "poisson-tree"), ["cases/poisson/run.sh", "cases/poisson/sweep.py",
                                                                                   "scripts"], ["snaps-poisson"]),
                        "cases", "poisson", "run.sh")
    out = os.path.join(d, "poisson-old")
    os.makedirs(out)
    old = ["results.json", "table.md", "poisson.png"]
    for name in old:
        open(os.path.join(out, name), "w").close()
    got = run(["bash", prun, out, "--no-fenicsx"], d, stub=stub)
    expect("poisson/run.sh, snaps-poisson failing", got, None, nonzero=True)
    left = [n for n in old if os.path.exists(os.path.join(out, n))]
    if left:
        failures.append("poisson/run.sh failed and left an earlier run's %s in its output directory" % left)

    # poisson/sweep.py keeps no program output of a run that succeeds: its warnings are passed on. The stand-in's first run
    # warns of an unused option and succeeds, the second fails (the sweep stops there).
    wstub = os.path.join(d, "warn-stub")
    script(os.path.join(wstub, "mpirun"), 'n=$(cat "$WARN_COUNT" 2>/dev/null || echo 0); echo $((n + 1)) > "$WARN_COUNT"\n'
           '[ "$n" = 0 ] || exit 97\necho "WARNING: option -sna_khronos_nodez (value 10) was set but never used" >&2\n'
           'prev=; for a; do [ "$prev" = -results ] && echo \'{"wall_time_s": 0.1, "solve_time_s": 0.1, "method": "khronos", '
           '"dofs": 16, "l2_error_squared": 1e-6}\' > "$a"; prev=$a; done\n')
    out = os.path.join(d, "poisson-warn")
    got = run(["bash", prun, out, "--no-fenicsx"], d,
              env={"WARN_COUNT": os.path.join(d, "warn-count")}, stub=wstub)
    expect("poisson/run.sh, a program warning of an unused option", got, None, nonzero=True,
           out_has=("kan_khronos_G10: WARNING: option -sna_khronos_nodez",))

    # bench/run.sh: a part option without its value is refused before the build and before BENCH_OUT is made
    bbuild = os.path.join(d, "bench-build")
    os.makedirs(bbuild)
    open(os.path.join(bbuild, "CMakeCache.txt"), "w").close()
    bout = os.path.join(d, "bench-out")
    got = run(["bash", os.path.join(ROOT, "bench", "run.sh"), "-reps"], d, env={"BENCH_OUT": bout, "BUILD_DIR": bbuild},
              stub=istub_cmake)
    expect("bench/run.sh -reps (no value)", got, 2, err_has=("-reps needs a value",))
    if "cmake stand-in" in got[1] or os.path.exists(bout):
        failures.append("bench/run.sh -reps: built (%r) or made BENCH_OUT before refusing" % got[1][-200:])
    # -which and -results, which it sets for each run, are refused before the build: passed on, -which fit ran the fit
    # four times and ended in a traceback, -results sent every part's report into the user's file
    for opt in ("-which", "-RESULTS"):
        got = run(["bash", os.path.join(ROOT, "bench", "run.sh"), "-reps", "1", opt, "fit"], d,
                  env={"BENCH_OUT": bout, "BUILD_DIR": bbuild}, stub=istub_cmake)
        expect("bench/run.sh %s" % opt, got, 2, err_has=("%s is set by this script for each part" % opt,))
        if "cmake stand-in" in got[1] or os.path.exists(bout):
            failures.append("bench/run.sh %s: built (%r) or made BENCH_OUT before refusing" % (opt, got[1][-200:]))
            shutil.rmtree(bout, ignore_errors=True)
    # a run whose fit fails is named and leaves BENCH_OUT as it was (its eval.json and grid.json were left beside an
    # earlier run's fits and summary.json); one that succeeds replaces all five. The bench_sna stand-in copies the
    # committed report of its -results name, or fails for the part in FAIL_PART.
    mpx = os.path.join(d, "bench-mpiexec")
    script(mpx, 'prev=; for a; do [ "$prev" = -results ] && out=$a; prev=$a; done\n'
           'case " $* " in *" -which ${FAIL_PART:-none} "*) echo "stand-in: $FAIL_PART failed" >&2; exit 3 ;; esac\n'
           'cp "%s/$(basename "$out")" "$out"\n' % os.path.join(ROOT, "bench", "results"))
    names = ["eval.json", "grid.json", "fit_1rank.json", "fit_2ranks.json", "summary.json"]
    os.makedirs(bout)
    for name in names:
        with open(os.path.join(bout, name), "w") as f:
            f.write('{"earlier": 1}\n')
    benv = {"BENCH_OUT": bout, "BUILD_DIR": bbuild, "MPIEXEC": mpx}
    got = run(["bash", os.path.join(ROOT, "bench", "run.sh"), "-reps", "1"], d, env=dict(benv, FAIL_PART="fit"), stub=istub_cmake)
    expect("bench/run.sh, the fit failing", got, 3, err_has=("bench_sna -which fit on 1 rank(s) failed (exit 3)",))
    changed = [n for n in names if open(os.path.join(bout, n)).read() != '{"earlier": 1}\n']
    if changed or sorted(os.listdir(bout)) != sorted(names):
        failures.append("bench/run.sh, the fit failing: BENCH_OUT holds %s, of which %s are this run's"
                        % (sorted(os.listdir(bout)), changed))
    got = run(["bash", os.path.join(ROOT, "bench", "run.sh"), "-reps", "1"], d, env=benv, stub=istub_cmake)
    expect("bench/run.sh with a bench_sna stand-in", got, 0, out_has=("written %s" % os.path.join(bout, "summary.json"),))
    kept = [n for n in names if open(os.path.join(bout, n)).read() == '{"earlier": 1}\n']
    if kept or sorted(os.listdir(bout)) != sorted(names):
        failures.append("bench/run.sh: a complete run left %s in BENCH_OUT, %s of an earlier run" % (sorted(os.listdir(bout)), kept))

    # scripts/env.sh keeps the caller's yield and transport (0 to time on dedicated cores; ucx on a cluster), and its
    # defaults stay "export NAME=value" lines, the form tests/CMakeLists.txt reads for the test suite's environment
    env_sh = os.path.join(ROOT, "scripts", "env.sh")
    show = 'set -euo pipefail; source "%s"; echo "$OMPI_MCA_mpi_yield_when_idle $OMPI_MCA_pml"' % env_sh
    expect("env.sh with the caller's OMPI_MCA_mpi_yield_when_idle=0 OMPI_MCA_pml=ucx",
           run(["bash", "-c", show], d, env={"OMPI_MCA_mpi_yield_when_idle": "0", "OMPI_MCA_pml": "ucx"}), 0, out_has=("0 ucx\n",))
    got = script_runner.call(["bash", "-c", show], cwd=d, drop=("CDPATH", "OMPI_MCA_mpi_yield_when_idle", "OMPI_MCA_pml"))
    expect("env.sh without them", got, 0, out_has=("1 ob1\n",))
    exports = " ".join(line for line in open(env_sh).read().splitlines() if line.startswith("export "))
    for default in ("OMPI_MCA_mpi_yield_when_idle=1", "OMPI_MCA_pml=ob1"):
        if default not in exports.split():
            failures.append("scripts/env.sh has no line 'export ... %s' (tests/CMakeLists.txt reads those)" % default)

    # scripts/build.sh takes no argument: -DCMAKE_BUILD_TYPE=Debug was dropped and a RelWithDebInfo build made
    broot = os.path.join(d, "build-root")
    os.makedirs(os.path.join(broot, "scripts"))
    shutil.copy(os.path.join(ROOT, "scripts", "build.sh"), os.path.join(broot, "scripts"))
    script(os.path.join(broot, "scripts", "install-deps.sh"), "echo install-deps stand-in\n")
    expect("build.sh -DCMAKE_BUILD_TYPE=Debug", run(["bash", os.path.join(broot, "scripts", "build.sh"), "-DCMAKE_BUILD_TYPE=Debug"],
                                                    broot, stub=stub), 2, err_has=("-DCMAKE_BUILD_TYPE=Debug",))

    # scripts/install-deps.sh: a package on hold is installed (its status reads "hold ok installed"), not missing; one
    # not installed (gmsh here) is the only one installed. dpkg-query and apt-get are stand-ins.
    iroot = os.path.join(d, "deps-root")
    os.makedirs(os.path.join(iroot, "scripts"))
    shutil.copy(os.path.join(ROOT, "scripts", "install-deps.sh"), os.path.join(iroot, "scripts"))
    istub = os.path.join(d, "deps-stub")
    script(os.path.join(istub, "dpkg-query"), 'for a; do p=$a; done\n[ "$p" = gmsh ] && exit 1\n'
           'case "$*" in *db:Status-Status*) echo installed ;; *) printf "hold ok installed" ;; esac\n')
    script(os.path.join(istub, "apt-get"), 'echo "apt-get stand-in: $*"\n')
    script(os.path.join(istub, "sudo"), '"$@"\n')
    got = run(["bash", os.path.join(iroot, "scripts", "install-deps.sh")], iroot, stub=istub)
    expect("install-deps.sh with packages on hold and gmsh missing", got, 0,
           out_has=("installing gmsh\n", "apt-get stand-in: install -y -q --no-install-recommends gmsh\n"))

    top = open(os.path.join(ROOT, "CMakeLists.txt")).read()
    m = re.search(r"cmake_minimum_required\(VERSION (\d+)\.(\d+)", top)
    # the source tree's CMakeLists.txt only: build trees hold hundreds more (copies of the checkout among them)
    sources = [f for top in ("CMakeLists.txt", "plugins", "solvers", "tests", "bench", "cases", "cmake")
               for f in ([os.path.join(ROOT, top)] if top.endswith(".txt") else
                         glob.glob(os.path.join(ROOT, top, "**", "CMakeLists.txt"), recursive=True))]
    defer = [f for f in sources if os.path.exists(f) and "cmake_language(DEFER" in open(f).read()]
    if defer and (not m or (int(m.group(1)), int(m.group(2))) < (3, 19)):
        failures.append("CMakeLists.txt asks for CMake %s, but %s use cmake_language(DEFER), new in 3.19"
                        % (m.group(0) if m else "?", [os.path.relpath(f, ROOT) for f in defer]))

    if failures:
        sys.exit("top-level scripts:\n  " + "\n  ".join(failures))
    print("top-level scripts: arguments checked before work, no-test runs fail, CDPATH harmless")


if __name__ == "__main__":
    main()

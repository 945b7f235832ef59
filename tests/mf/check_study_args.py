#!/usr/bin/python3
"""The arguments of the cases' studies and evaluations, their LF part's reuse and their writers (mf.study_arguments;
about a second: every refusal comes before any fit, and the scripts run in this process).

    check_study_args.py DIR

A misspelt option, one without its value, a bad value (a family, a preconditioner, a part, a correction setting, a
seed, a fraction outside [0, 1], a count below 1) is refused with the usage (exit 2) before any work and before the
output directory is made: cases/parametric-poisson/evaluate.py, cases/poisson/sweep.py, cases/poisson-mf's
rho_study.py and nested_study.py, cases/airfoil-mf's correction_study.py and rho_study.py. poisson-mf's rho_study.py
reuses OUT/rho_lf.h5 only where its stamp names the same mf.h5 and options (snaps-fit replaced by a stand-in here).
And no script of cases/ or postprocess/ writes an HDF5 file or a figure other than through postprocess/atomic.py.
"""
import contextlib
import glob
import importlib.util
import io
import os
import re
import shutil
import signal
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import script_runner  # noqa: E402

failures = []


@contextlib.contextmanager
def isolated():
    """sys.path and the modules a script loads restored after it: the cases' evaluate.py modules share a name."""
    path, modules = list(sys.path), set(sys.modules)
    try:
        yield
    finally:
        sys.path[:] = path
        for m in set(sys.modules) - modules:  # this project's modules only (numpy and the like load once)
            if (getattr(sys.modules[m], "__file__", None) or "").startswith(ROOT):
                del sys.modules[m]


def timeout(signum, frame):
    raise TimeoutError("still running after 20 s: the bad argument was not refused")


def run(script, *args, context=None):
    signal.signal(signal.SIGALRM, timeout)  # a script that ignored its bad argument is stopped (and its child killed)
    signal.alarm(20)
    try:
        return script_runner.run(script, *args, context=context or isolated())
    finally:
        signal.alarm(0)


@contextlib.contextmanager
def without_programs(case):
    """isolated(), with the case's evaluate module loaded first and its BIN (the build's programs) a missing directory:
    the script's own 'import evaluate' gets this one."""
    with isolated():
        sys.path.insert(0, case)
        import evaluate

        evaluate.BIN = "/nonexistent/bin"
        yield


def no_programs(case, out):
    """A study run without the programs it runs (SNAPS not built): one usage line naming the directory, the programs and
    the fix, before OUT is made (it was the first fit's FileNotFoundError traceback, after files were written)."""
    script = os.path.join(case, "rho_study.py")
    code, msg = run(script, out, context=without_programs(case))
    says = "/nonexistent/bin: no snaps-fit nor snaps-predict: build SNAPS first"
    if code != 2 or "usage" not in msg or says not in msg:
        failures.append("%s OUT without the programs: exit %s, %r (expected the usage and %r)" % (os.path.relpath(script, ROOT), code, str(msg).strip()[-300:], says))
    if os.path.exists(out):
        failures.append("%s OUT without the programs: OUT made" % os.path.relpath(script, ROOT))
        shutil.rmtree(out)

def no_programs_tree(d, scripts, out, args=()):
    """The scripts (paths under ROOT) run from a copy of the tree without build/ (links to them and to postprocess/:
    their ROOT, found from their own path, is that copy): one usage line naming the programs and the fix, before OUT is
    made (the first run ended in a FileNotFoundError traceback, after files were written)."""
    tree = script_runner.linked_tree(os.path.join(d, "no_build"), scripts)
    script = os.path.join(tree, scripts[0])
    code, msg = run(script, out, *args)
    says = os.path.join(tree, "build", "bin") + ": no snaps-"
    if code != 2 or "usage" not in msg or says not in msg or "build SNAPS first" not in msg:
        failures.append("%s OUT %s without the programs: exit %s, %r (expected the usage and %r... build SNAPS first)"
                        % (scripts[0], " ".join(args), code, str(msg).strip()[-300:], says))
    if os.path.exists(out):
        failures.append("%s OUT without the programs: OUT made" % scripts[0])
        shutil.rmtree(out)


def refused(script, out, args, says):
    code, msg = run(script, out, *args)
    what = "%s OUT %s" % (os.path.relpath(script, ROOT), " ".join(args))
    if code != 2 or "usage" not in msg or says not in msg:
        failures.append("%s: exit %s, %r (expected the usage and %r)" % (what, code, msg.strip()[-300:], says))
    if os.path.exists(out):
        failures.append("%s: OUT made before the arguments were checked" % what)
        shutil.rmtree(out)


def lf_reuse(d):
    """poisson-mf rho_study.lf_part with a stand-in fit: a rho_lf.h5 without stamp is fitted again, reused while mf.h5
    and the options are the same, fitted again when mf.h5 changes."""
    fits = []

    def fake_fit(out, tag, data, opts, np_):
        fits.append(tag)
        with open(os.path.join(out, tag + ".h5"), "w") as f:
            f.write("model %d" % len(fits))
        return os.path.join(out, tag + ".h5"), {}

    out = os.path.join(d, "rho")
    os.makedirs(out)
    data = os.path.join(out, "mf.h5")
    with open(data, "w") as f:
        f.write("data A")
    with open(os.path.join(out, "rho_lf.h5"), "w") as f:
        f.write("garbage")
    with isolated(), contextlib.redirect_stdout(io.StringIO()):
        sys.path.insert(0, os.path.join(ROOT, "cases", "poisson-mf"))
        import rho_study
        if not hasattr(rho_study, "lf_part"):
            failures.append("poisson-mf rho_study.py: no lf_part (it reuses any rho_lf.h5 found)")
            return
        rho_study.ev.fit = fake_fit
        rho_study.lf_part(out, data)
        rho_study.lf_part(out, data)
        with open(data, "w") as f:
            f.write("data B")
        rho_study.lf_part(out, data)
    if fits != ["rho_lf", "rho_lf"]:
        failures.append("poisson-mf rho_study.lf_part: fits %s for (a rho_lf.h5 without stamp, the same data again, other "
                        "data): expected a fit, a reuse, a fit" % fits)


def undefined_errors():
    """(s26 small) parametric-poisson's summarize() on snaps-poisson-param reports where a sample's relative errors are
    null (a zero solution): the medians and maxima are over the other samples and the count of undefined ones is given
    (statistics.median and max raised TypeError on None)."""
    with isolated():
        spec = importlib.util.spec_from_file_location("pp_evaluate", os.path.join(ROOT, "cases", "parametric-poisson", "evaluate.py"))
        evaluate = importlib.util.module_from_spec(spec)  # its own name: the cases' evaluate.py modules share one
        spec.loader.exec_module(evaluate)

        def report(its, err, res):
            n = len(its)
            return {"dofs": 9, "ksp_rtol": 1e-8, "median_ksp_iterations": sorted(its)[n // 2], "ksp_iterations": its,
                    "median_solve_time_s": 1e-3, "assembly_time_s": [1e-3] * n, "solve_time_s": [1e-3] * n,
                    "median_guess_rel_l2_error": None if err[1] is None else err[1], "guess_rel_l2_error": err,
                    "guess_rel_residual": res, "prediction_time_s": [1e-6] * n, "coordinates_time_s": [1e-7] * n,
                    "batch_prediction_time_s": 1e-7, "batch_prediction_rel_l2_error": err}
        err, res = [None, 2e-4, 5e-4, 1e-4], [None, 1e-3, 3e-3, 2e-3]
        runs = {"zero": [report([0, 20, 20, 20], [None, 1.0, 1.0, 1.0], [None, 1.0, 1.0, 1.0])],
                "sna_galerkin": [report([0, 3, 4, 5], err, res)], "sna": [report([0, 9, 9, 9], err, res)],
                "pod": [report([0, 6, 6, 6], err, res)]}
        pod = {"n_modes": 4, "sna_modes": 4, "sna_projection_error": 1e-5, "fit_rel_error_mean": 1e-4}
        with contextlib.redirect_stdout(io.StringIO()):
            r = evaluate.summarize({"title": "t", "kappa": "1", "source": "0", "q": 2}, {"n_train": 8, "n_test": 4}, "jacobi", pod, runs)
        s, g = r["surrogate"], r["guesses"]["sna"]
        got = (s["median_rel_l2_error"], s["max_rel_l2_error"], s["undefined_rel_l2_errors"], g["median_guess_rel_residual"],
               r["targets"]["surrogate_error"]["met"])
        if got != (2e-4, 5e-4, 1, 2e-3, True):
            failures.append("parametric-poisson summarize() with a null relative error: (median, max, undefined, median "
                            "residual, target met) %s, not (0.0002, 0.0005, 1, 0.002, True)" % (got,))
        if evaluate.med([None, None]) is not None or "1 of 4 samples undefined" not in evaluate.undefined_note(err):
            failures.append("parametric-poisson: no defined value is not a None median, or the undefined count is not said")


def writers():
    """h5py.File(..., "w") and savefig outside postprocess/atomic.py: a killed run would leave a partial file."""
    pattern = re.compile(r"""h5py\.File\([^#]*["'][wax]["']|\.savefig\(""")
    for f in sorted(glob.glob(os.path.join(ROOT, "cases", "**", "*.py"), recursive=True) + glob.glob(os.path.join(ROOT, "postprocess", "*.py"))):
        if f.endswith(os.path.join("postprocess", "atomic.py")) or os.sep + "reference" + os.sep in f or f.endswith("test_airfoil.py"):
            continue  # the helper itself; recorded scripts of past measurements; a test that writes its inputs
        for i, line in enumerate(open(f), 1):
            if pattern.search(line) and "what a run killed while writing it leaves" not in line:  # evaluate.py's check of that
                failures.append("%s:%d writes outside postprocess/atomic.py: %s" % (os.path.relpath(f, ROOT), i, line.strip()))


def main():
    d = script_runner.scratch(sys.argv[1])  # this test's own scratch directory
    # stand-ins that fail at once: a script that ignored its bad argument stops there
    stub = script_runner.stand_ins(os.path.join(d, "stub"), ("mpirun", "mpiexec"))
    os.environ["PATH"] = stub + os.pathsep + os.environ["PATH"]
    out = os.path.join(d, "out")
    pp = os.path.join(ROOT, "cases", "parametric-poisson", "evaluate.py")
    refused(pp, out, ["--families", "bogus"], "bogus")
    refused(pp, out, ["--families", "load,desgin"], "desgin")
    refused(pp, out, ["--repeat", "0"], "--repeat")
    refused(pp, out, ["--pc", "gamg,ilu"], "ilu")
    sweep = os.path.join(ROOT, "cases", "poisson", "sweep.py")
    refused(sweep, out, ["--repeat", "-1"], "--repeat")
    refused(sweep, out, ["--rep", "3"], "--rep")
    mf = os.path.join(ROOT, "cases", "poisson-mf")
    refused(os.path.join(mf, "nested_study.py"), out, ["--lf-nodes", "6"], "--lf-nodes")
    refused(os.path.join(mf, "nested_study.py"), out, ["--lf_nodes"], "--lf_nodes")
    refused(os.path.join(mf, "nested_study.py"), out, ["--lf_nodes", "6,x"], "6,x")
    refused(os.path.join(mf, "rho_study.py"), out, ["--seeds", "1,x"], "1,x")
    refused(os.path.join(mf, "rho_study.py"), out, ["--fractions", "5"], "--fractions")
    refused(os.path.join(mf, "nodes_study.py"), out, ["--np", "2"], "--np")
    afm = os.path.join(ROOT, "cases", "airfoil-mf")
    cs = os.path.join(afm, "correction_study.py")
    refused(cs, out, ["seed"], "seed")
    refused(cs, out, ["seeds", "--dleta", "case"], "--dleta")
    refused(cs, out, ["seeds", "--delta", "bogus"], "bogus")
    refused(cs, out, ["search", "--only", "case,bogus"], "bogus")
    refused(cs, out, ["timing", "--delta", "case"], "--delta")
    refused(os.path.join(afm, "rho_study.py"), out, ["--repeat", "0"], "--repeat")
    no_programs(mf, out)
    no_programs(afm, out)
    for scripts, args in ((["cases/poisson-mf/evaluate.py"], []), (["cases/poisson-mf/evaluate.py"], ["--data-only"]),
                          (["cases/poisson-mf/nested_study.py", "cases/poisson-mf/evaluate.py"], []),
                          (["cases/poisson-mf/nodes_study.py", "cases/poisson-mf/evaluate.py"], []),
                          (["cases/parametric-poisson/evaluate.py"], []), (["cases/poisson/sweep.py"], []),
                          (["bench/poisson-peers/peers.py"], [])):
        no_programs_tree(d, scripts, out, args)
    lf_reuse(d)
    undefined_errors()
    writers()
    if failures:
        sys.exit("study arguments:\n  " + "\n  ".join(failures))
    print("study arguments: refused before any work; rho_lf.h5 reused by its stamp; writers atomic")


if __name__ == "__main__":
    main()

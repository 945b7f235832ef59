#!/usr/bin/python3
"""cases/poisson-mf/rho_study.py (its loop and JSON: postprocess/mf_study.py) on one config, one fraction and one
draw against the committed reference (tests/mf/CMakeLists.txt, mf.rho_study).

    rho_study_check.py --bin BIN --dir D

Writes the case's data to D (evaluate.py --data-only, about 4 s), runs the study for ar1 full at 10% HF, seed 1,
with the slow-progress stop of cases/poisson-mf/reference/rho_study_prog1e-2.json, and checks the JSON's keys and
that run's held-out errors against that reference's (relative 1e-3: the same data, options and seed). Also: a
misspelt option or one without its value is refused with the usage message (argparse), and a JSON write that fails
leaves neither a temporary file nor a changed result (postprocess/atomic.py).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CASE = os.path.join(ROOT, "cases", "poisson-mf")
REFERENCE = os.path.join(CASE, "reference", "rho_study_prog1e-2.json")
EXTRA = "-sna_fit_progress_window 5 -sna_fit_progress_rtol 1e-2"


def bad_arguments(out):
    """rho_study.py with a misspelt option, and with a flag given last without its value: each must exit non-zero
    naming the option (not run the defaults, not crash). OUT holds no data: were an option ignored, the study would
    fail at once on the missing files, not run for minutes."""
    out = os.path.join(out, "no_such_study")
    failures = []
    for args, want in ((["--sedes", "1"], "unrecognized arguments: --sedes 1"), (["--tag"], "--tag: expected one argument")):
        p = script_runner.program([sys.executable, "-B", os.path.join(CASE, "rho_study.py"), out] + args, capture_output=True, text=True, timeout=60)
        if p.returncode == 0 or want not in p.stderr or "usage:" not in p.stderr:
            failures.append("rho_study.py OUT %s: exit %d, stderr %r (expected an error with %r and the usage)" % (" ".join(args), p.returncode, p.stderr[-300:], want))
    return failures


def failed_write(mf_study, out, got):
    """mf_study.run whose JSON cannot be written (an object in the header): it raises, and leaves the result of the
    run before it as it was and no temporary file."""
    o = dict(out=out, configs=["ar1 full"], tag="check", fractions=[0.1])
    record = dict(config="ar1 full", hf_fraction=0.1, seed=1, error=1.0, error_from_ylf=1.0, correction_time_s=0.0, rho_form="full")
    try:
        mf_study.run(o, lambda f: [1], lambda n, f, s: record, ("error",), {}, {"bad": object()}, lambda k, v: k)
        return ["mf_study.run wrote a header JSON cannot hold without an error"]
    except TypeError:
        pass
    failures = []
    try:
        with open(os.path.join(out, "rho_study_check.json")) as f:
            if json.load(f) != got:
                failures.append("a failed write changed rho_study_check.json")
    except ValueError as e:
        failures.append("a failed write left rho_study_check.json unreadable: %s" % e)
    left = sorted(n for n in os.listdir(out) if ".tmp" in n)
    if left:
        failures.append("a failed write left temporary files: %s" % ", ".join(left))
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="the directory of snaps-fit, snaps-predict and snaps-poisson-param")
    ap.add_argument("--dir", required=True)
    a = ap.parse_args()
    failures = bad_arguments(a.dir)
    sys.path[:0] = [CASE]
    import evaluate  # noqa: E402  (the case's helpers; rho_study uses the same module object)
    import rho_study  # noqa: E402
    import mf_study  # noqa: E402  (on the path through rho_study)

    evaluate.BIN = a.bin
    sys.argv = ["evaluate.py", a.dir, "--np", "1", "--data-only"]
    evaluate.main()
    for f in ("rho_lf.h5", "rho_study_check.json"):  # a fresh LF fit and a fresh result every run
        if os.path.exists(os.path.join(a.dir, f)):
            os.remove(os.path.join(a.dir, f))
    sys.argv = ["rho_study.py", a.dir, "--configs", "ar1 full", "--fractions", "0.1", "--seeds", "1", "--extra", EXTRA, "--tag", "check"]
    rho_study.main()
    with open(os.path.join(a.dir, "rho_study_check.json")) as f:
        got = json.load(f)
    with open(REFERENCE) as f:
        ref = json.load(f)
    if sorted(got) != ["extra", "median", "runs", "seeds"] or list(got["median"]) != ["ar1 full 0.1"] or len(got["runs"]) != 1:
        failures.append("keys: %s, medians %s, %d runs" % (sorted(got), list(got["median"]), len(got["runs"])))
    run = got["runs"][0]
    want = [r for r in ref["runs"] if (r["config"], r["hf_fraction"], r["seed"]) == ("ar1 full", 0.1, 1)][0]
    for key in ("error", "error_from_ylf"):
        if abs(run[key] - want[key]) > 1e-3 * want[key]:
            failures.append("%s %.6e, reference %.6e" % (key, run[key], want[key]))
    median = got.get("median", {}).get("ar1 full 0.1", {}).get("error")
    if run["rho_form"] != "full" or median != run["error"]:
        failures.append("form %s, median %s against the one run's %s" % (run["rho_form"], median, run["error"]))
    failures += failed_write(mf_study, a.dir, got)
    if failures:
        sys.exit("rho_study on poisson-mf does not reproduce %s:\n  %s" % (REFERENCE, "\n  ".join(failures)))
    print("rho_study reproduces the reference: error %.6e (%.6e), from /YLF %.6e (%.6e)" % (run["error"], want["error"], run["error_from_ylf"], want["error_from_ylf"]))


if __name__ == "__main__":
    main()

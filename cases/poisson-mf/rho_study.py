#!/usr/bin/python3
"""The form of ar1's scale rho on poisson-mf (cases/poisson-mf/README.md), over several draws of the HF designs.

  rho_study.py OUT [--configs a,b,...] [--tag T] [--extra "-opt v ..."] [--fractions 0.1,0.3,1] [--seeds 1,2,3,4,5]
      OUT holding mf.h5, test.h5 and test_noylf.h5 (evaluate.py OUT --data-only)

The LF part is fitted once (-mf_hf_fraction 0) and reused by every correction fit (-mf_lf_model); OUT/rho_lf.h5 of an
earlier run is reused only where its stamp (rho_lf.stamp, written after the fit) names this mf.h5 and these options.
At 10% and 30%
(seeds 1..5) and 100% (seeds 1..5: the same 40 designs, so only the fits' own randomness differs), each config: the
held-out relative L2 error from the LF model and from the test designs' LF values (/YLF), the correction's fit
time, the chosen form. Writes OUT/rho_study[_T].json (the loop and the file: postprocess/mf_study.py).
"""
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "postprocess")]
import evaluate as ev  # noqa: E402
import atomic  # noqa: E402
import checks  # noqa: E402
import mf_study  # noqa: E402

SEEDS = [1, 2, 3, 4, 5]
CONFIGS = {
    "residual": ["-mf_blend", "residual"],
    "ar1 full": ["-mf_blend", "ar1", "-mf_select", "none", "-mf_rho_form", "full"],
    "ar1 constant": ["-mf_blend", "ar1", "-mf_select", "none", "-mf_rho_form", "constant"],
    "ar1 cv": ["-mf_blend", "ar1", "-mf_select", "cv"],
    "ar1 inputs": ["-mf_blend", "ar1", "-mf_select", "none", "-mf_rho_form", "inputs", "-mf_rho_inputs", "2,3"],
    "ar1 cv3": ["-mf_blend", "ar1", "-mf_select", "cv", "-mf_rho_inputs", "2,3"],
    "ar1 full former stop": ["-mf_blend", "ar1", "-mf_select", "none", "-mf_rho_form", "full", "-sna_fit_progress_window", "0"],
}


def lf_part(out, data):
    """OUT/rho_lf.h5, the LF part every correction fit reuses: kept from an earlier run only where its stamp names the
    same mf.h5 (its content's hash) and options, as scripts/reuse-stamp.sh does for the surrogate cases; otherwise (a
    file of another data set, or one a failed fit left) fitted again, and the stamp written after the fit."""
    opts = ["-mf_hf_fraction", "0"] + ev.prefixed(ev.MODEL, "mf_lf_")
    with open(data, "rb") as f:
        stamp = "%s sha256 %s; %s" % (os.path.basename(data), hashlib.sha256(f.read()).hexdigest(), " ".join(opts))
    lf, path = os.path.join(out, "rho_lf.h5"), os.path.join(out, "rho_lf.stamp")
    found = open(path).read() if os.path.exists(path) else None
    if os.path.exists(lf) and found == stamp:
        print("rho_study: reusing the LF part %s (its stamp matches)" % lf, flush=True)
        return lf
    if os.path.exists(lf):
        print("rho_study: not reusing %s: %s; fitting it again" % (lf, "%s is missing" % path if found is None else "its stamp names other data or options"), flush=True)
    if found is not None:
        os.remove(path)  # a fit that fails below must leave no stamp beside another model
    lf, _ = ev.fit(out, "rho_lf", data, opts, 1)
    atomic.write_text(path, stamp)
    return lf


def main():
    o = mf_study.options(sys.argv, CONFIGS, [("--extra", "", "snaps-fit options added to every correction fit, one string"),
                                             ("--seeds", ",".join(map(str, SEEDS)), "the draws of the HF designs (-mf_seed), comma-separated",
                                              checks.comma_list(item=int))],
                         lambda: ev.missing_programs(("snaps-fit", "snaps-predict")))
    out, extra, seeds = o["out"], o["extra"].split(), o["seeds"]
    data, test = checks.need(os.path.join(out, "mf.h5")), checks.need(os.path.join(out, "test.h5"))
    lf = lf_part(out, data)

    def fit(name, frac, seed):
        opts = ["-mf_lf_model", lf, "-mf_hf_fraction", str(frac), "-mf_seed", str(seed)] + CONFIGS[name]
        opts += ev.prefixed(ev.DELTA, "mf_delta_") + (ev.JOINT if "ar1" in name else []) + extra
        model, r = ev.fit(out, "rho_c", data, opts, 1)
        err, _ = ev.predict(out, "rho_c", model, test, 1, False)
        err_ylf, _ = ev.predict(out, "rho_c", model, test, 1, True)
        return dict(hf_fraction=frac, seed=seed, config=name, error=err, error_from_ylf=err_ylf,
                    correction_time_s=r.get("correction_fit_time_s"), rho_form=r.get("mf_rho_form"),
                    cv_error_constant=r.get("mf_cv_error_constant"), cv_error_full=r.get("mf_cv_error_full"),
                    converged_reason=r.get("converged_reason"), iterations=r.get("iterations"))

    mf_study.run(o, lambda frac: seeds, fit, ("error", "error_from_ylf", "correction_time_s"), {"forms": "rho_form"},
                 {"seeds": seeds, "extra": extra},
                 lambda k, v: "%-22s error %.3e  /YLF %.3e  correction %.2f s  %s" % (k, v["error"], v["error_from_ylf"], v["correction_time_s"], v["forms"]))


if __name__ == "__main__":
    main()

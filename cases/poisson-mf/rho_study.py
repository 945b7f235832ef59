#!/usr/bin/python3
"""The form of ar1's scale rho on poisson-mf (cases/poisson-mf/README.md), over several draws of the HF designs.

  rho_study.py OUT [--configs a,b,...] [--tag T] [--extra "-opt v ..."] [--fractions 0.1,0.3,1] [--seeds 1,2,3,4,5]
      OUT holding mf.h5, test.h5 and test_noylf.h5 (evaluate.py OUT --data-only)

The LF part is fitted once (-mf_hf_fraction 0) and reused by every correction fit (-mf_lf_model). At 10% and 30%
(seeds 1..5) and 100% (seeds 1..5: the same 40 designs, so only the fits' own randomness differs), each config: the
held-out relative L2 error from the LF model and from the test designs' LF values (/YLF), the correction's fit
time, the chosen form. Writes OUT/rho_study[_T].json (the loop and the file: postprocess/mf_study.py).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "postprocess")]
import evaluate as ev  # noqa: E402
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


def main():
    o = mf_study.options(sys.argv, CONFIGS, [("--extra", "", "snaps-fit options added to every correction fit, one string"),
                                             ("--seeds", ",".join(map(str, SEEDS)), "the draws of the HF designs (-mf_seed), comma-separated")])
    out, extra, seeds = o["out"], o["extra"].split(), [int(s) for s in o["seeds"].split(",")]
    data, test = os.path.join(out, "mf.h5"), os.path.join(out, "test.h5")
    lf = os.path.join(out, "rho_lf.h5")
    if not os.path.exists(lf):
        lf, _ = ev.fit(out, "rho_lf", data, ["-mf_hf_fraction", "0"] + ev.prefixed(ev.MODEL, "mf_lf_"), 1)

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

#!/usr/bin/python3
"""The form of ar1's scale rho, and the joint stage's stop, on airfoil-mf's test split (results in
cases/poisson-mf/README.md, "ar1: the form of rho and the joint stage's stop"): the correction alone on the LF part fitted once (as
correction_study.py seeds), ar1 against the LF model (-mf_nested_lf false), the case's DELTA, five draws at 10% and
30% HF (-mf_seed 0..4) and all training airfoils at 100% (repeated --repeat times for timings).

  rho_study.py OUT [--configs a,b,...] [--tag T] [--repeat R] [--fractions 0.1,0.3,1] [--extra "-opt v ..."]

Writes OUT/rho_study[_T].json: per run the held-out Cp rel. L2 from the LF model and from XFOIL's Cp (/YLF), the
correction's in-process fit time, its iterations and reason, the chosen form; medians per config and fraction
(the loop and the file: postprocess/mf_study.py).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "..", "postprocess")]
import correction_study as cs  # noqa: E402
import evaluate as ev  # noqa: E402
import harness  # noqa: E402
import checks  # noqa: E402
import mf_study  # noqa: E402

S_LE = "5"  # the SNA's input index of the surface coordinate (m, p, t, alpha, Re, s_le)
RTOL = ["-sna_fit_progress_window", "0"]  # the joint stage to rtol 1e-10 alone (the stop before the progress rule)
CONFIGS = {
    "full": ["-mf_select", "none", "-mf_rho_form", "full"] + RTOL,
    "constant": ["-mf_select", "none", "-mf_rho_form", "constant"] + RTOL,
    "inputs": ["-mf_select", "none", "-mf_rho_form", "inputs", "-mf_rho_inputs", S_LE] + RTOL,
    "cv": ["-mf_select", "cv", "-mf_rho_inputs", S_LE] + RTOL,
    "full_progress1e-3": ["-mf_select", "none", "-mf_rho_form", "full", "-sna_fit_progress_window", "5", "-sna_fit_progress_rtol", "1e-3"],
    "full_progress1e-2": ["-mf_select", "none", "-mf_rho_form", "full", "-sna_fit_progress_window", "5", "-sna_fit_progress_rtol", "1e-2"],
}


def main():
    o = mf_study.options(sys.argv, CONFIGS, [("--repeat", "1", "fits of each config at 100%% HF (for timings)", checks.positive_int),
                                             ("--extra", "", "snaps-fit options added to every correction fit, one string")],
                         lambda: checks.missing_programs(ev.BIN, ("snaps-fit", "snaps-predict"), "build SNAPS first (bash scripts/build.sh)"))
    out, repeat, extra = o["out"], o["repeat"], o["extra"].split()
    os.makedirs(out, exist_ok=True)
    checks.writable(mf_study.output(o))  # before the fits (mf_study.options checks it only where out existed)
    sna = cs.test_split(out)
    X, Y, _, _ = harness.load_test(os.path.join(sna, "test.h5"))
    data = os.path.join(sna, harness.train_name(1.0))
    lf, _ = cs.fit_lf(out, data)

    def fit(name, fraction, seed):
        opts = ["-mf_lf_model", lf] + cs.correction_options("ar1", fraction, False, seed, cs.CANDIDATES["case"], data)
        model, r = ev.fit(out, "rho", data, opts + CONFIGS[name] + extra, 1)
        e = cs.errors(out, "rho", model, sna, False, Y)
        return dict(config=name, hf_fraction=fraction, seed=seed, correction_s=r["correction_fit_time_s"],
                    iterations=r["iterations"], reason=r["converged_reason"], rho_form=r.get("mf_rho_form"),
                    cv=[r.get("mf_cv_error_" + f) for f in ("constant", "inputs", "full")], **e)

    mf_study.run(o, lambda fraction: cs.SEEDS if fraction < 1 else [None] * repeat, fit,
                 ("own_lf", "ylf", "correction_s", "iterations"), {"forms": "rho_form", "own_lf_all": "own_lf"},
                 {"configs": {n: CONFIGS[n] for n in o["configs"]}, "extra": extra, "machine": harness.machine()},
                 lambda k, v: "%-24s own_lf %.4f  ylf %.4f  correction %.3f s  its %d  %s" % (k, v["own_lf"], v["ylf"], v["correction_s"], v["iterations"], v["forms"]))


if __name__ == "__main__":
    main()

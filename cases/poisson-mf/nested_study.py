#!/usr/bin/python3
"""-mf_nested_lf true against false on poisson-mf (cases/poisson-mf/README.md), over several draws of the HF designs.

  nested_study.py OUT [--lf_nodes N]    OUT holding mf.h5, test.h5 and test_noylf.h5 (evaluate.py OUT --data-only);
                                        --lf_nodes: the LF part's node counts instead of evaluate.MODEL's

The LF part is fitted once (-mf_hf_fraction 0) and reused by every correction fit (-mf_lf_model): it is the same
part a whole fit makes. At 10% and 30% (seeds 1..5) and 100%, both blends, both choices: the held-out relative L2
error predicted from the LF model and from the test designs' LF values (/YLF). Writes OUT/nested_study.json.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as ev  # noqa: E402  (puts postprocess/ on the path)

import atomic  # noqa: E402
import checks  # noqa: E402

SEEDS = [1, 2, 3, 4, 5]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("out", help="the directory of evaluate.py OUT --data-only")
    ap.add_argument("--lf_nodes", type=checks.comma_list(item=int), help="the LF part's node counts, e.g. 6,6,18,18")
    a = ap.parse_args()
    lack = ev.missing_programs(("snaps-fit", "snaps-predict"))  # before any fit
    if lack:
        ap.error(lack)
    out = os.path.abspath(a.out)
    nodes = ",".join(map(str, a.lf_nodes)) if a.lf_nodes else None
    model_opts = [o if (prev != "-sna_khronos_nodes" or not nodes) else nodes for prev, o in zip([None] + ev.MODEL[:-1], ev.MODEL)]
    data, test = checks.need(os.path.join(out, "mf.h5")), checks.need(os.path.join(out, "test.h5"))
    lf, _ = ev.fit(out, "nested_lf", data, ["-mf_hf_fraction", "0"] + ev.prefixed(model_opts, "mf_lf_"), 1)
    runs = []
    for frac in (0.1, 0.3, 1.0):
        for seed in SEEDS if frac < 1 else SEEDS[:1]:
            for blend in ("residual", "ar1"):
                for nested in (False, True):
                    opts = ["-mf_lf_model", lf, "-mf_blend", blend, "-mf_hf_fraction", str(frac), "-mf_seed", str(seed),
                            "-mf_nested_lf", "true" if nested else "false"] + ev.prefixed(ev.DELTA, "mf_delta_")
                    model, r = ev.fit(out, "nested_c", data, opts + (ev.JOINT if blend == "ar1" else []), 1)
                    err, _ = ev.predict(out, "nested_c", model, test, 1, False)
                    err_ylf, _ = ev.predict(out, "nested_c", model, test, 1, True)
                    runs.append(dict(hf_fraction=frac, seed=seed, blend=blend, nested=nested, error=err,
                                     error_from_ylf=err_ylf, nested_rows=r.get("mf_nested_hf_rows")))
                    print(runs[-1], flush=True)
    summary = {}
    for blend in ("residual", "ar1"):
        for nested in (False, True):
            for key in ("error", "error_from_ylf"):
                for frac in (0.1, 0.3, 1.0):
                    v = [r[key] for r in runs if (r["blend"], r["nested"], r["hf_fraction"]) == (blend, nested, frac)]
                    summary["%s nested=%s %s %g" % (blend, nested, key, frac)] = float(np.median(v))
    atomic.write_json(os.path.join(out, "nested_study%s.json" % ("_" + nodes.replace(",", "-") if nodes else "")),
                      {"seeds": SEEDS, "lf_options": model_opts, "runs": runs, "median": summary})
    for k, v in summary.items():
        print("%-40s %.3e" % (k, v))


if __name__ == "__main__":
    main()

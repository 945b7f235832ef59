#!/usr/bin/python3
"""Cost of AR1 co-kriging (sklearn GPs) as the sample counts grow: time and peak memory, until it no longer
fits this machine.

Point-level co-kriging, as the SNA sees the data: each sample is one row (m, p, t, alpha, Re/1e6, s) -> Cp,
n_LF rows drawn from the training LF rows of the split, n_HF = n_LF / 4 from the HF rows of the 100% set
(with replacement once they run out; the cost does not depend on the values, so any split of the data
serves). Per size, in a fresh process
(so its peak resident memory is its own), CPU seconds of one thread (BLAS included):
  fit_fixed_s   both GPs fitted with fixed hyperparameters: one Cholesky factorisation each, O(n^3)
  lml_grad_s    one log-marginal-likelihood + gradient evaluation of the LF GP: the unit of the
                hyperparameter optimisation, which needs tens to hundreds of them; O(n^3) time, and
                O(n^2 * hyperparameters) memory for the kernel gradient
  fit_opt_s     the LF GP's full fit with sklearn's L-BFGS-B optimiser (only up to --opt_max rows), sklearn's
                default bounds (1e-5, 1e5), one start; fit_opt_theta its hyperparameters, fit_opt_at_bound
                those that ended at a bound (every RBF length scale at 1e-5 makes the kernel white noise:
                the time is then that of a failed optimisation, not of a usable fit; a warning says so)
  peak_rss_gib  the process's peak resident memory
A size is not started when the measured peak of the previous one, times 4 (the n^2 growth), exceeds
--mem_fraction of the memory available now: the machine is shared, and an out-of-memory kill could hit other
users' processes, so the first size that does not fit is reported with its predicted need instead of run.

  cokriging_scaling.py [--split bench/airfoil-mf/split] [--sizes 500,1000,...] [--out results JSON]
      --sizes, --opt_max or --mem_fraction other than the defaults need --out: they would replace the committed study
"""
import os

# one thread for BLAS too (set before numpy loads it): the figures are single-core, the machine shared
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json
import resource
import subprocess
import sys
import time

import numpy as np

import harness

HERE = os.path.dirname(os.path.abspath(__file__))


def at_bound(names, theta, bounds, rtol=1e-6):
    """The hyperparameters (name, 'lower' or 'upper') whose log value theta sits at its log bound."""
    out = []
    for name, v, (lo, hi) in zip(names, theta, bounds):
        for side, b in (("lower", lo), ("upper", hi)):
            if abs(v - b) <= rtol * max(1.0, abs(b)):
                out.append([name, side])
    return out


def mem_available_gib():
    for line in open("/proc/meminfo"):
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 2**20
    return float("nan")


def child(split, n_lf, opt):
    """One size: prints its measurements as one JSON line."""
    import h5py
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    with h5py.File(f"{split}/{harness.train_name(1.0)}", "r") as f:
        XL, YL = f["lf/X"][...], f["lf/Y"][...]
        XH, YH = f["hf/X"][...], f["hf/Y"][...]
    rng = np.random.default_rng(0)
    n_hf = max(1, n_lf // 4)
    il = rng.choice(len(XL), n_lf, replace=n_lf > len(XL))
    ih = rng.choice(len(XH), n_hf, replace=n_hf > len(XH))
    lo, hi = XL.min(0), XL.max(0)
    xl, yl = (XL[il] - lo) / (hi - lo), YL[il, 0]
    xh, yh = (XH[ih] - lo) / (hi - lo), YH[ih, 0]

    def kernel():
        return ConstantKernel(1.0) * RBF(np.full(6, 0.3)) + WhiteKernel(1e-4)

    out = {"n_lf": n_lf, "n_hf": n_hf}
    t0 = time.process_time()  # CPU seconds (one BLAS thread): wall time on a shared machine says little
    gl = GaussianProcessRegressor(kernel(), optimizer=None, normalize_y=True).fit(xl, yl)
    yl_at_h = gl.predict(xh)
    rho = float(np.dot(yl_at_h, yh) / np.dot(yl_at_h, yl_at_h))
    GaussianProcessRegressor(kernel(), optimizer=None, normalize_y=True).fit(xh, yh - rho * yl_at_h)
    out["fit_fixed_s"] = time.process_time() - t0
    t0 = time.process_time()
    gl.log_marginal_likelihood(gl.kernel_.theta, eval_gradient=True)
    out["lml_grad_s"] = time.process_time() - t0
    if n_lf <= opt:
        t0 = time.process_time()
        g = GaussianProcessRegressor(kernel(), normalize_y=True, random_state=0).fit(xl, yl)
        out["fit_opt_s"] = time.process_time() - t0
        out["fit_opt_theta"] = np.exp(g.kernel_.theta).tolist()
        names = [f"{h.name}[{i}]" if h.n_elements > 1 else h.name for h in g.kernel_.hyperparameters
                 for i in range(h.n_elements)]
        out["fit_opt_at_bound"] = at_bound(names, g.kernel_.theta, g.kernel_.bounds)
        if out["fit_opt_at_bound"]:
            print(f"cokriging_scaling: WARNING: n_lf {n_lf}: the optimised LF GP ended with "
                  f"{len(out['fit_opt_at_bound'])} hyperparameter(s) at a bound: {out['fit_opt_at_bound']}; "
                  "fit_opt_s times that fit (all length scales at the lower bound: a white-noise model)",
                  file=sys.stderr, flush=True)
    out["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(json.dumps(out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default=os.path.join(HERE, "split"))
    ap.add_argument("--sizes", default="250,500,1000,2000,4000,8000,16000,32000")
    ap.add_argument("--opt_max", type=int, default=2000, help="largest LF row count fitted with the optimiser")
    ap.add_argument("--mem_fraction", type=float, default=0.6)
    committed = os.path.join(harness.ROOT, "bench", "results", "airfoil_mf_cokriging_scaling.json")
    ap.add_argument("--out", help=f"default {os.path.relpath(committed)} (the committed study; only with the default "
                    "--sizes, --opt_max and --mem_fraction)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child is not None:  # a size of 0 must not run the whole study in the child
        child(a.split, a.child, a.opt_max)
        return
    changed = [f"--{k}" for k in ("sizes", "opt_max", "mem_fraction") if getattr(a, k) != ap.get_default(k)]
    if changed and a.out is None:  # another study must not replace the committed one that the README quotes
        ap.error(f"{' '.join(changed)}: a study unlike the committed one: give --out (it would replace {committed})")
    a.out = a.out or committed
    try:
        sizes = [int(v) for v in a.sizes.split(",")]
    except ValueError:
        ap.error(f"--sizes {a.sizes}: LF row counts separated by commas, e.g. 250,500,1000")
    if any(n < 4 for n in sizes):
        ap.error(f"--sizes {a.sizes}: every size must be at least 4 LF rows (n_HF = n_LF / 4 HF rows)")
    runs, prev = [], None
    for n in sizes:
        avail = mem_available_gib()
        if prev is not None:
            need = prev["peak_rss_gib"] * (n / prev["n_lf"]) ** 2
            if need > a.mem_fraction * avail:
                runs.append({"n_lf": n, "n_hf": n // 4, "not_run": f"predicted peak {need:.1f} GiB > "
                             f"{a.mem_fraction:g} x {avail:.1f} GiB available (machine total "
                             f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.1f} GiB)"})
                print(f"cokriging_scaling: n_lf {n}: {runs[-1]['not_run']}", flush=True)
                break
        r = subprocess.run([sys.executable, __file__, "--split", a.split, "--opt_max", str(a.opt_max),
                            "--child", str(n)], capture_output=True, text=True)
        if r.returncode != 0:
            runs.append({"n_lf": n, "n_hf": n // 4, "failed": r.stderr.strip().splitlines()[-1:]})
            print(f"cokriging_scaling: n_lf {n}: failed: {runs[-1]['failed']}", flush=True)
            break
        prev = json.loads(r.stdout.strip().splitlines()[-1])
        runs.append(prev)
        sys.stderr.write(r.stderr)  # the child's warnings (hyperparameters at a bound)
        print(f"cokriging_scaling: {prev}", flush=True)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    harness.write_json(a.out, {"machine": harness.machine(), "mem_available_gib_at_end": mem_available_gib(),
                               "split": os.path.abspath(a.split), "n_hf_per_n_lf": 0.25, "runs": runs})
    print(f"cokriging_scaling: {a.out}")


if __name__ == "__main__":
    main()

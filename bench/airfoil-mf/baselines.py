#!/usr/bin/python3
"""Baselines of the airfoil multi-fidelity benchmark, on the split of harness.py (same test airfoils, same
nested training HF sets as the SNA):

  lf              XFOIL's Cp taken as the HF prediction (what a designer without HF data has)
  mlp_hf          an MLP (PyTorch, CPU) on the HF training rows: (m, p, t, alpha, Re/1e6, s) -> Cp
  mlp_mf          the same MLP given the LF Cp at the same point as a 7th input (the multi-fidelity MLP:
                  a composite network y_H = F(x, y_L) in the spirit of Meng and Karniadakis)
  cokriging       Kennedy-O'Hagan AR1 co-kriging with sklearn GPs: a GP on LF, then y_H = rho * GP_L(x) +
                  GP_delta(x), rho by least squares on the HF designs (nested: their LF is known there);
                  GPs over the 5 design variables, the 101 station values of a case one multi-output target
                  (shared kernel), hyperparameters by maximum likelihood (RESTARTS_LF, RESTARTS_DELTA: the
                  fitted kernels, their likelihood and the hyperparameters at a bound are in the JSON: gp_lf,
                  gp_delta): point-level GPs cannot hold the 46,056 LF rows (15.8 GiB for
                  the kernel matrix alone; see cokriging_scaling.py)
  cokriging_ylf   the same correction applied to the test airfoils' actual LF Cp (as snaps-predict does with
                  /YLF): rho * y_L + GP_delta(x)

MLP hyperparameters: a grid (width x depth x learning rate) searched once per MLP kind on the 100% training
HF set, scored on a seeded 20% of its cases held out for validation (never the test airfoils); the winner
trains every fraction (so the 10% and 30% settings were chosen with more HF airfoils than those fractions
have; one seed, no early stopping: see the README). Everything runs on one thread (the machine is shared).

  baselines.py [--split bench/airfoil-mf/split] [--out bench/results/airfoil_mf_baselines.json] [--quick --out JSON]
               [--search_from JSON]
      --quick (a one-point grid, 300 steps: a smoke test) needs --out: it would replace the committed results
      --methods M1,M2,...: only these baselines (default all); fewer need --out. cokriging_ylf alone fits no LF GP
      (seconds): it reads the LF Cp, so its training cost and size are its correction's (also in a full run)
      also writes the predictions at the test rows, <out>_pred.h5: /<method>/hf<percent> (plot.py)
      --search_from JSON: no MLP search; its winners are taken from JSON's search table (an earlier baselines.py
      output on the same split, grid and steps; JSON may be --out), which the new output carries with the file
      it came from (mlp_search.from): the table's figures are that run's, on its data
"""
import os

# one thread for BLAS too (set before numpy loads it): the figures are single-core, the machine shared
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import itertools
import json
import subprocess
import sys
import time

import importlib

import h5py
import numpy as np

import harness

torch = None  # imported by main() after the arguments are checked (require): a usage error needs neither library
DEBIAN = {"torch": "python3-torch", "sklearn": "python3-sklearn"}


def require(name):
    """The module name (torch, sklearn.*), or an exit naming the Debian package that provides it."""
    try:
        return importlib.import_module(name)
    except ImportError as e:
        top = name.split(".")[0]
        sys.exit(f"baselines.py: {top} is not installed ({e}): it is Debian's {DEBIAN[top]} (for /usr/bin/python3), "
                 "which scripts/install-deps.sh --airfoil installs")

def clock():
    """(wall, CPU of this process) seconds."""
    return np.array([time.perf_counter(), time.process_time()])


GRID = {"width": [64, 128], "depth": [2, 3], "lr": [1e-3, 3e-3]}
STEPS = 4000
BATCH = 512


def load_train(split_dir, fraction):
    with h5py.File(f"{split_dir}/{harness.train_name(fraction)}", "r") as f:
        return {k: (f[f"{k}/X"][...], f[f"{k}/Y"][...], f[f"{k}/case"][...]) for k in ("lf", "hf")}


def lf_at(train, X, case):
    """The LF Cp at HF rows (same design, same stations: same case id, same row order)."""
    XL, YL, cL = train["lf"]
    out = np.empty((len(X), 1))
    for cid in np.unique(case):
        k, kl = case == cid, cL == cid
        assert np.allclose(X[k], XL[kl]), f"case {cid}: LF and HF rows differ"
        out[k] = YL[kl]
    return out


class MLP:
    def __init__(self, n_in, width, depth, lr, seed=0):
        global torch
        if torch is None:  # a caller other than main()
            torch = require("torch")
        torch.manual_seed(seed)
        layers, k = [], n_in
        for _ in range(depth):
            layers += [torch.nn.Linear(k, width), torch.nn.SiLU()]
            k = width
        layers.append(torch.nn.Linear(k, 1))
        self.net = torch.nn.Sequential(*layers).double()
        self.lr = lr

    def params(self):
        return sum(p.numel() for p in self.net.parameters())

    def fit(self, X, Y, steps=STEPS, seed=0):
        self.mu, self.sd = X.mean(0), X.std(0) + 1e-12
        self.ymu, self.ysd = Y.mean(), Y.std() + 1e-12
        Xt = torch.from_numpy((X - self.mu) / self.sd)
        Yt = torch.from_numpy((Y - self.ymu) / self.ysd)
        opt = torch.optim.Adam(self.net.parameters(), lr=self.lr)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
        g = torch.Generator().manual_seed(seed)
        for _ in range(steps):
            idx = torch.randint(0, len(Xt), (min(BATCH, len(Xt)),), generator=g)
            opt.zero_grad()
            loss = torch.mean((self.net(Xt[idx]) - Yt[idx]) ** 2)
            loss.backward()
            opt.step()
            sched.step()
        return self

    def predict(self, X):
        with torch.no_grad():
            return self.net(torch.from_numpy((X - self.mu) / self.sd)).numpy() * self.ysd + self.ymu


def mlp_inputs(kind, X, ylf):
    return X if kind == "mlp_hf" else np.hstack([X, ylf])


def search(kind, train, grid, steps, seed=harness.SEED):
    """Validation error of every grid point (a seeded 20% of the 100% training HF cases held out)."""
    X, Y, case = train["hf"]
    ylf = lf_at(train, X, case)
    ids = np.unique(case)
    val = np.random.default_rng(seed + 1).permutation(ids)[: max(1, len(ids) // 5)]
    v = np.isin(case, val)
    table = []
    for width, depth, lr in itertools.product(grid["width"], grid["depth"], grid["lr"]):
        t0 = clock()
        m = MLP(X.shape[1] + (kind == "mlp_mf"), width, depth, lr).fit(mlp_inputs(kind, X[~v], ylf[~v]), Y[~v], steps)
        P = m.predict(mlp_inputs(kind, X[v], ylf[v]))
        err = float(np.linalg.norm(P - Y[v]) / np.linalg.norm(Y[v]))
        table.append({"width": width, "depth": depth, "lr": lr, "val_cp_rel_l2": err, "params": m.params(),
                      "train_cpu_s": float((clock() - t0)[1])})
        print(f"baselines: search {kind} width {width} depth {depth} lr {lr:g}: val {err:.4f}", flush=True)
    return table


def design_rows(X, Y, case):
    """Case-level view for the GPs: design (5) -> the Cp row at the stations (101)."""
    ids = np.unique(case)
    D = np.array([X[case == i][0, :5] for i in ids])
    C = np.array([Y[case == i, 0] for i in ids])
    return ids, D, C


# Restarts of the likelihood maximisation (L-BFGS-B from random points in the bounds, besides the start at 1): with one,
# the correction GP at 30% and 100% HF stopped at a local optimum with every length scale 0.01 to 0.08 of the design
# box, a kernel that is white noise between airfoils, so it predicted its training mean at every test airfoil (log
# likelihood -11608 at 100% against -8268 at the optimum found from 10 starts: a 35% smaller correction error). The
# correction GP is cheap (8 to 81 designs); the LF GP (456 designs, about 25 CPU s a start) keeps one restart: its
# length scales are 0.2 to 3 of the box.
RESTARTS_LF, RESTARTS_DELTA = 1, 10


def gp(n_in, restarts):
    kernels = require("sklearn.gaussian_process.kernels")
    k = (kernels.ConstantKernel(1.0, (1e-3, 1e3)) * kernels.RBF(np.ones(n_in), (1e-2, 1e2))
         + kernels.WhiteKernel(1e-4, (1e-8, 1e-1)))
    return require("sklearn.gaussian_process").GaussianProcessRegressor(k, normalize_y=True, n_restarts_optimizer=restarts,
                                                                        random_state=0)


def gp_record(g, name):
    """What a fitted GP's hyperparameter search gave: its kernel, log marginal likelihood, restarts, and the
    hyperparameters at a bound of their search (every length scale at its lower bound: white noise between designs,
    the GP predicting its mean away from its training designs), with a warning on stderr for those."""
    k = g.kernel_
    names = [h.name for h in k.hyperparameters for _ in range(h.n_elements)]
    bound = []
    for n, v, (lo, hi) in zip(names, k.theta, k.bounds):
        for side, b in (("lower", lo), ("upper", hi)):
            if abs(v - b) <= 1e-6 * max(1.0, abs(b)):
                bound.append([n, side])
    short = [n for n, side in bound if "length_scale" in n and side == "lower"]
    if short:
        print(f"baselines: WARNING: the {name} GP's {', '.join(short)} ended at the lower bound 0.01 of the design box: "
              "it hardly correlates neighbouring designs", file=sys.stderr, flush=True)
    return {"kernel": str(k), "log_marginal_likelihood": float(g.log_marginal_likelihood_value_),
            "restarts": g.n_restarts_optimizer, "at_bound": bound}


class CoKriging:
    def fit_lf(self, train, fit_gp=True):
        """The LF GP: the same for every HF fraction (every split shares the LF training cases). fit_gp False: only
        the design box that scales the inputs (cokriging_ylf alone: it reads the LF Cp, not the LF GP)."""
        t0 = clock()
        _, DL, CL = design_rows(*train["lf"])
        self.lo, self.hi = DL.min(0), DL.max(0)
        self.gl = gp(5, RESTARTS_LF).fit(self.scale(DL), CL) if fit_gp else None
        self.lf_s = clock() - t0 if fit_gp else np.zeros(2)
        self.lf_record = gp_record(self.gl, "LF") if fit_gp else None
        return self

    def fit_hf(self, train, fraction):
        self.gd, self.rho = None, 1.0
        if fraction > 0 and len(train["hf"][2]):
            X, Y, case = train["hf"]
            ids, DH, CH = design_rows(X, Y, case)
            _, _, CHL = design_rows(X, lf_at(train, X, case), case)
            self.rho = float(np.sum(CHL * CH) / np.sum(CHL * CHL))  # least squares of y_H on y_L
            self.gd = gp(5, RESTARTS_DELTA).fit(self.scale(DH), CH - self.rho * CHL)
        return self

    def scale(self, D):
        return (D - self.lo) / (self.hi - self.lo + 1e-12)

    def predict(self, D, CLF=None):
        base = self.gl.predict(self.scale(D)) if CLF is None else CLF
        out = self.rho * base
        if self.gd is not None:
            out = out + self.gd.predict(self.scale(D))
        return out

    def params(self, with_lf=True):
        """(kernel hyperparameters, stored numbers: training inputs and the dual weights per output); with_lf False:
        the correction's alone (cokriging_ylf, which reads the LF Cp instead of the LF GP)."""
        hyp = (len(self.gl.kernel_.theta) if with_lf else 0) + (len(self.gd.kernel_.theta) + 1 if self.gd is not None else 0)
        stored = self.gl.X_train_.size + self.gl.alpha_.size if with_lf else 0
        if self.gd is not None:
            stored += self.gd.X_train_.size + self.gd.alpha_.size
        return hyp, stored


def to_rows(C, case_ids, case):
    """Case-level rows (n_case x 101) back to the test file's row order."""
    out = np.empty((len(case), 1))
    for i, cid in enumerate(case_ids):
        out[case == cid, 0] = C[i]
    return out


def earlier_search(path, split_dir, grid, steps):
    """The MLP search table of an earlier output path (--search_from), which must be of this split, grid and steps,
    with where it was measured (search_provenance)."""
    import checks  # postprocess/, on the path harness.py set

    d = checks.load_json(path)
    split = json.load(open(f"{split_dir}/split.json"))
    if d.get("split") != split:
        raise SystemExit(f"baselines: --search_from {path}: its split is not {split_dir}/split.json's: its search "
                         "chose settings with other validation airfoils")
    ms = d.get("mlp_search") or {}
    if ms.get("grid") != grid or ms.get("steps") != steps or set(ms.get("table", {})) != {"mlp_hf", "mlp_mf"}:
        raise SystemExit(f"baselines: --search_from {path}: its search (grid {ms.get('grid')}, steps {ms.get('steps')}) "
                         f"is not this run's (grid {grid}, steps {steps}) or lacks a table for mlp_hf and mlp_mf")
    return dict(ms, **search_provenance(path, d))


def search_provenance(path, d):
    """Where the search table of d, the output read from path, was measured: the file, the git commit that last wrote
    it when it is tracked (its data are that commit's), and that run's machine record. Nothing when the table was
    itself carried over (it holds them already), so that a chain of reruns still names the run that searched."""
    if d["mlp_search"].get("from"):
        return {}
    rel = os.path.relpath(path, harness.ROOT)
    rev = None
    try:  # a file changed since its last commit is not that commit's
        git = ["git", "-C", harness.ROOT]
        if not subprocess.run(git + ["status", "--porcelain", "--", rel], capture_output=True, text=True,
                              check=True).stdout.strip():
            rev = subprocess.run(git + ["log", "-1", "--format=%H", "--", rel], capture_output=True, text=True,
                                 check=True).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        pass
    return {"from": rel, "from_git_revision": rev, "from_machine": d.get("machine"),
            "from_note": "the table's figures and the settings it chose were measured by that run, on the data of its time"}


METHODS = ("lf", "cokriging", "cokriging_ylf", "mlp_hf", "mlp_mf")
MLPS = ("mlp_hf", "mlp_mf")


def run(split_dir, grid, steps, searched=None, methods=METHODS):
    Xt, Yt, YLt, ct = harness.load_test(f"{split_dir}/test.h5")
    n_air = len(np.unique(ct))
    results, preds = [], {}

    def record(method, fraction, P, train_s, infer_s, params, extra=None):
        """train_s, infer_s: (wall, CPU) seconds; CPU is the fairer figure on a shared machine."""
        r = {"method": method, "hf_fraction": fraction, **harness.score(Xt, Yt, P, ct), "params": params,
             "train_s": train_s[0], "train_cpu_s": train_s[1], "infer_s_per_airfoil": infer_s[0] / n_air,
             "infer_cpu_s_per_airfoil": infer_s[1] / n_air}
        r.update(extra or {})
        results.append(r)
        preds[f"{method}/hf{int(round(100 * fraction)):03d}"] = P
        print(f"baselines: {method:14s} {fraction:4.0%}: Cp rel L2 {r['cp_rel_l2']:.4f}, CL err {r['cl_abs_err']:.4f}, "
              f"peak err {r['suction_peak_abs_err']:.3f}, {params} params, train {train_s[1]:.1f} s CPU", flush=True)

    if "lf" in methods:
        record("lf", 0.0, YLt, (0.0, 0.0), (0.0, 0.0), 0)
    full = load_train(split_dir, 1.0)
    mlps = [k for k in MLPS if k in methods]
    searches = {k: searched["table"][k] for k in mlps} if searched else {k: search(k, full, grid, steps) for k in mlps}
    best = {k: min(t, key=lambda r: r["val_cp_rel_l2"]) for k, t in searches.items()}
    ids_t, Dt, _ = design_rows(Xt, Yt, ct)
    _, _, CLt = design_rows(Xt, YLt, ct)
    ck = CoKriging().fit_lf(full, fit_gp="cokriging" in methods)
    for fraction in harness.FRACTIONS:
        train = load_train(split_dir, fraction)
        n_hf = len(np.unique(train["hf"][2])) if fraction > 0 else 0
        t0 = clock()
        ck.fit_hf(train, fraction)
        delta_s = clock() - t0
        gps = {"gp_lf": ck.lf_record, "gp_delta": gp_record(ck.gd, f"correction ({fraction:.0%} HF)") if ck.gd else None}
        if "cokriging" in methods:
            t0 = clock()
            P = to_rows(ck.predict(Dt), ids_t, ct)
            inf = clock() - t0
            hyp, stored = ck.params()
            record("cokriging", fraction, P, ck.lf_s + delta_s, inf, hyp,  # the whole model's cost: LF GP and correction
                   {"stored_numbers": stored, "rho": ck.rho, "n_hf_cases": n_hf, **gps})
        if "cokriging_ylf" in methods:  # reads the LF Cp, not the LF GP: the correction's cost and size alone
            t0 = clock()
            P = to_rows(ck.predict(Dt, CLt), ids_t, ct)
            hyp, stored = ck.params(with_lf=False)
            record("cokriging_ylf", fraction, P, delta_s, clock() - t0, hyp,
                   {"stored_numbers": stored, "rho": ck.rho, "n_hf_cases": n_hf, "gp_delta": gps["gp_delta"]})
        if n_hf == 0:
            continue
        X, Y, case = train["hf"]
        ylf = lf_at(train, X, case)
        for kind in mlps:
            b = best[kind]
            t0 = clock()
            m = MLP(X.shape[1] + (kind == "mlp_mf"), b["width"], b["depth"], b["lr"]).fit(mlp_inputs(kind, X, ylf), Y, steps)
            tr = clock() - t0
            t0 = clock()
            P = m.predict(mlp_inputs(kind, Xt, YLt))
            record(kind, fraction, P, tr, clock() - t0, m.params(),
                   {"width": b["width"], "depth": b["depth"], "lr": b["lr"], "n_hf_cases": n_hf})
    return results, searches, preds


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--split", default=os.path.join(here, "split"))
    committed = os.path.join(harness.ROOT, "bench", "results", "airfoil_mf_baselines.json")
    ap.add_argument("--out", help=f"default {os.path.relpath(committed)} (the committed results; not with --quick)")
    ap.add_argument("--quick", action="store_true", help="a one-point grid and 300 steps: a smoke test (give --out)")
    ap.add_argument("--methods", default=",".join(METHODS),
                    help=f"the baselines run, separated by commas (default all: {','.join(METHODS)}); fewer need --out")
    ap.add_argument("--search_from", metavar="JSON",
                    help="no MLP search: the settings chosen from this earlier output's search table (see above)")
    a = ap.parse_args(argv)
    if a.quick and a.out is None:  # a smoke test's figures must not replace the committed ones that the READMEs quote
        ap.error(f"--quick is a smoke test, not a measurement: give --out (it would replace the committed {committed})")
    methods = [m for m in a.methods.split(",") if m]
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        ap.error(f"--methods {a.methods}: {'unknown ' + ','.join(unknown) if unknown else 'none given'}; choose from "
                 + ",".join(METHODS))
    if set(methods) != set(METHODS) and a.out is None:  # a part must not replace the committed whole
        ap.error(f"--methods {a.methods} runs part of the baselines: give --out (it would replace the committed {committed})")
    if a.search_from and not any(m in MLPS for m in methods):
        ap.error(f"--search_from {a.search_from} gives the MLPs' settings, and --methods {a.methods} runs no MLP")
    a.out = a.out or committed
    global torch
    torch = require("torch")  # both now, before any work (the MLPs need PyTorch, the co-kriging scikit-learn)
    require("sklearn.gaussian_process")
    torch.set_num_threads(1)
    grid = {"width": [32], "depth": [2], "lr": [3e-3]} if a.quick else GRID
    steps = 300 if a.quick else STEPS
    searched = None
    if a.search_from:  # read now: it may be the --out this run replaces
        searched = earlier_search(a.search_from, a.split, grid, steps)
    m0 = harness.machine()
    t0 = clock()
    results, searches, preds = run(a.split, grid, steps, searched, methods)
    out = {"machine": m0, "torch": torch.__version__, "threads": 1, "split": json.load(open(f"{a.split}/split.json")),
           "methods": methods,
           "mlp_search": None if not searches else searched or {"grid": grid, "steps": steps, "batch": BATCH, "optimizer": "Adam, cosine decay",
                                      "activation": "SiLU", "validation": "seeded 20% of the 100% training HF cases",
                                      "table": searches},
           "results": results, "total_cpu_s": float((clock() - t0)[1]), "loadavg_end": os.getloadavg()}
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    harness.write_json(a.out, out)
    with harness.h5_file(os.path.splitext(a.out)[0] + "_pred.h5") as f:  # /<method>/hfNNN: /Y rows of test.h5
        for k, P in preds.items():
            f.create_dataset(k, data=P, compression="gzip")
    print(f"baselines: {a.out}")


if __name__ == "__main__":
    main()

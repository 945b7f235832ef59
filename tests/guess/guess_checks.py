"""Options and files of the sna guess that must be refused, or said as they are, on PETSc's KSP ex2 (serial, seconds).

  usage: guess_checks.py SCRATCH DATA EX2 LIBSNAPS PREDICT_FIELDS SNAPS_POD
  (DATA: the guess fixtures' directory, with ex2_A.bin and ex2_model.h5)

  - -ksp_guess_sna_reduced_rhs_tol is refused where it does nothing: without -ksp_guess_sna_galerkin and
    with -ksp_guess_sna_galerkin_modes m below the model's k
  - -ksp_guess_sna_reduced_rhs given where it does nothing (r >= k / 2) is warned about once; the default is not
  - -ksp_guess_sna_galerkin_modes above the model's k is refused naming k (not made "all modes")
  - -ksp_guess_sna_params of the wrong count is refused where the guess does not read them (Galerkin on all modes)
  - SNAGuessPredictFields() with no point returns (it crashed); a second KSPSetFromOptions() with the same
    -ksp_guess_sna_galerkin_modes does not load the model again; a model whose /operator cannot be read fails
    to load and leaves no HDF5 object open
  - -ksp_guess_sna_record_operators appends: two runs give two records; records of another number of modes are
    refused, the file unchanged; eight runs recording to one file at the same time leave eight records
  - snaps-pod -operators refuses as many records as terms (the misfit would be 0 whatever the data), and records whose
    parameters do not determine every term (all on mu1 + mu2 = 1); the model's reduced operator then gives A's
    Galerkin guess; an -sna_ option given with -operators is warned about before the fit
  - records of another POD basis (same sizes and fingerprint) are refused by the appending guess and by the fit
  - -ksp_view says where the reduced operator comes from: the model's /operator, or A and why not the /operator
  - the monitor and -ksp_view name the parameters that choose the model's reduced operator
  - a reduced-operator model of more than 1024 terms is used (the solve refused it though the load and fit accept it)
Each case is checked even when another fails, so a run without the fixes shows every one.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

scratch, data, EX2, LIB, PREDICT, POD, SOLVES = sys.argv[1:8]
shutil.rmtree(scratch, ignore_errors=True)
os.makedirs(scratch)
fails = []
MODEL = os.path.join(data, "ex2_model.h5")
GUESS = [EX2, "-m", "24", "-n", "20", "-dll_append", LIB, "-ksp_guess_type", "sna"]


def path(name):
    return os.path.join(scratch, name)


def run(cmd):
    p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    return p.returncode, p.stdout


def expect(cmd, pattern, ok=False, what=""):
    """The command fails (ok: succeeds) and its output matches pattern."""
    rc, out = run(cmd)
    if (rc == 0) != ok or not re.search(pattern, out):
        fails.append(f"{what or ' '.join(cmd)}: rc {rc}, expected {'success' if ok else 'an error'} with /{pattern}/; output tail:\n{out[-800:]}")
    print(f"checked: {what or pattern}")
    return out


# ---- options that do not apply, or do not fit the model ----
ex2 = GUESS + ["-ksp_guess_sna_model", MODEL]
expect(ex2 + ["-ksp_guess_sna_reduced_rhs_tol", "0.5"], r"-ksp_guess_sna_reduced_rhs_tol 0.5 applies to .* add -ksp_guess_sna_galerkin")
expect(ex2 + ["-ksp_guess_sna_galerkin", "-ksp_guess_sna_galerkin_modes", "2", "-ksp_guess_sna_params", "0.5,0.5", "-ksp_guess_sna_reduced_rhs_tol", "0.5"],
       r"-ksp_guess_sna_reduced_rhs_tol applies to the Galerkin projection on all modes only, but -ksp_guess_sna_galerkin_modes 2 corrects the first 2 of the model's 4")
expect(ex2 + ["-ksp_guess_sna_galerkin", "-ksp_guess_sna_galerkin_modes", "100"],
       r"-ksp_guess_sna_galerkin_modes 100: the model '.*ex2_model.h5' has 4 POD modes, so it must be -1 \(all\) or 1..4")
expect(ex2 + ["-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "7,7,7"], r"takes 2 parameters but 3 were given by -ksp_guess_sna_params")
# -ksp_guess_sna_reduced_rhs given on a model with r >= k / 2 (4 right-hand-side modes, 4 POD modes) does nothing: said
# once (only -ksp_view said it); as the default it is not warned about
out = expect(ex2 + ["-ksp_guess_sna_galerkin", "-ksp_guess_sna_reduced_rhs"], r"WARNING: -ksp_guess_sna_reduced_rhs does not apply to the "
             r"initial-guess model '.*ex2_model.h5': its 4 right-hand-side modes are too many for its 4 POD modes", ok=True)
if out.count("does not apply") != 1:
    fails.append(f"-ksp_guess_sna_reduced_rhs that does not apply was said {out.count('does not apply')} times, not once")
if "does not apply" in expect(ex2 + ["-ksp_guess_sna_galerkin"], r"", ok=True, what="the default -ksp_guess_sna_reduced_rhs"):
    fails.append("the default -ksp_guess_sna_reduced_rhs (not given) was warned about")

# ---- SNAGuessPredictFields(), reloads, a corrupt /operator ----
predict = [PREDICT, "-matrix", os.path.join(data, "ex2_A.bin"), "-m", "24", "-n", "20", "-ksp_guess_type", "sna", "-ksp_guess_sna_model"]
expect(predict + [MODEL, "-case", "empty"], r"predict_fields: 0 fields", ok=True)
out = expect(predict + [MODEL, "-case", "twice", "-ksp_guess_sna_galerkin", "-ksp_guess_sna_galerkin_modes", "2", "-info"],
             r"Loaded initial-guess model", ok=True, what="a second KSPSetFromOptions()")
if len(re.findall(r"Loaded initial-guess model", out)) != 1:
    fails.append(f"a second KSPSetFromOptions() with the same -ksp_guess_sna_galerkin_modes loaded the model {len(re.findall('Loaded initial-guess model', out))} times")
shutil.copy(MODEL, path("bad_operator.h5"))
with h5py.File(path("bad_operator.h5"), "r+") as h:
    g = h.create_group("operator")
    for name, value in (("n_modes", 2), ("n_params", 2), ("degree", 1), ("n_terms", 3), ("n_records", 4)):
        g.attrs[name] = np.int64(value)
    g["exponents"] = np.array([[0, 0], [1, 0], [0, 1]], dtype=float)
    terms = np.ones((3, 2, 2))
    terms[1, 0, 1] = np.nan
    g["terms"] = terms
    g["fit_rel_error"] = np.zeros(1)
expect(predict + [path("bad_operator.h5"), "-case", "badop"], r"the load failed .*HDF5 objects left open: 0", ok=True, what="a corrupt /operator")

# ---- records appended over runs, checked against the file's sizes; the fit needs more records than terms ----
rec = path("rec.h5")
record = ex2 + ["-ksp_guess_sna_galerkin", "-ksp_guess_sna_record_operators", rec]
params = ("0.5,0.5", "0.25,0.75", "1,0", "0.1,0.9")
for i, mu in enumerate(params[:3]):
    run(record + ["-ksp_guess_sna_params", mu])
    with h5py.File(rec) as h:
        if h.attrs["n_records"] != i + 1 or h["X"].shape != (i + 1, 2):
            fails.append(f"run {i + 1} of -ksp_guess_sna_record_operators left {h.attrs['n_records']} records (X {h['X'].shape}), not {i + 1}")
before = open(rec, "rb").read()
expect(record + ["-ksp_guess_sna_params", "0.5,0.5", "-ksp_guess_sna_galerkin_modes", "2"],
       r"-ksp_guess_sna_record_operators '.*rec.h5' holds records of 4 modes, 2 parameters.* but this guess records 2 modes")
if open(rec, "rb").read() != before:
    fails.append("records of another number of modes changed the records file")
shutil.copy(MODEL, path("op.h5"))
expect([POD, "-model", path("op.h5"), "-operators", rec, "-operator_degree", "1"], r"has 3 terms but '.*rec.h5' holds only 3 records")
run(record + ["-ksp_guess_sna_params", params[3]])
# every record so far has mu1 + mu2 = 1: the constant term and the two linear ones are not determined apart (dgelss
# chose the minimum-norm split, which halved G at (0.2, 0.3): the Galerkin guess there took 13 iterations for 0)
before = open(path("op.h5"), "rb").read()
expect([POD, "-model", path("op.h5"), "-operators", rec, "-operator_degree", "1"],
       r"The parameters of the 4 records in '.*rec.h5' determine only 2 of the 3 terms of a reduced-operator model of degree 1")
if open(path("op.h5"), "rb").read() != before:
    fails.append("a refused reduced-operator fit changed the model")
run(record + ["-ksp_guess_sna_params", "0.2,0.3"])
# an -sna_ option does nothing with -operators (the model's SNA is kept as it is): warned about once, before the fit,
# as the build from -snapshots does (it was said only at the end)
out = expect([POD, "-model", path("op.h5"), "-operators", rec, "-operator_degree", "1", "-sna_khronos_modes", "4"],
             r"WARNING: option -sna_khronos_modes \(value 4\) was set but never used(.|\n)*fitted to 5 records", ok=True)
if out.count("-sna_khronos_modes (value 4) was set but never used") != 1:
    fails.append(f"snaps-pod -operators warned {out.count('-sna_khronos_modes (value 4) was set but never used')} times about -sna_khronos_modes, not once:\n{out}")
# the records scaled by 1 + mu1 + 2 mu2 (as if A were) fit exactly with degree 1, and at mu = (0, 0) the model's
# reduced operator is ex2's V^T A V again: its Galerkin guess is A's (exact, 0 iterations). With the off-diagonal
# entries doubled by the symmetrisation of the loaded terms (mutation audit s25) 16 iterations, and every guess test
# passed: the fixed A's terms beyond the constant one are rounding noise, which the load leaves unsymmetrised
scaled = path("rec_scaled.h5")
shutil.copy(rec, scaled)
with h5py.File(scaled, "r+") as h:
    X = h["X"][()]
    h["G"][...] = h["G"][()] * (1 + X[:, 0] + 2 * X[:, 1])[:, None, None]
shutil.copy(MODEL, path("op_scaled.h5"))
expect([POD, "-model", path("op_scaled.h5"), "-operators", scaled, "-operator_degree", "1"], r"fitted to 5 records", ok=True)
its = []
for model in (path("op_scaled.h5"), MODEL):  # ex2_model.h5 has no /operator: V^T A V
    out = run(GUESS + ["-ksp_guess_sna_model", model, "-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "0,0"])[1]
    m = re.search(r"Norm of error \S+ iterations (\d+)", out)
    its.append(m.group(1) if m else out[-400:])
if its[0] != its[1]:
    fails.append(f"the Galerkin guess with the model's reduced operator took {its[0]} iterations, with A's {its[1]}")
print("checked: the model's reduced operator gives A's Galerkin guess")
# (mutation round 10) ... and so does its leading block where the guess corrects fewer modes than the model's
# /operator has: columns read with the block's stride instead of the model's gave another G, and no test looked
its = []
for model in (path("op_scaled.h5"), MODEL):
    out = run(GUESS + ["-ksp_guess_sna_model", model, "-ksp_guess_sna_galerkin", "-ksp_guess_sna_galerkin_modes", "2",
                       "-ksp_guess_sna_params", "0,0", "-ksp_monitor"])[1]
    m = re.search(r"0 KSP Residual norm (\S+)", out)
    its.append(float(m.group(1)) if m else out[-400:])
if not all(isinstance(r, float) for r in its) or abs(its[0] - its[1]) > 1e-3 * its[1]:  # the same to 13 digits; 2 times larger with the block misread
    fails.append(f"corrected in 2 modes, the Galerkin guess with the model's reduced operator had the initial residual {its[0]}, with A's {its[1]}")
print("checked: the model's reduced operator gives A's Galerkin guess in the leading 2 modes")
# (mutation round 10) terms that are not symmetric (a nonsymmetric A's records) are used as they are: only rounding
# (1e-13 of the diagonal) is averaged away. An antisymmetric part of 1e-5 of the diagonal changes the guess; a
# tolerance of 1e-3 averaged it away, and no test looked
asym = path("op_asym.h5")
shutil.copy(path("op_scaled.h5"), asym)
with h5py.File(asym, "r+") as h:
    t = h["operator/terms"][()]
    d = 1e-5 * abs(t[0, 0, 0])
    t[0, 0, 1] += d
    t[0, 1, 0] -= d
    h["operator/terms"][...] = t
res = []
for model in (path("op_scaled.h5"), asym):
    out = run(GUESS + ["-ksp_guess_sna_model", model, "-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "0,0", "-ksp_monitor"])[1]
    m = re.search(r"0 KSP Residual norm (\S+)", out)
    res.append(float(m.group(1)) if m else out[-400:])
if not all(isinstance(r, float) for r in res) or res[1] <= 100 * res[0]:  # the exact guess's residual is rounding
    fails.append(f"an antisymmetric part of 1e-5 of the diagonal in the /operator's terms left the guess unchanged (initial residuals {res}): averaged away as rounding")
print("checked: a /operator that is not symmetric is used as it is")
# (mutation round 10) a /operator whose sizes or exponents do not fit the model is refused, naming the file (the
# checks of its modes, parameters and exponents could each be dropped with every test passing)
for name, edit, pattern in (
        ("modes", "n_modes", r"declares 5 modes, 2 parameters and 3 terms for a model of 4 modes and 2 parameters: corrupt model"),
        ("params", "n_params", r"declares 4 modes, 3 parameters and 3 terms for a model of 4 modes and 2 parameters: corrupt model"),
        ("exponent", "exponents", r"/operator/exponents holds -1\.?, not a small non-negative integer: corrupt model")):
    bad = path(f"op_bad_{name}.h5")
    shutil.copy(path("op_scaled.h5"), bad)
    with h5py.File(bad, "r+") as h:
        g = h["operator"]
        if edit == "n_modes":  # one mode more than the model's 4, the terms shaped to match
            t = g["terms"][()]
            t5 = np.zeros((t.shape[0], 5, 5))
            t5[:, :4, :4] = t
            del g["terms"]
            g["terms"] = t5
            g.attrs["n_modes"] = np.int64(5)
        elif edit == "n_params":  # a third parameter, with its column of exponents
            e = g["exponents"][()]
            del g["exponents"]
            g["exponents"] = np.hstack([e, np.zeros((e.shape[0], 1))])
            g.attrs["n_params"] = np.int64(3)
        else:
            e = g["exponents"][()]
            e[1, 0] = -1
            g["exponents"][...] = e
    expect(GUESS + ["-ksp_guess_sna_model", bad, "-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "0,0"], pattern,
           what=f"a /operator with a wrong {edit}")
# the misfit is relative (the largest |G_fit - G|_F / |G|_F over the records) and one above 1e-8 is said: the records
# made slightly quadratic in mu1 (each G times 1 + 1e-3 mu1^2) fitted with degree 1, misfit 1.2e-04 (mutation audit
# s25, every guess test passed with the absolute misfit, 1.02e-04 here, and with the warning only above 1e-2)
curved = path("rec_curved.h5")
shutil.copy(rec, curved)
with h5py.File(curved, "r+") as h:
    X = h["X"][()]
    G = h["G"][()] * (1 + 1e-3 * X[:, 0] ** 2)[:, None, None]
    h["G"][...] = G
A = np.column_stack([np.ones(len(X)), X])
rows = G.reshape(len(X), -1)
R = A @ np.linalg.lstsq(A, rows, rcond=None)[0] - rows
want = max(np.linalg.norm(R[i]) / np.linalg.norm(rows[i]) for i in range(len(X)))
shutil.copy(MODEL, path("op_curved.h5"))
expect([POD, "-model", path("op_curved.h5"), "-operators", curved, "-operator_degree", "1", "-results", path("curved.json")],
       r"WARNING the misfit is large", ok=True)
if os.path.exists(path("curved.json")):
    got = json.load(open(path("curved.json")))["operator_fit_rel_error"]
    if not abs(got - want) <= 1e-6 * want:
        fails.append(f"the reduced-operator fit of the curved records reported the misfit {got}, not the relative {want:.6e}")
print(f"checked: the relative misfit {want:.3e} of a degree-1 fit to curved records")
# records of more modes than the model has are refused naming both counts (mutation audit s25: with the check skipped
# every guess test passed; the 1-norms were then summed past the model's modes)
run([POD, "-snapshots", os.path.join(data, "ex2_snapshots.h5"), "-model", path("two_modes.h5"), "-pod_max_modes", "2",
     "-sna_khronos_degree", "1", "-sna_khronos_nodes", "2", "-sna_khronos_modes", "4"])
expect([POD, "-model", path("two_modes.h5"), "-operators", rec, "-operator_degree", "1"],
       r"The operator records '.*rec.h5' have 4 modes but the model '.*two_modes.h5' only 2")
# records of another POD basis with the same sizes and fingerprint (only the modes' 1-norms tell) are refused by the
# guess that would append to them, the file unchanged, and by the fit (mutation audit s25: with either 1-norm check
# skipped, every guess test passed, and the fit wrote a reduced operator of another basis into the model)
other = path("rec_other_basis.h5")
shutil.copy(rec, other)
with h5py.File(other, "r+") as h:
    l1 = h["basis_l1"][()]
    l1[0] *= 1.5
    h["basis_l1"][...] = l1
before = open(other, "rb").read()
expect(ex2 + ["-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "0.5,0.5", "-ksp_guess_sna_record_operators", other],
       r"'.*rec_other_basis.h5' holds records made with another POD basis \(mode 0: 1-norm")
if open(other, "rb").read() != before:
    fails.append("records of another POD basis changed the records file")
expect([POD, "-model", path("op.h5"), "-operators", other, "-operator_degree", "1"],
       r"The operator records '.*rec_other_basis.h5' were made with another POD basis than the model '.*op.h5' \(mode 0")

# ---- runs recording to one file at the same time each keep their record (each rewrites the whole file) ----
rec2 = path("rec2.h5")
# side by side, daemonless Open MPI singletons (the suite's OMPI_MCA_ess_singleton_isolated, tests/CMakeLists.txt) would
# share one session directory: these get one each from their orted
together = dict(os.environ, OMPI_MCA_ess_singleton_isolated="0")
procs = [subprocess.Popen(ex2 + ["-ksp_guess_sna_galerkin", "-ksp_guess_sna_record_operators", rec2, "-ksp_guess_sna_params", f"0.{i},0.5"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=together) for i in range(1, 9)]
outs = [(p.returncode, out) for p, out in ((p, p.communicate(timeout=60)[0]) for p in procs)]
for out in (out for _, out in outs):
    script_runner.check_sanitizer_report(out, ["a concurrent recording run"])
if any(rc for rc, _ in outs):
    fails.append("a concurrent recording run failed:\n" + "\n".join(out[-400:] for rc, out in outs if rc))
elif not os.path.exists(rec2):
    fails.append("8 concurrent recording runs left no records file")
else:
    with h5py.File(rec2) as h:
        got = sorted(h["X"][:, 0].round(6).tolist())
    if got != [round(0.1 * i, 6) for i in range(1, 9)]:
        fails.append(f"8 concurrent recording runs left the records of mu1 = {got}, not 0.1 .. 0.8 (records lost)")
if os.path.exists(rec2 + ".lock"):
    fails.append("the recording runs left their lock file " + rec2 + ".lock")
print("checked: concurrent recording runs")

# ---- -ksp_view: the model's /operator where the guess uses it, else A and why ----
view = GUESS + ["-ksp_guess_sna_model", path("op.h5"), "-ksp_guess_sna_galerkin", "-ksp_view"]
expect(view + ["-ksp_guess_sna_params", "0.5,0.5"], r"reduced operator: the model's, polynomial of degree 1", ok=True)
expect(view, r"reduced operator: computed from A when it changes \(4 products with A\), not from the model's /operator: "
       r"the model's /operator needs the 2 parameters, which are not known", ok=True)
shutil.copy(path("op.h5"), path("op2.h5"))  # its /operator cut to the leading 2 of the 4 modes
with h5py.File(path("op2.h5"), "r+") as h:
    if "operator" in h:
        terms = h["operator/terms"][:, :2, :2]
        del h["operator/terms"]
        h["operator/terms"] = terms
        h["operator"].attrs["n_modes"] = np.int64(2)
    else:
        fails.append("no /operator was fitted from the appended records")
expect(GUESS + ["-ksp_guess_sna_model", path("op2.h5"), "-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "0.5,0.5", "-ksp_view"],
       r"computed from A when it changes \(4 products with A\), not from the model's /operator: the model's /operator has 2 modes, fewer than the 4 corrected",
       ok=True)
# ---- the parameters that choose the model's reduced operator are said (not "from nowhere (not needed)") ----
expect(GUESS + ["-ksp_guess_sna_model", path("op.h5"), "-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "0.2,0.3", "-ksp_guess_sna_monitor", "-ksp_view"],
       r"parameters from -ksp_guess_sna_params \(0.2, 0.3\), Galerkin projection on all 4 POD modes \(reduced operator from the model\)(.|\n)*"
       r"reduced operator: the model's, polynomial of degree 1 .*, at the parameters from -ksp_guess_sna_params", ok=True,
       what="the monitor and -ksp_view name the parameters of the model's reduced operator")

# ---- new parameters on the same A: the model's reduced operator is evaluated again at them (a cache of G(mu) keyed
#      by A's state alone would keep G(0, 0) for the second solve) ----
solves = [SOLVES, "-matrix", os.path.join(data, "ex2_A.bin"), "-m", "24", "-n", "20", "-ksp_guess_type", "sna", "-ksp_guess_sna_model",
          path("op.h5"), "-ksp_guess_sna_galerkin", "-ksp_guess_sna_monitor", "-case", "params", "-info"]
out = expect(solves, r"guess_solves: params: iterations", ok=True, what="two solves of the same A at two parameters")
# ... and the model is loaded once: the DMShell PETSc gives the KSP during its first solve is not a change of DM
if len(re.findall(r"Loaded initial-guess model", out)) != 1:
    fails.append(f"two solves of the same KSP loaded the model {len(re.findall('Loaded initial-guess model', out))} times (a DMShell taken for a new DM?)")
lines = [l.strip() for l in out.splitlines() if l.strip().startswith("KSPGuess sna:")]
if len(lines) != 2 or not all("(reduced operator from the model)" in l for l in lines) or "(1., 1.)" not in lines[1]:
    fails.append("new parameters on the same A: the model's reduced operator was not evaluated at them:\n  " + "\n  ".join(lines))

# ---- a reduced-operator model of more terms than 1024 (the load takes up to 100000) is used, not refused at the solve ----
shutil.copy(path("op.h5"), path("op_many.h5"))  # its 3 terms padded with zero terms to 1100
with h5py.File(path("op_many.h5"), "r+") as h:
    if "operator" in h:
        T = 1100
        e, t = h["operator/exponents"][...], h["operator/terms"][...]
        e2 = np.zeros((T, e.shape[1]))
        e2[: len(e)] = e
        e2[len(e):, 0] = 2 + np.arange(T - len(e)) % 40  # distinct higher powers of mu1, zero coefficients
        t2 = np.zeros((T,) + t.shape[1:])
        t2[: len(t)] = t
        for name, value in (("exponents", e2), ("terms", t2)):
            del h["operator/" + name]
            h["operator/" + name] = value
        h["operator"].attrs["n_terms"] = np.int64(T)
expect(GUESS + ["-ksp_guess_sna_model", path("op_many.h5"), "-ksp_guess_sna_galerkin", "-ksp_guess_sna_params", "0.5,0.5", "-ksp_view"],
       r"reduced operator: the model's, polynomial of degree 1 in the parameters \(1100 terms", ok=True, what="a reduced-operator model of 1100 terms")
if fails:
    sys.exit("FAIL:\n" + "\n\n".join(fails))
print("guess_checks: options refused naming the values, empty and repeated predictions, a corrupt /operator, appended records, "
      "the fit's record count and the view's reduced operator")

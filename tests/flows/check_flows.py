"""Checks of snaps-ks and snaps-kolmogorov against exact solutions and themselves.

usage: check_flows.py CHECK SCRATCH KS KOLMOGOROV MPIEXEC
checks:
  ks_linear_decay   a small single Fourier mode decays as exp((q^2 - q^4) t), at N 32 and 64 and two tolerances,
                    and with -ark_fixed_step
  ks_states         the sign of -u u_x (the second harmonic a single mode drives), the diagnostics of each member of
                    an ensemble, -init_time's row
  taylor_green      w = 2 cos x cos y exp(-2 nu t), unforced, at N 16 and 32 and two tolerances
  kolmogorov_laminar  the forced flow from rest, w = (A Re / n) (1 - exp(-n^2 t / Re)) cos(n y) exactly, and its
                    energy, enstrophy, dissipation and energy input by hand (the budget closes); Taylor-Green's
                    dissipation is -dE/dt
  restart           a run killed (SIGKILL) after a checkpoint and restarted equals the uninterrupted run bit for
                    bit (KS: 3 members on 2 ranks; Kolmogorov: 2 ranks), its trajectory and its results report
                    (statistics, solver counts; all but date, timings and the restart's own keys); the killed run
                    kept its rows
  ranks_agree       Kolmogorov on 1, 2 and 3 ranks agree to the time-integration tolerance; no mode beyond the 2/3 rule
  bad_checkpoint    a checkpoint of another run, a truncated one and one with a damaged state are refused clearly
  checkpoint_extend a checkpoint written without -checkpoint_every continues to a larger -T, bit for bit (also the
                    Lyapunov exponent and the ARKODE counts, twins' included, of a -lyapunov run; the report's wall
                    time is the whole run's, this run's part apart)
  checkpoint_extend_fraction  a finished run's checkpoint at a -T that is no multiple of the segment continues
                    to a larger -T with every row at its time (as the uninterrupted run's, to the tolerance)
  restart_omissions a restart without -checkpoint, or without the -trajectory of an interrupted run: continued, or
                    refused naming the option (and the partial file, kept)
  restart_moved     a run directory moved (or copied) after the run was killed: a restart without -trajectory finds
                    the partial file in the new place (the checkpoint names it relative to itself), not the old one,
                    also from sibling directories (../tr/tr.h5); beside another run's partial file of the same name,
                    both candidates are named and the other run's file is refused as -trajectory
  trajectory_names  a -trajectory name with ':' (the XDMF's "file:/dataset" separator) beside a 2-D field, or with a
                    control character, or (2-D) a base name that is not UTF-8, is refused naming the option, the value and
                    the fix, before any output
  lyapunov          KS L = 22: a short two-trajectory estimate of the leading exponent is positive and near 0.05;
                    the report's exponent, span and standard error are those of its members, as printed
  unused_options    a misspelt option is warned about once, before the integration (also in a run killed before its
                    end, and on 2 ranks); PETSc's options read at PetscFinalize and -options_left 0 bring no warning;
                    a Kolmogorov trajectory under a 240-character file name gets a whole XDMF file
  ark_order         -ark_order gives a method of that order or is refused (SUNDIALS 6 ran its order-3 method for 2,
                    silently)
  fixed_step_blowup a -ark_fixed_step too large for the flow (no error control: NaN) is an error naming the member, the
                    time and the fix, for KS (with -lyapunov too) and Kolmogorov on 2 ranks; the earlier run's trajectory
                    and report are left as they were, and no checkpoint holds a NaN
  lyapunov_ranks    Kolmogorov's -lyapunov exponent (a member spread over the ranks) is the same on 1 and 2 ranks, to
                    rounding: the twin's perturbation is drawn by global entry, not each rank's rows from the same draws
  identical_members an -ensemble whose members start from one state (a fixed initial state, -init_amplitude 0, or
                    -init_trajectory with fewer members) is warned about under ARKODE, naming the cause and the fix;
                    members that differ are not; a negative KS -init_amplitude negates the random start
  progress_lines    -progress_every 0: a line per saved row and segment end, once for a time that is both, none for
                    the start, one per time on 2 ranks; the default 10 s: none in a short run
"""
import concurrent.futures
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

check, scratch, KS, KOL, MPIEXEC = sys.argv[1:6]
MPIEXEC = [MPIEXEC] + sys.argv[6:]
shutil.rmtree(scratch, ignore_errors=True)  # a fresh directory: leftovers of an earlier run must not count
os.makedirs(scratch)


def run(cmd, expect_rc=0):
    p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    if p.returncode != expect_rc:
        sys.exit(f"FAIL: {' '.join(cmd)} exited {p.returncode}, expected {expect_rc}:\n{p.stdout}")
    return p.stdout


def path(name):
    return os.path.join(scratch, name)


def ks_linear_decay():
    L, m, a = 22.0, 4, 1e-8
    q = 2 * np.pi * m / L
    errs = {}
    for N in (32, 64):
        for rtol in (1e-5, 1e-9):
            f = path(f"ks_mode_{N}_{rtol}.h5")
            run([KS, "-L", str(L), "-N", str(N), "-init", "mode", "-init_mode", str(m), "-init_amplitude", str(a),
                 "-T", "4", "-dt_save", "1", "-ark_rtol", str(rtol), "-ark_atol", str(rtol * a), "-trajectory", f])
            with h5py.File(f) as h:
                t, u = h["time"][:], h["u"][:, 0, :]
            x = np.arange(N) * L / N
            exact = a * np.exp((q * q - q ** 4) * t)[:, None] * np.cos(q * x)[None, :]
            errs[N, rtol] = np.abs(u - exact).max() / a
            print(f"N {N} rtol {rtol:g}: max relative error {errs[N, rtol]:.2e}")
    for N in (32, 64):
        assert errs[N, 1e-5] < 1e-3, errs
        assert errs[N, 1e-9] < 1e-6, errs
        assert errs[N, 1e-9] < 0.1 * errs[N, 1e-5], errs
    # -ark_fixed_step: exactly T / h steps, as accurate as a 4th-order step of 0.01 is on this decay
    f, rep = path("ks_mode_fixed.h5"), path("ks_mode_fixed.json")
    run([KS, "-L", str(L), "-N", "32", "-init", "mode", "-init_mode", str(m), "-init_amplitude", str(a), "-T", "4",
         "-dt_save", "1", "-ark_fixed_step", "0.01", "-trajectory", f, "-results", rep])
    with h5py.File(f) as h:
        t, u = h["time"][:], h["u"][:, 0, :]
    x = np.arange(32) * L / 32
    exact = a * np.exp((q * q - q ** 4) * t)[:, None] * np.cos(q * x)[None, :]
    err, steps = np.abs(u - exact).max() / a, json.load(open(rep))["ark_steps"]
    print(f"-ark_fixed_step 0.01: {steps} steps, max relative error {err:.2e}")
    assert steps == 400 and err < 1e-6, (steps, err)
    # no error control with a fixed step: the report gives no tolerances, which changed nothing
    assert "ark_rtol" not in json.load(open(rep)) and "ark_atol" not in json.load(open(rep)), rep


def ks_states():
    """(mutation audit s20) KS states and diagnostics by value. The sign of the nonlinear term: from u0 = a cos(q x),
    -u u_x = (q a^2 / 2) sin(2 q x) drives the second harmonic, b(t) = (q a^2 / 2) (e^{2 l1 t} - e^{l2 t}) / (2 l1 - l2),
    l = k^2 - k^4 (to O(a^2) relative). The diagnostics of each member of an ensemble: energy = <u^2> / 2, mean_u = <u>.
    -init_time starts from the row saved at that time (bit for bit), not from the first."""
    L, N, m, a = 22.0, 32, 4, 1e-2
    q = 2 * np.pi * m / L
    f = path("ks_harmonic.h5")
    run([KS, "-L", str(L), "-N", str(N), "-init", "mode", "-init_mode", str(m), "-init_amplitude", str(a), "-T", "1",
         "-dt_save", "0.5", "-ark_rtol", "1e-10", "-ark_atol", "1e-14", "-trajectory", f])
    with h5py.File(f) as h:
        t, u = h["time"][:], h["u"][:, 0, :]
    x = np.arange(N) * L / N
    l1, l2 = q * q - q ** 4, 4 * q * q - 16 * q ** 4
    b = 2 / N * (u * np.sin(2 * q * x)[None, :]).sum(axis=1)
    want = q * a * a / 2 * (np.exp(2 * l1 * t) - np.exp(l2 * t)) / (2 * l1 - l2)
    err = np.abs(b[1:] - want[1:]).max() / np.abs(want[1:]).max()
    print(f"KS second harmonic sin(2 q x) driven by -u u_x: {b[1:]} against {want[1:]} (relative error {err:.2e})")
    assert err < 1e-4, f"the KS nonlinear term's second harmonic {b[1:]} is not {want[1:]} of u_t = -u u_x - u_xx - u_xxxx (relative error {err:g}): wrong sign?"
    ens = path("ks_ens.h5")
    run([KS, "-N", str(N), "-ensemble", "3", "-T", "1", "-dt_save", "0.5", "-trajectory", ens])
    with h5py.File(ens) as h:
        u, E, M = h["u"][:], h["diagnostics/energy"][:], h["diagnostics/mean_u"][:]
    assert u.shape == (3, 3, N) and E.shape == M.shape == (3, 3), (u.shape, E.shape, M.shape)
    assert not np.array_equal(u[0, 0], u[0, 1]) and not np.array_equal(u[0, 1], u[0, 2]), "the ensemble's members start alike"
    e1, e2 = np.abs(E - 0.5 * (u * u).mean(axis=2)).max() / E.max(), np.abs(M - u.mean(axis=2)).max()
    print(f"KS ensemble of 3: energy = <u^2>/2 to {e1:.1e}, mean_u = <u> to {e2:.1e}, per row and member")
    assert e1 < 1e-12 and e2 < 1e-12, f"diagnostics per member: energy {E} against {0.5 * (u * u).mean(axis=2)}, mean_u {M} against {u.mean(axis=2)}"
    # (mutation audit s26, T1) the last saved time too: a search that stopped one row short could not find it
    for row, t0 in ((1, "0.5"), (2, "1")):
        r = path(f"ks_from_{row}.h5")
        run([KS, "-N", str(N), "-ensemble", "3", "-init_trajectory", ens, "-init_time", t0, "-T", "0.5", "-dt_save", "0.5",
             "-trajectory", r, "-results", path(f"ks_from_{row}.json")])
        with h5py.File(r) as h:
            first, at = h["u"][0], h.attrs["init_time"]
        assert at == float(t0) and np.array_equal(first, u[row]), f"-init_time {t0} (attribute {at}): the first row is not the state saved at {t0} (differs by {np.abs(first - u[row]).max():g})"
        # (audit s26) the report names the trajectory's start, not the equation's -init options, which did not run
        rep = json.load(open(path(f"ks_from_{row}.json")))
        assert rep["init"] == "trajectory" and rep["init_time"] == float(t0) and not {"init_amplitude", "init_mode"} & rep.keys(), {k: rep.get(k) for k in ("init", "init_time", "init_amplitude", "init_mode")}
        print(f"-init_time {t0}: the first row is the state saved at t = {t0}, bit for bit")
    # (mutation audit s26, T7) a time 2% of -dt_save off every saved one is refused, not taken as the nearest
    expect_error([KS, "-N", str(N), "-ensemble", "3", "-init_trajectory", ens, "-init_time", "0.49", "-T", "0.5", "-dt_save", "0.5",
                  "-trajectory", path("ks_from_049.h5")], r"has no saved time 0\.49 \(it holds 3 times from 0\.? to 1\.?\)")
    assert not os.path.exists(path("ks_from_049.h5")), "the refused run left its trajectory"


def taylor_green():
    Re = 10.0
    errs = {}
    for N in (16, 32):
        for rtol in (1e-5, 1e-9):
            f = path(f"tg_{N}_{rtol}.h5")
            run([KOL, "-N", str(N), "-Re", str(Re), "-init", "taylor-green", "-forcing_amplitude", "0", "-T", "2",
                 "-dt_save", "0.5", "-ark_rtol", str(rtol), "-ark_atol", str(rtol), "-trajectory", f])
            with h5py.File(f) as h:
                t, w = h["time"][:], h["w"][:, 0]
                assert os.path.exists(f[:-3] + ".xmf"), "no XDMF beside the 2-D trajectory"
            g = np.arange(N) * 2 * np.pi / N
            y, x = np.meshgrid(g, g, indexing="ij")
            exact = 2 * np.cos(x)[None] * np.cos(y)[None] * np.exp(-2 * t / Re)[:, None, None]
            errs[N, rtol] = np.abs(w - exact).max() / 2
            print(f"N {N} rtol {rtol:g}: max relative error {errs[N, rtol]:.2e}")
    for N in (16, 32):
        assert errs[N, 1e-5] < 1e-3, errs
        assert errs[N, 1e-9] < 1e-7, errs
        assert errs[N, 1e-9] < 0.1 * errs[N, 1e-5], errs


def kolmogorov_laminar():
    """Kolmogorov flow from rest under the forcing A n cos(n y), laminar: w depends on y alone, the advection is 0, and
    w = W (1 - exp(-n^2 t / Re)) cos(n y), W = A Re / n, exactly. Its diagnostics then follow by hand (psi = w / n^2):
    energy <|u|^2>/2 = <w^2> / (2 n^2), enstrophy <w^2>/2, dissipation 2 enstrophy / Re, energy_input <psi F>
    = A W (1 - e) / (2 n); and they close the budget dE/dt = energy_input - dissipation. Also Taylor-Green (unforced),
    whose energy decays as exp(-4 t / Re): its dissipation is -dE/dt."""
    N, n, A, Re = 16, 2, 1.3, 5.0
    f = path("laminar.h5")
    run([KOL, "-N", str(N), "-Re", str(Re), "-forcing_wavenumber", str(n), "-forcing_amplitude", str(A), "-init", "taylor-green",
         "-init_amplitude", "0", "-T", "2", "-dt_save", "0.05", "-ark_rtol", "1e-10", "-ark_atol", "1e-10", "-trajectory", f])
    with h5py.File(f) as h:
        t, w = h["time"][:], h["w"][:, 0]
        d = {k: h["diagnostics"][k][:, 0] for k in ("energy", "enstrophy", "dissipation", "energy_input")}
    y = np.arange(N) * 2 * np.pi / N
    W, grow = A * Re / n, 1 - np.exp(-n * n * t / Re)
    exact = W * grow[:, None, None] * np.cos(n * y)[None, :, None]  # w[t, iy, ix]: y along the rows
    err = np.abs(w - exact).max() / W
    print(f"laminar Kolmogorov: max relative error of w {err:.2e}")
    assert err < 1e-6, f"laminar Kolmogorov flow w = A Re / n (1 - exp(-n^2 t / Re)) cos(n y): max relative error {err:g}"
    a = W * grow
    want = {"energy": a * a / (4 * n * n), "enstrophy": a * a / 4, "dissipation": 2 / Re * a * a / 4, "energy_input": A * a / (2 * n)}
    for k, v in want.items():
        e = np.abs(d[k] - v).max() / np.abs(v).max()
        print(f"laminar Kolmogorov: {k} against its value by hand: max relative error {e:.2e}")
        assert e < 1e-6, f"laminar Kolmogorov {k}: {d[k][-3:]} against {v[-3:]} by hand (relative error {e:g})"
    # E(t + 2h) - E(t) = the integral of input - dissipation over [t, t + 2h] (Simpson's rule, error O(h^5))
    g, h2 = d["energy_input"] - d["dissipation"], t[2] - t[0]
    gap = np.abs(d["energy"][2::2] - d["energy"][:-2:2] - h2 / 6 * (g[:-2:2] + 4 * g[1:-1:2] + g[2::2])).max() / np.abs(d["energy"]).max()
    print(f"laminar Kolmogorov: energy budget dE/dt = input - dissipation, integrated (Simpson): max gap {gap:.2e}")
    assert gap < 1e-5, f"the energy budget does not close: max |E(t + 2h) - E(t) - integral of (input - dissipation)| / max E = {gap:g}"
    # (mutation audit s20) a linear drag -alpha: the same closed form with the decay rate n^2 / Re + alpha
    alpha = 0.7
    f = path("laminar_drag.h5")
    run([KOL, "-N", str(N), "-Re", str(Re), "-alpha", str(alpha), "-forcing_wavenumber", str(n), "-forcing_amplitude", str(A),
         "-init", "taylor-green", "-init_amplitude", "0", "-T", "1", "-dt_save", "0.25", "-ark_rtol", "1e-10", "-ark_atol", "1e-10",
         "-trajectory", f])
    with h5py.File(f) as h:
        t, w = h["time"][:], h["w"][:, 0]
    rate = n * n / Re + alpha
    exact = (A * n / rate) * (1 - np.exp(-rate * t))[:, None, None] * np.cos(n * y)[None, :, None]
    err = np.abs(w - exact).max() / np.abs(exact).max()
    print(f"laminar Kolmogorov with -alpha {alpha}: max relative error of w {err:.2e}")
    assert err < 1e-6, f"laminar Kolmogorov with drag, w = A n / (n^2 / Re + alpha) (1 - exp(-(n^2 / Re + alpha) t)) cos(n y): max relative error {err:g}"
    f = path("tg_budget.h5")
    run([KOL, "-N", "16", "-Re", str(Re), "-init", "taylor-green", "-forcing_amplitude", "0", "-T", "1", "-dt_save", "0.25",
         "-ark_rtol", "1e-10", "-ark_atol", "1e-10", "-trajectory", f])
    with h5py.File(f) as h:
        t, E, D = h["time"][:], h["diagnostics/energy"][:, 0], h["diagnostics/dissipation"][:, 0]
    e = np.abs(D - 4 / Re * E[0] * np.exp(-4 * t / Re)).max() / D[0]
    print(f"Taylor-Green: dissipation against -dE/dt of E0 exp(-4 t / Re): max relative error {e:.2e}")
    assert e < 1e-6, f"Taylor-Green dissipation {D} is not -dE/dt = 4 E0 exp(-4 t / Re) / Re (relative error {e:g})"


def same_files(a, b, names):
    with h5py.File(a) as fa, h5py.File(b) as fb:
        for n in names:
            x, y = fa[n][:], fb[n][:]
            assert x.shape == y.shape, (n, x.shape, y.shape)
            assert np.array_equal(x, y), f"{n} differs: max {np.abs(x - y).max():g}"
            print(f"{n} {x.shape}: identical")


def restart():
    """KS and Kolmogorov side by side (two threads): each of their 2-rank runs waits mostly on its start-up, so the two
    sequences together take little longer than one."""
    cases = [("ks", [*MPIEXEC, "-n", "2", KS, "-ensemble", "3", "-T", "30", "-dt_save", "0.5", "-checkpoint_every", "10"],
              ["time", "u", "diagnostics/energy", "diagnostics/mean_u"]),
             ("kol", [*MPIEXEC, "-n", "2", KOL, "-N", "32", "-T", "6", "-dt_save", "0.5", "-checkpoint_every", "2"],
              ["time", "w", "diagnostics/energy", "diagnostics/enstrophy", "diagnostics/energy_input"])]
    with concurrent.futures.ThreadPoolExecutor(len(cases)) as pool:
        for f in [pool.submit(restart_case, *c) for c in cases]:
            f.result()  # a failed assertion or sys.exit of either case, raised here


def restart_case(name, cmd, datasets):
    full, part = path(f"{name}_full.h5"), path(f"{name}_restarted.h5")
    every = float(cmd[cmd.index("-checkpoint_every") + 1])
    run(cmd + ["-checkpoint", path(f"{name}_ck_full.h5"), "-trajectory", full, "-results", path(f"{name}_full.json")])
    ck = path(f"{name}_ck.h5")
    abort = 1.5 * every + 0.5  # mid-segment, after the first checkpoint
    p = script_runner.program(cmd + ["-checkpoint", ck, "-trajectory", part, "-abort_at", str(abort)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode != 0, f"{name}: the -abort_at run was not killed"
    partial = os.path.join(os.path.dirname(part), "." + os.path.basename(part) + ".partial")
    assert not os.path.exists(part) and os.path.exists(partial), f"{name}: the killed run must leave only its partial file"
    with h5py.File(partial) as h:
        kept = h["time"][:]
    assert kept[-1] >= abort - 1e-12, f"{name}: the killed run lost rows it wrote: last saved {kept[-1]}, killed at {abort}"
    run(cmd + ["-checkpoint", ck, "-trajectory", part, "-restart", ck, "-results", path(f"{name}_restarted.json")])
    assert not os.path.exists(partial), f"{name}: the partial file must be renamed at the end"
    same_files(full, part, datasets)
    a, b = json.load(open(path(f"{name}_full.json"))), json.load(open(path(f"{name}_restarted.json")))
    # the whole report but its date, timings, options and file names, bit for bit: the statistics (each diagnostic's
    # mean and std, from sums the checkpoint carries) and the solver's counts
    assert a.get("trajectory") == full and a.get("checkpoint") == path(f"{name}_ck_full.h5"), (name, "file names", a.get("trajectory"), a.get("checkpoint"))
    assert "-checkpoint_every" in a.get("options", "") and "-restart" in b.get("options", ""), (name, "options", a.get("options"), b.get("options"))
    volatile = [k for k in a if k in ("date", "options", "trajectory", "checkpoint") or k.endswith("time_s")]
    assert set(a) <= set(b) and set(b) - set(a) == {"restart", "restart_time", "restart_wall_time_s", "restart_wall_time_complete"}, (name, "keys", set(a) ^ set(b))
    for key in a:
        if key not in volatile:
            assert a[key] == b[key], (name, key, a[key], b[key])
    assert "energy_std" in a and "ark_steps" in a, sorted(a)


def ranks_agree():
    """3 ranks too (mutation audit s20): with N 32 and the forcing wavenumber 4, 2 ranks start their rows at 0 and 16,
    where the forcing cos(4 y) is the same, so a forcing that forgot the rank's row offset agreed on 2 ranks. Also the
    2/3 rule: the saved states hold no mode with |kx| or |ky| >= N/3 (the random start has none, the dealiased advection
    makes none: a mask that missed the negative ky would let them in).
    To T = 0.1 (26 steps) on every count of ranks: a forcing without the row offset and a mask without the negative ky
    fail it there as at T = 2, and the runs cost mostly their start (the 2- and 3-rank runs to T = 2 and 0.5 took 19 of
    its 22 CPU-s sanitized)."""
    outs = []
    for n in (1, 2, 3):  # 3 ranks: oversubscribed on 2 cores
        f = path(f"kol_ranks_{n}.h5")
        run([*MPIEXEC, "-n", str(n), KOL, "-N", "32", "-T", "0.1", "-dt_save", "0.1", "-ark_rtol", "1e-10",
             "-ark_atol", "1e-12", "-trajectory", f])
        with h5py.File(f) as h:
            outs.append(h["w"][:])
    for n in (2, 3):
        rows = len(outs[n - 1])
        d = np.abs(outs[0][:rows] - outs[n - 1]).max() / np.abs(outs[0][:rows]).max()
        print(f"1 vs {n} ranks: max relative difference {d:.2e}")
        assert d < 1e-8, f"Kolmogorov on 1 and {n} ranks: max relative difference {d:g}"
    N = outs[0].shape[-1]
    k = np.abs(np.fft.fftfreq(N, 1.0 / N))
    high = (k[:, None] >= N / 3) | (k[None, :] >= N / 3)
    spec = np.abs(np.fft.fft2(outs[0][:, 0], axes=(-2, -1)))
    leak = spec[:, high].max() / spec.max()
    print(f"2/3 rule: largest mode with |kx| or |ky| >= N/3, relative to the largest: {leak:.2e}")
    assert leak < 1e-10, f"the saved states hold modes the 2/3 rule removes (relative size {leak:g}): broken dealiasing mask"


def expect_error(cmd, pattern):
    # errors="replace": PETSc's error report repeats the command line, which may hold bytes that are not UTF-8
    p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    assert p.returncode != 0, f"{' '.join(cmd)} succeeded"
    assert re.search(pattern, p.stdout), f"no '{pattern}' in:\n{p.stdout}"
    print(f"refused as expected: {re.search(pattern, p.stdout).group(0)}")


def surrogate_option_errors():
    """With -stepper sna each rank builds the equation alone (PETSC_COMM_SELF): a bad equation or initial-state option
    must still be refused once on 2 ranks, not once per rank."""
    model = path("absent_model.h5")  # the options are checked before any model is read
    for opts, pattern in (
        (["-N", "7"], r"-N must be even"),
        (["-Re", "-40"], r"-Re must be positive"),
        (["-N", "16", "-forcing_wavenumber", "6"], r"-forcing_wavenumber 6 must be"),
        (["-init", "foo"], r"-init foo: use random or taylor-green"),
    ):
        cmd = [*MPIEXEC, "-n", "2", KOL, "-stepper", "sna", "-stepper_model", model, *opts]
        p = script_runner.program(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert p.returncode != 0, f"{' '.join(cmd)} succeeded"
        count = len(re.findall(pattern, p.stdout))
        assert count == 1, f"'{pattern}' printed {count} times on 2 ranks, not once:\n{p.stdout}"
        print(f"refused once on 2 ranks: {pattern}")


def bad_checkpoint():
    ck = path("ck.h5")
    base = [KS, "-T", "4", "-checkpoint", ck, "-checkpoint_every", "2"]
    run(base)
    expect_error([KS, "-T", "8", "-ensemble", "2", "-restart", ck], r"checkpoint '.*ck.h5' is of another run")
    expect_error([KOL, "-N", "16", "-T", "8", "-restart", ck], r"checkpoint '.*ck.h5' is of another run")
    # (audit s26) a checkpoint and a trajectory swapped are named as such ("There is no attribute 'fingerprint'" before)
    traj = path("traj.h5")
    run([KS, "-T", "1", "-trajectory", traj])
    expect_error([KS, "-T", "8", "-restart", traj], r"-restart '.*traj.h5' is not a checkpoint of a flow run \(it has no run fingerprint\); it is a trajectory")
    expect_error([KS, "-T", "1", "-init_trajectory", ck], r"'.*ck.h5' is not a trajectory of snaps-ks or snaps-kolmogorov \(it has no 'equation' attribute\); it is a checkpoint")
    data = open(ck, "rb").read()
    cut = path("cut.h5")
    open(cut, "wb").write(data[: len(data) // 2])
    same = [KS, "-T", "8", "-checkpoint", path("ck2.h5"), "-checkpoint_every", "2"]
    expect_error(same + ["-restart", cut], r"checkpoint file '.*cut.h5' is not an HDF5 file, or it is truncated or corrupt")
    bad = path("nan.h5")
    import shutil as sh
    sh.copy(ck, bad)
    with h5py.File(bad, "r+") as h:
        s = h["state"][:]
        s[0, 3] = np.nan
        del h["state"]
        h["state"] = s
    expect_error(same + ["-restart", bad], r"'state' contains NaN or Inf")
    # (s29) an entry missing from the checkpoint is a read failure: the run ends with PETSC_ERR_FILE_UNEXPECTED (79, the
    # exit status on one rank), as rank 0's message says, not PETSC_ERR_FILE_WRITE (67, "Write to file failed" on the
    # other ranks)
    gone = path("no_state.h5")
    sh.copy(ck, gone)
    with h5py.File(gone, "r+") as h:
        del h["state"]
    p = script_runner.program(same + ["-restart", gone], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    assert p.returncode == 79 and re.search(r"Unexpected data in file\n.*no_state.h5': The group has no dataset 'state'", p.stdout), \
        (p.returncode, p.stdout[-3000:])
    print("refused as expected, PETSC_ERR_FILE_UNEXPECTED: a checkpoint without its 'state'")
    # (mutation round 10) a scalar entry that is not finite, or not one value, is refused by name (either check could be
    # dropped with every test passing)
    for name, value in (("t_nan", np.nan), ("t_two", np.array([2.0, 3.0]))):
        bad = path(name + ".h5")
        sh.copy(ck, bad)
        with h5py.File(bad, "r+") as h:
            h.attrs["t"] = value
        expect_error(same + ["-restart", bad], r"The checkpoint '.*%s.h5' has no readable finite value 't'" % name)
    # (mutation round 10) so is a string entry that cannot be read: PETSC_ERR_FILE_UNEXPECTED (79), as for 'state' above
    # (the string reader's code could go back to PETSC_ERR_FILE_WRITE with every test passing)
    fp = path("fingerprint_number.h5")
    sh.copy(ck, fp)
    with h5py.File(fp, "r+") as h:
        h.attrs["fingerprint"] = 3.0
    p = script_runner.program(same + ["-restart", fp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
    assert p.returncode == 79 and "fingerprint_number.h5': The HDF5 attribute 'fingerprint' is not a readable string" in p.stdout, (p.returncode, p.stdout[-3000:])
    print("refused as expected, PETSC_ERR_FILE_UNEXPECTED: a checkpoint whose fingerprint is not a string")
    run(same + ["-restart", ck])  # the intact checkpoint restarts with the same options


def checkpoint_extend():
    """-checkpoint without -checkpoint_every: a finished run's checkpoint continues to a larger -T, and the result
    is the uninterrupted run's to the bit (the segment does not depend on -T)."""
    run([KS, "-T", "3", "-dt_save", "1", "-trajectory", path("init.h5")])
    with h5py.File(path("init.h5"), "r+") as h:  # an older file without L: a solver run from it needs none
        del h.attrs["L"]
    base = [*MPIEXEC, "-n", "2", KS, "-ensemble", "2", "-dt_save", "0.5", "-init_time", "2"]
    run(base + ["-T", "4", "-checkpoint", path("full.h5"), "-init_trajectory", path("init.h5")])
    run(base + ["-T", "2", "-checkpoint", path("part.h5"), "-init_trajectory", os.path.join(scratch, ".", "init.h5")])
    # the restart names the initial states' file another way: the same file, so the same run
    out = run(base + ["-T", "4", "-checkpoint", path("part.h5"), "-restart", path("part.h5"), "-results", path("r.json"),
                      "-init_trajectory", path("init.h5")])
    assert json.load(open(path("r.json")))["restart_time"] == 2, out
    same_files(path("full.h5"), path("part.h5"), ["state", "diag_sum", "diag_sq"])
    # (mutation audit s23, F1) with -lyapunov the twins, their sums and d0 go on too: the extended run's exponent is
    # the uninterrupted run's to the bit (a restart that lost d0 reported a null exponent, and no test looked)
    lyap = [KS, "-N", "32", "-dt_save", "1", "-lyapunov", "-lyapunov_transient", "2"]
    out = run(lyap + ["-T", "15", "-results", path("lyap_full.json")])
    run(lyap + ["-T", "10", "-checkpoint", path("lyap_ck.h5"), "-results", path("lyap_part.json")])
    with h5py.File(path("lyap_ck.h5")) as h:
        wall_ck = h.attrs["wall_time_s"]
    out_ext = run(lyap + ["-T", "15", "-checkpoint", path("lyap_ck.h5"), "-restart", path("lyap_ck.h5"), "-results", path("lyap_ext.json")])
    a, b = json.load(open(path("lyap_full.json"))), json.load(open(path("lyap_ext.json")))
    # (audit s26) the extended run's wall time is the whole run's, like its counts and statistics: the first run's up to
    # its checkpoint, and this run's part apart (wall_time_s was this run's alone, beside the whole run's counts)
    part = json.load(open(path("lyap_part.json")))["wall_time_s"]
    assert 0 < wall_ck <= part, (wall_ck, part)
    assert abs(b["wall_time_s"] - b["restart_wall_time_s"] - wall_ck) < 1e-6, (b["wall_time_s"], b["restart_wall_time_s"], wall_ck)
    assert "s of it in this run, from the restart at t = 10" in out_ext, out_ext
    assert a["lyapunov_exponent"] is not None, a
    # (audit s26) the report records the run's settings, defaults included (they were only in 'options' when given)
    want = {"save_start": 0, "lyapunov_transient": 2, "lyapunov_eps": 1e-4, "lyapunov_tau": 1, "init": "random", "init_amplitude": 0.1}
    assert all(a.get(k) == v for k, v in want.items()) and "init_mode" not in a, {k: a.get(k) for k in [*want, "init_mode"]}
    # (audit s26) without -lyapunov_transient the spin-up is half of -T (a fixed 100 refused the default -T 100), and a
    # restart that raises -T keeps its checkpoint's (half of the new -T would make it another run, refused): the
    # extended run is the uninterrupted run with that transient
    dflt = [KS, "-N", "32", "-dt_save", "1", "-lyapunov"]
    run(dflt + ["-T", "6", "-checkpoint", path("dflt_ck.h5")])
    out_d = run(dflt + ["-T", "10", "-checkpoint", path("dflt_ck.h5"), "-restart", path("dflt_ck.h5"), "-results", path("dflt_ext.json")])
    run(dflt + ["-T", "10", "-lyapunov_transient", "3", "-results", path("dflt_full.json")])
    c, e = json.load(open(path("dflt_full.json"))), json.load(open(path("dflt_ext.json")))
    assert e["lyapunov_transient"] == 3 and "after a transient of 3" in out_d, (e["lyapunov_transient"], out_d)
    assert e["lyapunov_exponent"] == c["lyapunov_exponent"], (e["lyapunov_exponent"], c["lyapunov_exponent"])
    # (review s26b, 1) a restart that lowers -T below the interrupted run's default transient (half of its -T) is refused:
    # its twins never started, and it reported a measured exponent of 0
    p = script_runner.program(dflt + ["-T", "20", "-checkpoint", path("low_ck.h5"), "-abort_at", "4"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode != 0, "the -abort_at run was not killed"
    expect_error(dflt + ["-T", "8", "-checkpoint", path("low_ck.h5"), "-restart", path("low_ck.h5"), "-results", path("never.json")],
                 r"-lyapunov needs -T 8\.? beyond -lyapunov_transient 10\.? \(-lyapunov_transient: the interrupted run's, half of its -T, when not given\)")
    assert not os.path.exists(path("never.json"))
    # (audit s26) and the ARKODE counts, which take in the twins' (checkpointed with them)
    counts = ("ark_steps", "ark_step_attempts", "ark_explicit_evals", "ark_implicit_evals", "ark_error_test_fails")
    for key in ("lyapunov_exponent", "lyapunov_stderr", "lyapunov_members", "lyapunov_time_per_member", *counts):  # stderr: None for 1 member
        assert a[key] == b[key], f"-lyapunov extended from t = 10: {key} {b[key]}, the uninterrupted run's {a[key]}"
    # (audit s26) the twins' integration is ARKODE's work too: from t = 2 on, about as much again as the members'. The
    # counts left it out, so a -lyapunov run reported the steps of a plain one
    run([KS, "-N", "32", "-dt_save", "1", "-T", "15", "-results", path("plain.json")])
    plain = json.load(open(path("plain.json")))["ark_steps"]
    assert 1.5 * plain < a["ark_steps"] < 2.2 * plain, f"-lyapunov run: {a['ark_steps']} ARKODE steps; the run without twins {plain}"
    assert "over 1 members and their -lyapunov twins" in out, out
    # (review s26a, 1) a checkpoint written before the wall time and the twins' counts were recorded still continues,
    # and the report says what it does not know: no wall_time_s (it was this run's alone, as if the whole run's), and
    # the twins' counts from the restart on
    run(lyap + ["-T", "10", "-checkpoint", path("old_ck.h5")])
    with h5py.File(path("old_ck.h5"), "r+") as h:
        for name in ("wall_time_s", "twin_counts"):
            del h.attrs[name]
    out_old = run(lyap + ["-T", "15", "-checkpoint", path("old_ck.h5"), "-restart", path("old_ck.h5"), "-results", path("old_ext.json")])
    o = json.load(open(path("old_ext.json")))
    assert "wall_time_s" not in o and o["restart_wall_time_complete"] is False and o["restart_twin_counts_complete"] is False, o
    assert o["ark_steps"] < a["ark_steps"] and o["lyapunov_exponent"] == a["lyapunov_exponent"], (o["ark_steps"], a["ark_steps"])
    assert "the whole run's is unknown" in out_old and "the twins' counts are from the restart on" in out_old, out_old
    assert b["restart_wall_time_complete"] is True and b["restart_twin_counts_complete"] is True, b


def trajectory_extend():
    """A finished run that wrote -trajectory continues to a larger -T from its checkpoint: the rows are appended to
    its complete file (as the uninterrupted run writes them); a restart whose -trajectory has neither a partial nor a
    fitting complete file is refused, leaves no partial file and the other file as it was."""
    run([KS, "-N", "32", "-T", "4", "-checkpoint", path("full_ck.h5"), "-trajectory", path("full.h5")])  # the same segments
    run([KS, "-N", "32", "-T", "2", "-checkpoint", path("ck.h5"), "-trajectory", path("tr.h5")])
    run([KS, "-N", "32", "-T", "4", "-checkpoint", path("ck.h5"), "-restart", path("ck.h5"), "-trajectory", path("tr.h5")])
    with h5py.File(path("tr.h5"), "r") as h, h5py.File(path("full.h5"), "r") as g:
        assert h.attrs["complete"] == 1 and list(h["time"][:]) == [0, 1, 2, 3, 4], h["time"][:]
        assert np.array_equal(h["u"][:], g["u"][:]), "the extended trajectory differs from the uninterrupted run's"
    run([KS, "-N", "32", "-T", "1", "-trajectory", path("short.h5")])  # a complete file with too few rows
    before = open(path("short.h5"), "rb").read()
    expect_error([KS, "-N", "32", "-T", "6", "-checkpoint", path("ck.h5"), "-restart", path("ck.h5"), "-trajectory", path("absent.h5")],
                 r"neither the partial file '[^']*\.absent\.h5\.partial' of an interrupted run nor the file '[^']*absent\.h5' of a finished one exists")
    expect_error([KS, "-N", "32", "-T", "6", "-checkpoint", path("ck.h5"), "-restart", path("ck.h5"), "-trajectory", path("short.h5")],
                 r"The trajectory '[^']*short\.h5' has fewer rows than its checkpoint \(5\)")
    assert open(path("short.h5"), "rb").read() == before, "the refused restart changed short.h5"
    left = [f for f in os.listdir(scratch) if f.endswith(".partial")]
    assert not left, f"partial files left: {left}"


def checkpoint_extend_fraction():
    """A finished run whose -T is no multiple of the segment (10.7, segment 1) continues from its final checkpoint: the
    first segment ends at the next multiple (11), where the integrators stop, and every row is the uninterrupted run's
    at its time (to the integration tolerance: the integrators restarted at 10.7). The stop time was once 11.7 and the
    state there saved as t = 12: 0.06 away. With -lyapunov (segment -lyapunov_tau, default 1) the same, and the
    exponent is the uninterrupted run's to 1e-4 (relative): with the former default -lyapunov_eps 1e-7, below ARKODE's
    -ark_rtol 1e-6, it was 0.110 for 0.0771 (the twins' distance then measured the integrators' errors)."""
    for name, extra in (("ks", []), ("lyap", ["-lyapunov", "-lyapunov_transient", "2"])):
        base = [KS, "-N", "32", "-dt_save", "1", *extra]
        run(base + ["-T", "15", "-checkpoint", path(f"{name}_ref_ck.h5"), "-trajectory", path(f"{name}_ref.h5"), "-results", path(f"{name}_ref.json")])
        ck, tr = path(f"{name}_ck.h5"), path(f"{name}_tr.h5")
        run(base + ["-T", "10.7", "-checkpoint", ck, "-trajectory", tr])
        run(base + ["-T", "15", "-checkpoint", ck, "-restart", ck, "-trajectory", tr, "-results", path(f"{name}_ext.json")])
        if extra:
            a, b = (json.load(open(path(f"{name}_{w}.json")))["lyapunov_exponent"] for w in ("ref", "ext"))
            assert abs(b - a) < 1e-4 * abs(a), f"-lyapunov continued from t = 10.7: exponent {b}, the uninterrupted run's {a}"
            print(f"{name}: exponent {b:.7f} continued from t = 10.7, {a:.7f} uninterrupted")
        with h5py.File(tr) as h, h5py.File(path(f"{name}_ref.h5")) as g:
            assert np.array_equal(h["time"][:], g["time"][:]), (h["time"][:], g["time"][:])
            u, ref = h["u"][:], g["u"][:]
            scale = np.abs(ref).max()
            for i, t in enumerate(h["time"][:]):
                d = np.abs(u[i] - ref[i]).max() / scale
                assert d < 1e-5, f"{name}: the row at t = {t:g} differs from the uninterrupted run's by {d:.3g} (relative)"
            print(f"{name}: rows {h['time'][0]:g} to {h['time'][-1]:g} as the uninterrupted run's, max relative "
                  f"difference {np.abs(u - ref).max() / scale:.2e}")


def restart_omissions():
    """A restart that leaves out an option of the interrupted run: without -checkpoint it continues a run whose checkpoint
    had the default segment (and is refused, naming -checkpoint, where the segment was another); without the -trajectory
    of an interrupted run it is refused, naming the partial file, which keeps its rows, and the option to give."""
    ck = path("ck.h5")
    run([KS, "-N", "32", "-T", "4", "-dt_save", "1", "-checkpoint", ck])
    out = run([KS, "-N", "32", "-T", "8", "-dt_save", "1", "-restart", ck])
    assert "reached t = 8" in out, out
    run([KS, "-N", "32", "-T", "4", "-dt_save", "1", "-checkpoint", ck, "-checkpoint_every", "2"])
    expect_error([KS, "-N", "32", "-T", "8", "-dt_save", "1", "-restart", ck], r"This run has no -checkpoint: give the interrupted run's -checkpoint")
    base = [KS, "-N", "32", "-T", "6", "-dt_save", "1", "-checkpoint", path("gc.h5")]
    p = script_runner.program(base + ["-trajectory", path("g.h5"), "-abort_at", "3"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode != 0, "the -abort_at run was not killed"
    partial = path(".g.h5.partial")
    expect_error(base + ["-restart", path("gc.h5")], r"wrote -trajectory '[^']*g\.h5' and was interrupted: its rows so far are in '[^']*\.g\.h5\.partial'\. Give -trajectory")
    with h5py.File(partial) as h:
        assert list(h["time"][:]) == [0, 1, 2, 3], h["time"][:]
    run(base + ["-restart", path("gc.h5"), "-trajectory", path("g.h5")])
    with h5py.File(path("g.h5")) as h:
        assert list(h["time"][:]) == [0, 1, 2, 3, 4, 5, 6], h["time"][:]


def restart_moved():
    """A run directory moved after its run was killed (scratch to project space): the restart from the moved checkpoint
    without -trajectory is refused naming the partial file in the moved directory (the checkpoint recorded an absolute
    name and looked in the old place, which no longer exists: the restart went on without a trajectory, abandoning its
    rows). A copy of the directory, the original still there, is resumed in the copy, not in the original."""
    old, new, copy = path("scratch_run"), path("project_run"), path("copy_run")
    os.makedirs(old)
    base = [KS, "-N", "32", "-T", "6", "-dt_save", "1"]
    p = script_runner.program(base + ["-checkpoint", os.path.join(old, "ck.h5"), "-trajectory", os.path.join(old, "tr.h5"), "-abort_at", "3"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode != 0, "the -abort_at run was not killed"
    os.rename(old, new)
    ck = os.path.join(new, "ck.h5")
    expect_error(base + ["-checkpoint", ck, "-restart", ck],
                 r"wrote -trajectory '[^']*project_run/tr\.h5' and was interrupted: its rows so far are in '[^']*project_run/\.tr\.h5\.partial'")
    shutil.copytree(new, copy)
    ck = os.path.join(copy, "ck.h5")
    expect_error(base + ["-checkpoint", ck, "-restart", ck], r"its rows so far are in '[^']*copy_run/\.tr\.h5\.partial'")
    run(base + ["-checkpoint", ck, "-restart", ck, "-trajectory", os.path.join(copy, "tr.h5")])
    with h5py.File(os.path.join(copy, "tr.h5")) as h:
        assert list(h["time"][:]) == [0, 1, 2, 3, 4, 5, 6], h["time"][:]
    assert os.path.exists(os.path.join(new, ".tr.h5.partial")), "the restart of the copy touched the original's partial file"
    print("a moved run directory: its partial file found there; a copy resumed in the copy")

    # sibling directories (the checkpoint names the trajectory "../tr/tr.h5"), the run directory moved as a whole
    d, d2 = path("sib"), path("sib_moved")
    os.makedirs(os.path.join(d, "ck"))
    os.makedirs(os.path.join(d, "tr"))
    p = script_runner.program(base + ["-checkpoint", os.path.join(d, "ck", "ck.h5"), "-trajectory", os.path.join(d, "tr", "tr.h5"), "-abort_at", "3"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert p.returncode != 0, "the -abort_at run was not killed"
    os.rename(d, d2)
    ck = os.path.join(d2, "ck", "ck.h5")
    expect_error(base + ["-checkpoint", ck, "-restart", ck],
                 r"wrote -trajectory '[^']*sib_moved/ck/\.\./tr/tr\.h5' and was interrupted: its rows so far are in '[^']*sib_moved/ck/\.\./tr/\.tr\.h5\.partial'")
    run(base + ["-checkpoint", ck, "-restart", ck, "-trajectory", os.path.join(d2, "tr", "tr.h5")])
    with h5py.File(os.path.join(d2, "tr", "tr.h5")) as h:
        assert list(h["time"][:]) == [0, 1, 2, 3, 4, 5, 6], h["time"][:]
    print("sibling checkpoint and trajectory directories, moved: the partial file found as ../tr/.tr.h5.partial and resumed")

    # review s21a, 1: run A's checkpoint directory moved next to run B's partial file of the same name. The relative name
    # finds B's file, the absolute one A's own: both are named, not B's picked; and B's file given as -trajectory is
    # refused as another run's (it was cut back and continued: B's rows 0..3 spliced to A's 4..6), and left as it was
    X, Y = path("X"), path("Y")
    os.makedirs(os.path.join(X, "runA"))
    os.makedirs(os.path.join(Y, "runB"))
    for seed, ckf, trf in (("1", os.path.join(X, "runA", "ck.h5"), os.path.join(X, "tr.h5")), ("2", os.path.join(Y, "runB", "ck.h5"), os.path.join(Y, "tr.h5"))):
        p = script_runner.program(base + ["-seed", seed, "-checkpoint", ckf, "-trajectory", trf, "-abort_at", "3"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert p.returncode != 0, "the -abort_at run was not killed"
    os.rename(os.path.join(X, "runA"), os.path.join(Y, "runA"))
    ck = os.path.join(Y, "runA", "ck.h5")
    with open(os.path.join(Y, ".tr.h5.partial"), "rb") as f:
        b_bytes = f.read()
    expect_error(base + ["-seed", "1", "-checkpoint", ck, "-restart", ck],
                 r"two partial files could hold its rows so far: '[^']*Y/runA/\.\./\.tr\.h5\.partial' .*and '[^']*X/\.tr\.h5\.partial'")
    expect_error(base + ["-seed", "1", "-checkpoint", ck, "-restart", ck, "-trajectory", os.path.join(Y, "tr.h5")],
                 r"The trajectory file '[^']*Y/\.tr\.h5\.partial' \(for -trajectory [^)]*\) belongs to another run than the checkpoint '[^']*Y/runA/ck\.h5'")
    with open(os.path.join(Y, ".tr.h5.partial"), "rb") as f:
        assert f.read() == b_bytes, "the refused restart changed the other run's partial file"
    assert not os.path.exists(os.path.join(Y, "tr.h5")), "the refused restart wrote the other run's trajectory"
    run(base + ["-seed", "1", "-checkpoint", ck, "-restart", ck, "-trajectory", os.path.join(X, "tr.h5")])
    with h5py.File(os.path.join(X, "tr.h5")) as h:
        assert list(h["time"][:]) == [0, 1, 2, 3, 4, 5, 6], h["time"][:]
        assert h.attrs["seed"] == 1
    print("another run's partial file of the same name: both candidates named; given as -trajectory, refused and untouched")

    # (mutation audit s26, T6) a partial file without a run fingerprint (unknown run) is still checked by its field and
    # members: another run's rows of 2 members are refused for a run of 1 (they were cut back and continued)
    Z1, Z = path("Z1"), path("Z")
    for d, extra in ((Z1, ["-ensemble", "2"]), (Z, [])):
        os.makedirs(d)
        p = script_runner.program(base + extra + ["-checkpoint", os.path.join(d, "ck.h5"), "-trajectory", os.path.join(d, "tr.h5"), "-abort_at", "3"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert p.returncode != 0, "the -abort_at run was not killed"
    shutil.copyfile(os.path.join(Z1, ".tr.h5.partial"), os.path.join(Z, ".tr.h5.partial"))
    with h5py.File(os.path.join(Z, ".tr.h5.partial"), "r+") as h:
        del h.attrs["run_fingerprint"]
    ck = os.path.join(Z, "ck.h5")
    expect_error(base + ["-checkpoint", ck, "-restart", ck, "-trajectory", os.path.join(Z, "tr.h5")],
                 r"holds field u with 2 members, not u with 1: it belongs to another run")
    assert not os.path.exists(os.path.join(Z, "tr.h5")), "the refused restart wrote a trajectory"
    print("a partial file of unknown run with 2 members, for a run of 1: refused")


def trajectory_names():
    """The XDMF beside a 2-D trajectory names its data "<file>:/w", which XDMF readers split at the ':' (no escape
    exists): a base name with ':' is refused for snaps-kolmogorov, allowed for snaps-ks (1-D: no XDMF) and in a
    directory name (the XDMF names the file relative to itself); a control character (a CR from a script with DOS line
    ends) is refused for both. Refused before any file is written."""
    for cmd, name, pattern in (
        ([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25"], "a:b.h5",
         r"-trajectory '[^']*a:b\.h5': its base name holds ':', .*XDMF.*rename"),
        ([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25"], "tr\r.h5", r"-trajectory '[^']*tr.\.h5'.*control character.*rename"),
        ([KS, "-N", "32", "-T", "0.5", "-dt_save", "0.25"], "tab\t.h5", r"-trajectory '[^']*tab.\.h5'.*control character.*rename"),
        # a Latin-1 byte (not UTF-8) in the base name made the XDMF (read as UTF-8) not well-formed XML
        ([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25"], os.fsdecode(b"caf\xe9.h5"),
         r"-trajectory '[^']*caf.\.h5'.*not valid UTF-8 \(byte 0xe9, shown as '\?', at position 4 of the base name\).*rename"),
    ):
        expect_error(cmd + ["-trajectory", path(name)], pattern)
        assert not os.listdir(scratch), f"a refused run left {os.listdir(scratch)}"
    run([KS, "-N", "32", "-T", "0.5", "-dt_save", "0.25", "-trajectory", path("a:b.h5")])
    os.makedirs(path("d:ir"))
    run([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-trajectory", os.path.join(path("d:ir"), "w.h5")])
    assert os.path.exists(os.path.join(path("d:ir"), "w.xmf"))
    utf8 = path("caf\u00e9.h5")  # real UTF-8 is allowed, and gives well-formed XML
    run([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-trajectory", utf8])
    ET.parse(utf8[:-3] + ".xmf")
    run([KS, "-N", "32", "-T", "0.5", "-dt_save", "0.25", "-trajectory", path(os.fsdecode(b"caf\xe9.h5"))])  # 1-D: no XDMF
    print("':' and invalid UTF-8 refused in a 2-D trajectory's base name, allowed for 1-D and in a directory; control characters refused")


def lyapunov():
    f = path("lyap.json")
    # -ark_rtol 1e-5 for speed, and a twin distance 100 times it (the default 1e-4 would be warned about: review s23b)
    out = run([*MPIEXEC, "-n", "2", KS, "-L", "22", "-ensemble", "4", "-T", "600", "-lyapunov", "-lyapunov_transient", "100",
         "-ark_rtol", "1e-5", "-lyapunov_eps", "1e-3", "-results", f])
    assert "WARNING" not in out, out
    r = json.load(open(f))
    lam, se = r["lyapunov_exponent"], r["lyapunov_stderr"]
    print(f"lambda = {lam:.4f} +- {se:.4f} over {len(r['lyapunov_members'])} members")
    assert 0.02 < lam < 0.08, r
    # (mutation audit s20) the report's figures are those of the members: the mean of the members' exponents, each
    # over the span the twins ran (T 600 less the transient 100), and the standard error (not the deviation) of that
    # mean; and the line printed says the same
    m = np.array(r["lyapunov_members"])
    assert len(m) == 4 and r["lyapunov_time_per_member"] == 500, r
    assert abs(lam - m.mean()) < 1e-12 and abs(se - m.std(ddof=1) / np.sqrt(len(m))) < 1e-12, (lam, se, m)
    printed = re.search(r"leading Lyapunov exponent ([-0-9.]+) \+- ([0-9.]+) \(standard error over 4 members, ([0-9.]+) time units", out)
    assert printed, out
    assert (float(printed.group(1)), float(printed.group(2)), float(printed.group(3))) == (round(lam, 5), round(se, 5), 500), (printed.group(0), r)


def progress_lines():
    """-progress_every (SNAPSProgressDue(), shared with snaps-poisson-param): 0 gives a line at every saved row and
    every segment end (a checkpoint), once for a time that is both, none for the start; one line per time on 2
    ranks; the default (10 s) none in a run of a fraction of a second."""
    def times(out, prog):
        return re.findall(r"^%s: t = ([0-9.e+-]+) of " % prog, out, re.M)
    out = run([KS, "-T", "3", "-dt_save", "0.4", "-checkpoint", path("p_ck.h5"), "-checkpoint_every", "1",
               "-progress_every", "0"])
    want = ["0.4", "0.8", "1.", "1.2", "1.6", "2.", "2.4", "2.8", "3."]  # 1: a segment end alone; 2: a row and an end
    assert times(out, "snaps-ks") == want, f"-progress_every 0: lines at {times(out, 'snaps-ks')}, not {want}:\n{out}"
    out = run([*MPIEXEC, "-n", "2", KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-progress_every", "0"])
    assert times(out, "snaps-kolmogorov") == ["0.25", "0.5"], f"2 ranks, -progress_every 0: one line per saved row:\n{out}"
    out = run([KS, "-T", "2"])
    assert not times(out, "snaps-ks"), f"the default -progress_every 10: no line in a short run:\n{out}"
    print("-progress_every 0: a line per saved row and segment end, once each; the default: none in a short run")


def unused_options():
    warn = "WARNING: option -ark_rtoll (value 1e-8) was set but never used"
    out = run([KS, "-T", "2", "-progress_every", "0", "-ark_rtoll", "1e-8"])
    assert out.count(warn) == 1 and out.index(warn) < out.index("snaps-ks: t = "), f"one warning, before the first progress line:\n{out}"
    out = run([*MPIEXEC, "-n", "2", KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-progress_every", "0", "-ark_rtoll", "1e-8"])
    assert out.count(warn) == 1, f"2 ranks: one warning:\n{out}"
    killed = run([KS, "-T", "3", "-progress_every", "0", "-ark_rtoll", "1e-8", "-abort_at", "1", "-checkpoint", path("unused_ck.h5")], expect_rc=-9)
    assert warn in killed, f"a run killed before its end must have warned:\n{killed}"
    # read inside PetscFinalize (and the tests' PETSC_OPTIONS -malloc_dump -no_signal_handler): no early warning
    out = run([KS, "-T", "1", "-log_view", "-options_view", "-memory_view", "-citations", "-malloc_view", "-objects_dump"])
    assert "was set but never used" not in out, out
    # a longer word than a finalize-time option's name is a misspelling, warned about before the run too; one of
    # its family (-log_ and more: PETSc has -log_view_memory & co.) is left to the report at exit, still once
    out = run([KS, "-T", "2", "-progress_every", "0", "-logx", "-log_vieww"])
    w = "WARNING: option -logx was set but never used"
    assert out.count(w) == 1 and out.index(w) < out.index("snaps-ks: t = "), f"{w}: once, before the first progress line:\n{out}"
    w = "WARNING: option -log_vieww was set but never used"
    assert out.count(w) == 1 and out.index(w) > out.index("snaps-ks: reached"), f"{w}: once, at exit:\n{out}"
    out = run([KS, "-T", "1", "-ark_rtoll", "1e-8", "-options_left", "0"])
    assert "was set but never used" not in out, out
    print("a misspelt option: one warning before the run; -log_view & co. and -options_left 0: none")
    base = "k" * 240  # with ".h5" and the partial file's "." and ".partial", 252 of a file name's 255 characters
    run([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-ensemble", "2", "-trajectory", path(base + ".h5")])
    grids = ET.parse(path(base + ".xmf")).getroot().findall("./Domain/Grid/Grid")
    assert len(grids) == 3 and all(g.find(".//DataItem[@Format='HDF']").text == base + ".h5:/w" for g in grids), open(path(base + ".xmf")).read()[:2000]
    print("a 240-character trajectory name: XDMF of 3 times, each naming the file")


def xdmf_escape():
    """A trajectory name holding the XML special characters: the XDMF beside it is valid XML (ParaView's readers parse
    it as such) and, once parsed, names the file as it is; the equation and field names are escaped the same way."""
    base = "a&b<c>d\"e'f"
    run([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-trajectory", path(base + ".h5")])
    try:
        root = ET.parse(path(base + ".xmf")).getroot()
    except ET.ParseError as e:
        raise AssertionError(f"the XDMF is not valid XML ({e}):\n{open(path(base + '.xmf')).read()[:1500]}")
    grids = root.findall("./Domain/Grid/Grid")
    assert len(grids) == 3 and all(g.find(".//DataItem[@Format='HDF']").text == base + ".h5:/w" for g in grids), open(path(base + ".xmf")).read()[:2000]
    print("a trajectory named with & < > \" ': valid XDMF naming the file")


def trajectory_stream():
    """-trajectory into a stream (a character device with /dev/null's numbers, made here where mknod is allowed):
    written into, it stays a character device, no .xmf is written beside it and no temporary or partial file is left
    in $TMPDIR; a FIFO is refused before any work."""
    tmpdir = path("tmp")
    os.makedirs(tmpdir)
    os.environ["TMPDIR"] = tmpdir
    fifo = path("pipe.h5")
    os.mkfifo(fifo)
    expect_error([KOL, "-N", "16", "-T", "0.1", "-trajectory", fifo], r"-trajectory '[^']*pipe\.h5' is a pipe")
    dev = path("null_copy.h5")
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except OSError as e:
        print(f"no character device made here ({e}): the stream case skipped")
        return
    run([KOL, "-N", "16", "-T", "0.1", "-dt_save", "0.05", "-trajectory", dev])
    assert stat.S_ISCHR(os.lstat(dev).st_mode), "the character device was replaced"
    assert not os.path.exists(path("null_copy.xmf")), "an XDMF file was written beside a stream"
    assert not os.listdir(tmpdir), f"left in TMPDIR: {os.listdir(tmpdir)}"
    # a restart cannot continue a stream (its rows are gone): refused by name, not an HDF5 error about a partial file
    ck = path("stream_ck.h5")
    run([KOL, "-N", "16", "-T", "0.1", "-dt_save", "0.05", "-checkpoint", ck, "-trajectory", dev])
    expect_error([KOL, "-N", "16", "-T", "0.2", "-dt_save", "0.05", "-restart", ck, "-trajectory", dev],
                 r"The trajectory '[^']*null_copy\.h5' is a stream .*a restart cannot continue it")
    assert not os.listdir(tmpdir), f"left in TMPDIR: {os.listdir(tmpdir)}"
    print("a stream trajectory: written into, no .xmf, nothing left; a FIFO refused; a restart into it refused")


def ark_order():
    # each order its own method: different states (-ark_order 2 gave the order-3 states bit for bit), or refused
    fields = {}
    for q in (2, 3, 4, 5):
        f = path(f"order{q}.h5")
        p = script_runner.program([KS, "-N", "32", "-T", "2", "-ark_order", str(q), "-trajectory", f],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        if p.returncode:
            assert q == 2 and re.search(r"-ark_order 2: SUNDIALS [0-9.]+ \(this build's\) has no IMEX ARK method of that order", p.stdout), p.stdout
            assert not os.path.exists(f), "a refused run wrote its trajectory"
            print("-ark_order 2: refused (no IMEX method of order 2 in this SUNDIALS)")
            continue
        with h5py.File(f) as h:
            fields[q] = h["u"][:]
    for a in fields:
        for b in fields:
            assert a >= b or not np.array_equal(fields[a], fields[b]), f"-ark_order {a} and {b} gave the same states: one order ran for both"
    print(f"-ark_order {sorted(fields)}: each its own states")


def fixed_step_blowup():
    # a fixed step too large: NaN after the first steps (the state at t = 1 is finite, at t = 2 not), reported as such;
    # the files of the earlier run of the same names are left whole
    traj, res, ck = path("blowup.h5"), path("blowup.json"), path("blowup_ck.h5")
    good = [KS, "-N", "32", "-T", "2", "-trajectory", traj, "-results", res, "-checkpoint", ck]
    run(good)
    before = {f: open(f, "rb").read() for f in (traj, res, ck)}
    bad = [KS, "-N", "32", "-T", "5", "-init_amplitude", "5", "-ark_fixed_step", "0.9", "-trajectory", traj, "-results", res,
           "-checkpoint", ck]
    fix = r"-ark_fixed_step has no error control: lower it, or leave it out \(adaptive steps\)"
    expect_error(bad, r"ARKODE's state of member 0 is not finite \(NaN or Inf\) at t = 2\.?: the integration blew up; " + fix)
    for f in (traj, res):
        assert open(f, "rb").read() == before[f], f"{f} changed by the failed run"
    with h5py.File(ck) as h:  # the failed run's own checkpoint at t = 1 (finite) may replace it; never a NaN state
        bad_sets = []
        h.visititems(lambda n, d: bad_sets.append(n) if isinstance(d, h5py.Dataset) and d.dtype.kind == "f" and not np.isfinite(d[()]).all() else None)
        assert not bad_sets, f"the checkpoint holds values that are not finite: {bad_sets}"
    # -lyapunov: the twin that blew up was reported as "the twin trajectory has distance nan ...: raise -lyapunov_eps"
    expect_error(bad[:9] + ["-lyapunov", "-lyapunov_transient", "1"], r"ARKODE's state of (the -lyapunov twin of )?member 0 is not finite .*" + fix)
    # Kolmogorov's member spread over 2 ranks: both see it (a collective norm), one error, no hang
    expect_error([*MPIEXEC, "-n", "2", KOL, "-N", "16", "-T", "2", "-Re", "4000", "-init_amplitude", "100", "-ark_fixed_step", "0.5"],
                 r"ARKODE's state of member 0 is not finite \(NaN or Inf\) at t = 1\.?: the integration blew up; " + fix)


def lyapunov_ranks():
    """The exponent does not depend on the ranks (the twins' perturbations were drawn per rank: 0.609 on 1 rank, 0.737
    on 2, at -T 3). To -T 1.5 after a transient of 0.5: the exponent there is not the attractor's, but the per-rank
    draws change it as much, and the 2-rank run costs half (its 14 CPU-s sanitized to T 3 were most of the test's)."""
    lam = []
    for n in (1, 2):
        res = path(f"kol_lyapunov_{n}.json")
        run([*MPIEXEC, "-n", str(n), KOL, "-N", "16", "-T", "1.5", "-dt_save", "0.5", "-lyapunov", "-lyapunov_transient", "0.5",
             "-ark_rtol", "1e-10", "-ark_atol", "1e-12", "-results", res])
        r = json.load(open(res))
        lam.append(r["lyapunov_members"][0])
        # (audit s26) the settings in the report, defaults included
        assert (r.get("init_amplitude"), r.get("lyapunov_transient"), r.get("lyapunov_eps"), r.get("save_start")) == (1, 0.5, 1e-4, 0), r
    d = abs(lam[0] - lam[1]) / abs(lam[0])
    print(f"Kolmogorov Lyapunov exponent on 1 and 2 ranks: {lam[0]:.10f} {lam[1]:.10f} (relative difference {d:.1e})")
    assert d < 1e-5, f"the exponent changes with the ranks: {lam} (the twins' perturbations differ)"


def identical_members():
    base = [KS, "-N", "32", "-T", "1", "-dt_save", "0.5"]
    init = path("init2.h5")
    out = run(base + ["-ensemble", "2", "-trajectory", init])
    assert "WARNING" not in out, out  # random initial states: two trajectories
    out = run(base + ["-init", "mode", "-ensemble", "2"])
    assert re.search(r"WARNING: snaps-ks: -ensemble 2: the initial state is fixed \(not drawn\) and ARKODE draws nothing, so the "
                     r"members are the same trajectory .*use the random initial state, or -ensemble 1", out), out
    out = run(base + ["-init_trajectory", init, "-ensemble", "3"])
    assert re.search(r"WARNING: snaps-ks: -ensemble 3 but -init_trajectory '[^']*init2\.h5' holds 2 members: member k starts from "
                     r"its member k mod 2, .*members k and k \+ 2 are the same trajectory .*give -ensemble 2 at most", out), out
    out = run(base + ["-init_trajectory", init, "-ensemble", "2"])
    assert "WARNING" not in out, out
    out = run([*MPIEXEC, "-n", "2", KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-init", "taylor-green", "-ensemble", "2"])
    assert out.count("WARNING: snaps-kolmogorov: -ensemble 2: the initial state is fixed") == 1, out  # once, on 2 ranks
    # a zero amplitude: every member starts from zero, random or not (KS random drew from the empty interval [0, 0] and
    # stopped with PETSc's "only low <= high"); a negative one is a sign, and draws as its absolute value does
    zero = r"WARNING: snaps-%s: -ensemble 2: -init_amplitude 0 starts every member from the zero state and ARKODE draws nothing, so the members are the same trajectory .*give a nonzero -init_amplitude, or -ensemble 1"
    for cmd, name in ((base + ["-init_amplitude", "0", "-ensemble", "2"], "ks"), (base + ["-init", "mode", "-init_amplitude", "0", "-ensemble", "2"], "ks"),
                      ([KOL, "-N", "16", "-T", "0.5", "-dt_save", "0.25", "-init_amplitude", "0", "-ensemble", "2"], "kolmogorov")):
        out = run(cmd)
        assert re.search(zero % name, out) and out.count("WARNING") == 1, out
    for a in ("0.1", "-0.1"):
        run(base + ["-init_amplitude", a, "-trajectory", path(f"amp{a}.h5")])
    with h5py.File(path("amp0.1.h5"), "r") as h, h5py.File(path("amp-0.1.h5"), "r") as g:
        assert np.array_equal(h["u"][0], -g["u"][0]), "-init_amplitude -0.1 is not the negated draw of 0.1"
    print("identical members warned about (fixed state, -init_amplitude 0, -init_trajectory of fewer members), once; distinct ones not")


globals()[check]()
print("PASS", check)

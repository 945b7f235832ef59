"""The one home of the airfoil case's shared pieces: NACA 4-digit geometry, the Cp stations, the parsers of
XFOIL's and OpenFOAM's surface outputs, their resampling onto the stations, and the lift from integrated Cp.

Both fidelities see the same geometry (write_coordinates feeds XFOIL's LOAD and gmsh) and are resampled onto
the same stations by the same function (resample), so their Cp rows differ only by the physics.
"""
import re

import numpy as np

# NACA 4-digit thickness coefficients; the last is -0.1036 instead of -0.1015 so the trailing edge is closed
# (XFOIL's built-in NACA command leaves it open, which shifts the lift by several percent).
_THICKNESS = (0.2969, -0.1260, -0.3516, 0.2843, -0.1036)
N_PER_SURFACE = 50  # stations per surface: 2 * 50 + 1 in all


def thickness(x, t):
    a0, a1, a2, a3, a4 = _THICKNESS
    return 5.0 * t * (a0 * np.sqrt(x) + a1 * x + a2 * x**2 + a3 * x**3 + a4 * x**4)


def camber(x, m, p):
    """Camber line y_c and its slope; flat when m = 0 (p is then meaningless)."""
    x = np.asarray(x, dtype=float)
    if m <= 0.0:
        return np.zeros_like(x), np.zeros_like(x)
    fore = x < p
    yc = np.where(fore, m / p**2 * (2 * p * x - x**2), m / (1 - p) ** 2 * ((1 - 2 * p) + 2 * p * x - x**2))
    dyc = np.where(fore, 2 * m / p**2 * (p - x), 2 * m / (1 - p) ** 2 * (p - x))
    return yc, dyc


def surfaces(m, p, t, xc):
    """Upper and lower surface points (x, y) at camber-line abscissae xc (thickness laid normal to camber)."""
    yt = thickness(xc, t)
    yc, dyc = camber(xc, m, p)
    th = np.arctan(dyc)
    upper = np.column_stack([xc - yt * np.sin(th), yc + yt * np.cos(th)])
    lower = np.column_stack([xc + yt * np.sin(th), yc - yt * np.cos(th)])
    return upper, lower


def cosine(n):
    """n + 1 abscissae on [0, 1], clustered at both the leading and the trailing edge."""
    return 0.5 * (1.0 - np.cos(np.pi * np.arange(n + 1) / n))


def coordinates(m, p, t, n=120):
    """Closed contour in XFOIL's (Selig) order: upper trailing edge -> leading edge -> lower trailing edge,
    cosine spaced with n intervals per surface; the trailing-edge point appears first and last."""
    upper, lower = surfaces(m, p, t, cosine(n))
    return np.vstack([upper[::-1], lower[1:]])


def write_coordinates(path, m, p, t, n=120):
    xy = coordinates(m, p, t, n)
    with open(path, "w") as f:
        f.write(f"NACA m={m:.6f} p={p:.6f} t={t:.6f}\n")
        for x, y in xy:
            f.write(f"{x:.10f} {y:.10f}\n")
    return xy


def stations():
    """Cp stations s in [-1, 1]: s = -x_c on the lower surface, +x_c on the upper, cosine spaced on each
    surface (dense at the leading edge, where Cp changes fastest, and at the trailing edge). x_c is the
    chordwise coordinate of the camber-line point a surface point is laid off from: x/c itself on a
    symmetric airfoil, within 0.005 c of it at a cambered leading edge, where the upper surface reaches
    x < 0 and x/c alone would not tell the surfaces apart."""
    x = cosine(N_PER_SURFACE)
    return np.concatenate([-x[::-1], x[1:]])


def surface_coordinate(m, p, t, xy, n_dense=4000):
    """s = +-x_c of arbitrary surface points (XFOIL nodes, OpenFOAM face centres): that of the nearest point
    of a dense sampling of the exact contour, so both fidelities are mapped the same way."""
    xc = cosine(n_dense)
    upper, lower = surfaces(m, p, t, xc)
    ref = np.vstack([upper, lower])
    sref = np.concatenate([xc, -xc])
    xy = np.asarray(xy, dtype=float)[:, :2]
    idx = np.empty(len(xy), dtype=int)
    for k0 in range(0, len(xy), 512):  # chunks keep the distance matrix small
        d = ((xy[k0 : k0 + 512, None, :] - ref[None, :, :]) ** 2).sum(axis=2)
        idx[k0 : k0 + 512] = d.argmin(axis=1)
    return sref[idx]


def resample(s, cp):
    """Cp at the stations from surface samples (s, Cp): linear in s after sorting by s."""
    order = np.argsort(s, kind="stable")
    s, cp = np.asarray(s, dtype=float)[order], np.asarray(cp, dtype=float)[order]
    keep = np.concatenate([[True], np.diff(s) > 0])  # duplicate s (the leading edge of both surfaces): first
    return np.interp(stations(), s[keep], cp[keep])


def lift(m, p, t, alpha_deg, cp_st):
    """Pressure lift coefficient from Cp at the stations, on the exact geometry:
    c_n = int (Cp_l - Cp_u) dx, c_a = int (Cp_u dy_u - Cp_l dy_l), CL = c_n cos(a) - c_a sin(a)."""
    s = stations()
    n = N_PER_SURFACE
    x = s[n:]
    cp_u = cp_st[n:]
    cp_l = cp_st[: n + 1][::-1]
    upper, lower = surfaces(m, p, t, x)
    cn = np.trapz(cp_l, lower[:, 0]) - np.trapz(cp_u, upper[:, 0])
    ca = np.trapz(cp_u, upper[:, 1]) - np.trapz(cp_l, lower[:, 1])
    a = np.radians(alpha_deg)
    return cn * np.cos(a) - ca * np.sin(a)


# What a tool output must cover to be resampled: both surfaces whole, ends within MAX_END of the trailing edge (s = -1
# and +1) and no gap in s wider than MAX_GAP. The committed samples: ends at +-1 (XFOIL) and +-0.9991 (OpenFOAM's face
# centres), largest gaps 0.017 (XFOIL, 160 panels) and 0.009 (OpenFOAM, 151 wall nodes per surface). A truncated output
# (disk full, a run killed while writing) would otherwise be resampled with np.interp holding its last value over the
# missing part, and the sweep would record the case converged with that Cp.
MAX_END, MAX_GAP = 0.01, 0.05


def check_coverage(s, path):
    """Raises ValueError, naming path, unless the surface coordinates s cover both surfaces (MAX_END, MAX_GAP)."""
    s = np.sort(np.asarray(s, dtype=float))
    gap = float(np.diff(s).max()) if len(s) > 1 else 2.0
    if s[0] > -1.0 + MAX_END or s[-1] < 1.0 - MAX_END or gap > MAX_GAP:
        raise ValueError(f"{path}: its {len(s)} points cover s from {s[0]:.4f} to {s[-1]:.4f} with a gap of {gap:.4f}, "
                         f"expected the whole surface (s within {MAX_END} of -1 and +1, no gap over {MAX_GAP}): a "
                         "truncated or partial output; rerun the case")


def load_table(path, **loadtxt):
    """np.loadtxt(path, ndmin=2, **loadtxt); a file numpy cannot read as a table (a row cut short: a run killed while
    writing) raises ValueError naming path: numpy's own message names no file, and the sweep records it as the case's
    error."""
    try:
        return np.loadtxt(path, ndmin=2, **loadtxt)
    except ValueError as e:
        raise ValueError(f"{path}: not a table of numbers ({e}): a truncated or partial output; rerun the case") from None


def parse_xfoil_cp(cp_path, coord_path, m, p, t):
    """XFOIL 6.99 CPWR dump ('#' comment, then 'x Cp' per panel node) and the SAVEd paneled coordinates
    (a name line, then 'x y' per node, the same nodes in the same order). Returns (s, Cp). The coordinates
    are needed: near a cambered leading edge the upper surface reaches x < 0, where x alone gives s the
    wrong sign."""
    a = load_table(cp_path, comments="#")
    if a.shape[1] != 2 or len(a) < 20 or not np.isfinite(a).all():
        raise ValueError(f"{cp_path}: not an XFOIL Cp dump (expected >= 20 finite rows of 'x Cp')")
    xy = load_table(coord_path, skiprows=1)
    if xy.shape != (len(a), 2) or not np.allclose(xy[:, 0], a[:, 0], atol=1e-4):
        raise ValueError(f"{coord_path}: not the {len(a)} paneled nodes of {cp_path} (SAVE after PANE/PPAR)")
    s = surface_coordinate(m, p, t, xy)
    # XFOIL's nodes run upper TE -> LE -> lower TE, and its last node is the trailing-edge point again. The
    # nearest-point map gives that point s = +1 (the upper surface's copy of it comes first), which resample
    # would drop as a duplicate, holding the last lower node's Cp over the stations nearest s = -1: a node after
    # the leading edge (the smallest |s|) that maps to s = +1 is the lower surface's end, s = -1.
    le = int(np.argmin(np.abs(s)))
    s[le + 1 :][s[le + 1 :] == 1.0] = -1.0
    check_coverage(s, cp_path)
    return s, a[:, 1]


def parse_foam_raw(path, m, p, t, p_inf=0.0, q_inf=0.5):
    """OpenFOAM sampledSurfaces 'raw' output of kinematic p on the airfoil patch ('#' comments, then
    'x y z p' per face centre). Returns (s, Cp) with Cp = (p - p_inf) / q_inf (q_inf = U^2 / 2, U = 1). A file
    holding fewer faces than its header's 'FACE_DATA N' announces, or not covering the surface, is refused."""
    a = load_table(path, comments="#")
    if a.shape[1] != 4 or len(a) < 20 or not np.isfinite(a).all():
        raise ValueError(f"{path}: not an OpenFOAM raw surface sample (expected >= 20 finite rows of 'x y z p')")
    with open(path) as f:
        head = "".join(line for line, _ in zip(f, range(5)) if line.startswith("#"))
    n = re.search(r"\bFACE_DATA\s+(\d+)", head)
    if n and int(n.group(1)) != len(a):
        raise ValueError(f"{path}: {len(a)} faces, its header announces {n.group(1)} (FACE_DATA): a truncated "
                         "sample; rerun the case")
    s = surface_coordinate(m, p, t, a[:, :2])
    check_coverage(s, path)
    return s, (a[:, 3] - p_inf) / q_inf

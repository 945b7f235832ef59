"""Line styles that keep every series of a plot in sight (the one home of that rule for postprocess/ and bench/):
more series than colours get other markers and line styles too, and a series drawn over an earlier one with the same
(or nearly the same) values is drawn so that the earlier one still shows, and its label says which one it covers.
"""
import numpy as np

# no grey: the black and grey reference lines of the plots stay apart from the series
COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:olive", "tab:cyan",
          "navy"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">"]  # 9 against 10 colours: (colour, marker) repeats after 90
LINESTYLES = ["-", "--", "-.", ":"]
NEAR = 0.03  # a series within 3% of an earlier one at every point is drawn over it at a plot's scale: said so


def distinct(n, colors=COLORS):
    """n (colour, marker, line style) triples, no two alike: the colour changes from one series to the next, the
    marker too (one fewer marker than colours), and the line style with every round of the colours."""
    return [(colors[i % len(colors)], MARKERS[i % len(MARKERS)], LINESTYLES[(i // len(colors)) % len(LINESTYLES)])
            for i in range(n)]


def covers(series, near=NEAR):
    """series: [(label, x, y)] in drawing order. For each, (the label of the first earlier series it lies on, how) or
    None, how being "same" (y equal to 1e-9 relative at every point of it, each at an x of the earlier one: a series of
    one point on another's counts), "near" (y within near relative at every point) or (k, n) (equal at k of its n
    points, at least half: drawn over it there)."""
    out = []
    for i, (_, x, y) in enumerate(series):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        hits = []
        for label, x0, y0 in series[:i]:
            at = {float(a): float(b) for a, b in zip(x0, y0)}
            if not y.size or any(float(a) not in at for a in x):
                continue
            y0 = np.array([at[float(a)] for a in x])
            # only points where both are finite count: matplotlib draws no NaN (a null in a results file), so a series
            # of NaN is drawn nowhere and hides nothing (a NaN scale would have made every point "equal")
            ok = np.isfinite(y) & np.isfinite(y0)
            if not ok.any():
                continue
            scale = np.maximum(np.abs(y0), np.abs(y))
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.where(~ok, np.inf, np.where(scale > 0, np.abs(y - y0) / scale, 0.0))
            k = int(np.count_nonzero(rel <= 1e-9))
            if k == y.size:
                hits.append((0, label, "same"))
            elif np.all(rel <= near):
                hits.append((1, label, "near"))
            elif 2 * k >= y.size:
                hits.append((2 + y.size - k, label, (k, y.size)))
        out.append(min(hits, key=lambda h: h[0])[1:] if hits else None)  # the closest: same, near, most points
    return out


def cover_label(label, hit, near=NEAR):
    """label with a note naming the series it is drawn over (hit: covers()' entry), if any."""
    if not hit:
        return label
    if hit[1] == "same":
        return "%s (same as %s)" % (label, hit[0])
    if hit[1] == "near":
        return "%s (within %g%% of %s)" % (label, 100 * near, hit[0])
    return "%s (on %s at %d of %d points)" % (label, hit[0], hit[1][0], hit[1][1])


COVER_LS = {"-": "--", "--": ":", "-.": ":", ":": "-."}  # a covering series' line: gaps where the solid one had none


def cover_style(hit, ms, ls="-"):
    """Matplotlib keywords for a series drawn over another (hit not None): hollow markers 1.8x as large and a broken
    line (COVER_LS of its own line style ls, so that two covering series of one colour stay apart), on top, so that the
    covered series' markers and line show through; {} otherwise."""
    if not hit:
        return {}
    return {"mfc": "none", "ms": 1.8 * ms, "mew": 1.2, "ls": COVER_LS.get(ls, "--"), "zorder": 3}

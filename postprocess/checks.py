"""Bad input stops a script with one line naming the file and the problem (SystemExit: exit status 1, no traceback),
the one home of that rule for the scripts of postprocess/ and cases/ (atomic.py checks its outputs' directory here).
"""
import argparse
import contextlib
import json
import os


def need(path, what="file"):
    """path, which must exist."""
    if not os.path.exists(path):
        raise SystemExit("%s: no such %s" % (path, what))
    return path


def load_json(path):
    """The JSON object in path (which must exist, be readable, parse and hold an object at the top: every results file
    of SNAPS does; a list or a number there would end in a traceback at the first key read)."""
    try:
        with open(need(path)) as f:
            d = json.load(f)
    except ValueError as e:
        raise SystemExit("%s: not valid JSON (%s)" % (path, e))
    except OSError as e:  # a directory, no read permission
        raise SystemExit("%s: cannot be read (%s)" % (path, e.strerror or e))
    if not isinstance(d, dict):
        raise SystemExit("%s: holds a JSON %s, not an object of named results" % (path, type(d).__name__))
    return d


def h5(path):
    """path opened read-only with h5py (it must exist and be an HDF5 file)."""
    import h5py  # here: the JSON checks do not need it

    try:
        return h5py.File(need(path), "r")
    except OSError as e:
        raise SystemExit("%s: cannot be read as HDF5 (%s)" % (path, e))


def key(d, k, path):
    """d[k]; d was read from path. k may be a list of keys, one per level (d[k0][k1]...)."""
    for name in [k] if isinstance(k, str) else k:
        try:
            d = d[name]
        except (KeyError, IndexError, TypeError):
            raise SystemExit("%s: no '%s'" % (path, "/".join([k] if isinstance(k, str) else k)))
    return d


@contextlib.contextmanager
def reading(path):
    """A block that reads what was parsed from path: a key or item missing there, or a value of the wrong kind (a null
    where a number is read: atomic.finite_json writes NaN as null), stops the script, naming path (for nested content
    that key() would check level by level; the scripts name a null value's key themselves where they can: value())."""
    try:
        yield
    except (KeyError, IndexError) as e:
        raise SystemExit("%s: no %s (a key or item this script reads)" % (path, e))
    except TypeError as e:
        raise SystemExit("%s: a value this script reads is null or of the wrong kind (%s)" % (path, e))


def value(v, path, what):
    """v, a number read from path (what names its key): a null one (NaN in the run: atomic.finite_json writes it as
    null) stops the script, naming both."""
    if v is None:
        raise SystemExit("%s: %s is null (NaN in the run)" % (path, what))
    return v


def finite(a, what):
    """a as a float array, which must hold only finite values; what names it (file and dataset)."""
    import numpy as np  # here: atomic.py imports this module for writable alone

    a = np.asarray(a, dtype=float)
    bad = np.count_nonzero(~np.isfinite(a))
    if bad:
        raise SystemExit("%s: %d of %d values are not finite (NaN or inf)" % (what, bad, a.size))
    return a


def output_target(path):
    """(the file a write to path replaces, whether path is a stream), as the C programs judge it (plugins/io/report.c,
    SNAPSOutputTarget and SNAPSMoveIntoPlace): a stream is an existing character device (/dev/null, a terminal), written
    into; a symbolic link is followed (a chain; a relative link taken in its own directory), so that its file is
    replaced and the link stays; a link to an open descriptor (/dev/stdout, /proc/<pid>/fd/N), a link chain that cannot
    be followed and an existing path that is not a regular file (a FIFO, a block device, a socket) stop the script with
    one line naming path: replacing them would lose them."""
    import stat

    try:
        if stat.S_ISCHR(os.stat(path).st_mode):
            return path, True
    except OSError:
        pass  # does not exist (or a dangling link): followed below
    target, hops = path, 0
    while os.path.islink(target):
        if target.startswith(("/proc/", "/dev/fd/")) or os.path.realpath(os.path.dirname(os.path.abspath(target))).startswith("/proc"):
            raise SystemExit("%s: reaches a file through a link to an open descriptor (%s): not replaced; name the file itself" % (path, target))
        hops += 1
        if hops > 40:
            raise SystemExit("%s: a chain of more than 40 symbolic links: not followed" % path)
        target = os.path.join(os.path.dirname(target), os.readlink(target))
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return target, False  # a new file (or a dangling link's target, created)
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # a directory: the rename says so
        raise SystemExit("%s: exists and is not a regular file (a FIFO, a block device or a socket): not replaced" % path)
    return target, False


def same_file(a, b):
    """Whether paths a and b are one existing file (os.path.samefile: by identity, device and inode, as the C programs
    compare them: plugins/io/options.c, SNAPSCheckOutputNotInput), so that "./r.json", "r.json" and a link to it are
    one; False where either does not exist."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def not_input(path, inputs):
    """path, an output, unless it is the same file (same_file) as one of inputs, the files the script reads: then the
    script stops with one line naming both, before its work (writable calls it; a script whose output directory is
    made later calls it alone)."""
    for i in inputs:
        if same_file(path, i):
            raise SystemExit("%s: is the same file as the input %s: writing it would destroy the input; choose another "
                             "output file" % (path, i))
    return path


def writable(path, inputs=()):
    """path, an output whose directory must exist: checked before the work that leads to it, so that a typo in the
    directory does not cost the run (and the error names the path, not a temporary file). A path that is a directory
    (or ends in '/') is refused too, and so is one that is the same file as one of inputs (the files the script reads:
    "flow_stats.py run.h5 --json run.h5" replaced the trajectory by its statistics). For a symbolic link, the directory
    of the file it points to (output_target); a stream (/dev/null) needs none."""
    target, stream = output_target(path)
    if stream:
        return path
    not_input(path, inputs)
    if path.endswith(os.sep) or os.path.isdir(target):  # the rename at the end would fail, after the work
        raise SystemExit("%s: is a directory: name a file in it" % path)
    d = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(d):
        raise SystemExit("%s: the directory %s does not exist" % (path, d))
    if not os.access(d, os.W_OK):
        raise SystemExit("%s: the directory %s is not writable" % (path, d))
    return path


def figure(path, inputs=()):
    """path, a figure to write (atomic.save_figure), checked before the work as writable() does, and its format too:
    its extension's (none: matplotlib's default, savefig.format) must be one matplotlib writes, else the script stops
    with one line naming path and the formats (matplotlib's error came as a traceback after the work, with the other
    outputs of the run already written)."""
    writable(path, inputs)
    ext = os.path.splitext(path)[1][1:].lower()
    if ext:
        from matplotlib.backend_bases import FigureCanvasBase  # here: the JSON checks do not need matplotlib

        known = FigureCanvasBase.get_supported_filetypes()
        if ext not in known:
            raise SystemExit("%s: matplotlib cannot write a figure as '.%s': name a file ending in one of %s"
                             % (path, ext, ", ".join("." + k for k in sorted(known))))
    return path


def results_to_output(doc, argv, results_help, output="png", output_help="the plot to write"):
    """The command line of a script that turns one results JSON into one file (a plot, a table): (the results' path,
    their JSON, the output's path), the output checked before any work: its directory, that it is not the results file
    itself (writable), and for a plot (output "png", the default) its format (figure). argparse: -h, and a misspelt or
    missing argument refused with the usage (exit status 2)."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    ap.add_argument("results", help=results_help)
    ap.add_argument(output, help=output_help)
    a = ap.parse_args(argv)
    out = (figure if output == "png" else writable)(getattr(a, output), [a.results])
    return a.results, load_json(a.results), out


def missing_programs(bin_dir, names, fix):
    """None when bin_dir holds the programs names (executable), else one line naming bin_dir, the missing ones and fix
    (how to get them): the cases' scripts check this before any work, where the first run would end in a
    FileNotFoundError traceback after files were written."""
    lack = [p for p in names if not os.access(os.path.join(bin_dir, p), os.X_OK)]
    return "%s: no %s: %s" % (bin_dir, " nor ".join(lack), fix) if lack else None


# argparse types: a bad value is refused with the usage message (exit status 2) before any work
def positive_int(v):
    """An integer >= 1."""
    import argparse

    try:
        n = int(v)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError("%r is not an integer >= 1" % v)
    return n


def comma_list(choices=None, item=str):
    """A comma-separated list of values of type item (e.g. int or float), each among choices where given."""
    import argparse

    def parse(v):
        try:
            out = [item(x) for x in v.split(",")]
        except ValueError:
            raise argparse.ArgumentTypeError("%r is not a comma-separated list of %s values" % (v, item.__name__))
        bad = [x for x in out if choices is not None and x not in choices]
        if bad:
            raise argparse.ArgumentTypeError("unknown %s in %r: use some of %s" % (", ".join(map(repr, bad)), v, ", ".join(choices)))
        return out
    return parse


def clean_earlier(out, case_dir, names):
    """Before a case's run into out (its arguments checked): removes names (globs relative to out, files or
    directories: an earlier run's outputs that this run would not rewrite), so that what out holds afterwards is this
    run's. Refused (nothing removed) when out is case_dir's committed reference/ directory or inside it: a run is made
    elsewhere and what is to be committed copied there (scripts/case-args.sh's case_clean, for the bash cases)."""
    import glob
    import shutil

    ref = os.path.join(os.path.realpath(case_dir), "reference")
    real = os.path.realpath(out)
    if real == ref or real.startswith(ref + os.sep):
        raise SystemExit("%s is the case's committed reference directory: run into another directory and copy what is "
                         "to be committed" % out)
    for pattern in names:
        for p in glob.glob(os.path.join(glob.escape(out), pattern)):
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.remove(p)


def number(v, spec=".4g"):
    """A figure for a table: '-' for a null one (a statistic that is undefined, e.g. flow_stats.py's autocorrelation
    time of a field that does not change), else formatted by spec."""
    return "-" if v is None else format(v, spec)


ACF_SHORT = 50  # records shorter than this many autocorrelation times get a note: the figure is rough


def autocorrelation_kind(stats):
    """How flow_stats.py's autocorrelation time in stats reads (the one classification of its printed line and of the
    cases' table labels): "unresolved" (<= 0 at the first lag: below the save interval; null), "few_lags" (too few
    lags for a time; null, with a window), "steady" (the field does not change in time; null, no window), "bound" (no
    zero crossing within the window: a lower bound), "rough" (a record under ACF_SHORT such times) or "exact"."""
    if stats.get("autocorrelation_time") is None:
        if stats.get("autocorrelation_crosses_zero"):
            return "unresolved"
        return "steady" if stats.get("autocorrelation_window") is None else "few_lags"
    if not stats.get("autocorrelation_crosses_zero", True):
        return "bound"
    r = stats.get("record_over_tau")
    return "rough" if r is not None and r < ACF_SHORT else "exact"


def autocorrelation_label(stats, var):
    """The table label of flow_stats.py's autocorrelation time of var (autocorrelation_kind): to the first zero, rough
    (the record is fewer than ACF_SHORT such times long), a lower bound (no zero crossing within the window), below the
    save interval, or undefined (too few lags, or the field does not change in time; the value is null)."""
    kind = autocorrelation_kind(stats)
    if kind == "unresolved":
        return f"autocorrelation time of {var} (below the save interval, which does not resolve it)"
    if kind == "few_lags":
        return f"autocorrelation time of {var} (undefined: too few lags, see autocorrelation_note)"
    if kind == "steady":
        return f"autocorrelation time of {var} (undefined: {var} does not change in time)"
    if kind == "bound":
        return f"autocorrelation time of {var} (a lower bound: no zero crossing within the window)"
    if kind == "rough":
        r = stats["record_over_tau"]
        return f"autocorrelation time of {var} (to the first zero; rough: the record is only {r:.3g} such times long)"
    return f"autocorrelation time of {var} (to the first zero)"

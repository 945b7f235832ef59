"""Files written atomically, the one home of that rule for the scripts of postprocess/, bench/ and cases/ (the
studies, benchmarks and datasets): the content goes to a temporary name beside the path and is renamed into
place (os.replace) once complete. A run killed while writing leaves no partial file that a later step would read;
a write that fails (an object JSON cannot hold, a full disk, an HDF5 dataset that cannot be stored) raises, removes
its temporary file and leaves the path as it was. A path whose directory does not exist stops the script with one line
naming it (checks.writable).
"""
import contextlib
import json
import math
import os

import checks  # beside this file


@contextlib.contextmanager
def replacing(path):
    """A temporary name beside path to write to: renamed to path when the block ends without an error, removed in
    every case that leaves it behind."""
    checks.writable(path)
    tmp = "%s.tmp%d" % (path, os.getpid())
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_text(path, text):
    """text into path, atomically (replacing)."""
    with replacing(path) as tmp, open(tmp, "w") as f:
        f.write(text)


def finite_json(obj):
    """obj with every non-finite float (NaN, +-inf, Python's or numpy's) replaced by None, through dicts, lists and
    tuples, and numpy scalars made Python numbers: what strict JSON can hold (NaN and Infinity are not JSON; a strict
    reader refuses the file). A figure that is undefined is then null; the writer should say why beside it."""
    if isinstance(obj, dict):
        return {k: finite_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_json(v) for v in obj]
    if type(obj).__module__ == "numpy" and hasattr(obj, "item") and getattr(obj, "ndim", 1) == 0:
        obj = obj.item()  # a numpy scalar
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def write_json(path, obj):
    """obj as indented, strict JSON into path, atomically: non-finite floats become null (finite_json), and a dump
    that fails (allow_nan=False: one that slipped through, e.g. in an object JSON cannot hold) changes nothing."""
    obj = finite_json(obj)
    with replacing(path) as tmp, open(tmp, "w") as f:
        json.dump(obj, f, indent=1, allow_nan=False)


def save_figure(fig, path, **savefig_kw):
    """A matplotlib figure into path, atomically. Its format: savefig_kw's, else path's extension, else matplotlib's
    default (savefig.format): never the temporary name's (path.tmpPID), which matplotlib would take for one."""
    import matplotlib  # here: the text and JSON writers do not need it

    savefig_kw.setdefault("format", os.path.splitext(path)[1][1:] or matplotlib.rcParams["savefig.format"])
    with replacing(path) as tmp:
        fig.savefig(tmp, **savefig_kw)


@contextlib.contextmanager
def h5_file(path):
    """An HDF5 file (h5py.File) opened for writing at a temporary name, closed and renamed to path when the block
    ends without an error; on an error the temporary file is removed and path is left as it was (replacing)."""
    import h5py  # here: the text and JSON writers do not need it

    with replacing(path) as tmp, h5py.File(tmp, "w") as f:
        yield f

"""Files written atomically, the one home of that rule for the scripts of postprocess/, bench/ and cases/ (the
studies, benchmarks and datasets): the content goes to a temporary name beside the path and is renamed into
place (os.replace) once complete. A run killed while writing leaves no partial file that a later step would read;
a write that fails (an object JSON cannot hold, a full disk, an HDF5 dataset that cannot be stored) raises, removes
its temporary file and leaves the path as it was. A path whose directory does not exist stops the script with one line
naming it (checks.writable). Symbolic links, permission bits and streams such as /dev/null are treated as the C
programs treat them (replacing).
"""
import contextlib
import json
import math
import os
import shutil
import stat
import tempfile

import checks  # beside this file


@contextlib.contextmanager
def replacing(path):
    """A temporary name to write to, put in path's place when the block ends without an error (removed in every case
    that leaves it behind), by the C programs' rules (plugins/io/report.c, SNAPSMoveIntoPlace): a symbolic link stays
    and the file it points to is replaced (the temporary name beside that file); an existing file keeps its permission
    bits; a stream (a character device such as /dev/null or a terminal) is written into, never renamed over; any other
    existing path that is not a regular file (a FIFO, a block device, a socket) is refused (checks.output_target), and
    so is a directory (checks.writable). A failure to create, write or rename the temporary file stops the script with
    one line naming path."""
    target, stream = checks.output_target(checks.writable(path))
    if stream:  # the temporary file in $TMPDIR: the stream's directory (/dev) is no place for it
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(target) + ".tmp")
        os.close(fd)
    else:
        tmp = "%s.tmp%d" % (target, os.getpid())
    try:
        yield tmp
        if stream:
            with open(tmp, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
        else:
            try:
                os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))  # the replaced file's permission bits
            except FileNotFoundError:
                pass  # a new file: the temporary file's (0666 less the umask), as any new file
            os.replace(tmp, target)
    except OSError as e:  # the temporary file or its rename (a directory the checks passed, but the system refused)
        if tmp not in (e.filename, e.filename2):
            raise  # the block's own error (an input it reads): its own message
        raise SystemExit("%s: cannot be written (%s)" % (path, e.strerror or e))
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

"""Files written atomically, the one home of that rule for the studies and benchmarks (bench/airfoil-mf/harness.py,
postprocess/mf_study.py, cases/airfoil-mf): the content goes to a temporary name beside the path and is renamed into
place (os.replace) once complete. A run killed while writing leaves no partial file that a later step would read;
a write that fails (an object JSON cannot hold, a full disk, an HDF5 dataset that cannot be stored) raises, removes
its temporary file and leaves the path as it was.
"""
import contextlib
import json
import os


@contextlib.contextmanager
def replacing(path):
    """A temporary name beside path to write to: renamed to path when the block ends without an error, removed in
    every case that leaves it behind."""
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


def write_json(path, obj):
    """obj as indented JSON into path, atomically: a dump that fails changes nothing."""
    with replacing(path) as tmp, open(tmp, "w") as f:
        json.dump(obj, f, indent=1)

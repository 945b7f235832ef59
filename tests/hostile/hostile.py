#!/usr/bin/python3
"""Hostile HDF5 files for every SNAPS reader, and the driver that feeds them to the programs.

  hostile.py list                      one line per case: name and reader (CMake registers one test each)
  hostile.py make DIR --model M --data D --predictions P [--snapshots S --guess-model G]
                                       writes DIR/<case>.h5 for every case, from good files made by SNAPS
  hostile.py run CASE DIR --predict P --fit F [--pod P --ex2 E --lib L] [--mem-mb 2048] [--mpiexec ...]
                                       runs the case's reader on DIR/CASE.h5 under a memory limit

A hostile case passes when its reader exits non-zero (not by a signal) with output matching the case's
regex, within the memory limit, and creates no output file. A control case ("good_...") must succeed:
it shows that the hostile files differ from a file the reader accepts only by what they break.
Needs numpy and h5py (Debian's /usr/bin/python3).
"""
import argparse
import os
import re
import resource
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: the sanitizer report's regex)

# ---------------------------------------------------------------- the cases

# reader: which program reads the file, and how (see run()); source: the good file a case starts from;
# regex: what the reader's message must say (None: a control that must succeed).
CASES = []
SOURCES = {
    "predict_model": "model",
    "predict_data": "data",
    "fit_data": "data",
    "pod_snapshots": "snapshots",
    "guess_model": "guess",
    "init_trajectory": "trajectory",
    "init_trajectory_row2": "trajectory",
    "rollout_fit": "trajectory",
}


def case(name, reader, regex, source=None):
    """Registers fn(f) as a case that edits, in place, an h5py.File opened on a copy of the source file."""

    def register(fn):
        CASES.append({"name": name, "reader": reader, "regex": regex, "source": source or SOURCES[reader], "edit": fn})
        return fn

    return register


def new_file(name, reader, regex):
    """Registers fn(path, src) as a case that writes its file itself (src: the good files by source)."""

    def register(fn):
        CASES.append({"name": name, "reader": reader, "regex": regex, "source": None, "write": fn})
        return fn

    return register


def rewrite(grp, name, data=None, **kw):
    """Replaces dataset grp/name by one made with h5py's create_dataset(**kw)."""
    if name in grp:
        del grp[name]
    return grp.create_dataset(name, data=data, **kw)


def string_array(n, text):
    import numpy as np

    return np.array([text.encode()] * n, dtype="S%d" % (len(text) + 1))


def rank9():
    import numpy as np

    return np.zeros((1,) * 9)


def set_attr(group, attr, value, dtype=None):
    """A case body: attribute attr of group set to value() (a string array, an integer, ...)."""

    def edit(f):
        f[group].attrs.create(attr, value(), dtype=dtype)

    return edit


def set_dataset(group, name, value):
    """A case body: dataset group/name replaced by value()."""

    def edit(f):
        rewrite(f[group], name, value())

    return edit


def scale_dataset(path, factor):
    def edit(f):
        f[path][...] = f[path][...] * factor

    return edit


def knots_outside_unit(f):
    f["sna/knots"][...] = 2 * f["sna/knots"][...] - 0.5


def flip_byte(path, dset_path):
    """Flips one bit of the exponent of the dataset's first value, in the file's raw bytes."""
    import h5py

    with h5py.File(path, "r") as f:
        d = f[dset_path]
        off = d.id.get_offset() if d.chunks is None else d.id.get_chunk_info(0).byte_offset
    with open(path, "r+b") as fp:
        fp.seek(off + 6)
        b = fp.read(1)
        fp.seek(off + 6)
        fp.write(bytes([b[0] ^ 0x10]))


def add_cases(reader, table, source=None):
    for name, regex, edit in table:
        case(name, reader, regex, source)(edit)


def aion_model(path, src=None, d=2, rank=1, terms=1, atoms=True):
    """A small AION model written from scratch (the documented layout, see aionio.c)."""
    import h5py
    import numpy as np

    with h5py.File(path, "w") as f:
        g = f.create_group("sna")
        for k, v in (("snaps_format_version", 1), ("dim_in", d), ("dim_out", 1), ("n_params", 4 * d * rank * terms), ("rank", rank), ("terms", terms)):
            g.attrs.create(k, v, dtype="<i8")
        for k, v in (("snaps_version", "0"), ("type", "aion"), ("atom_columns", "A,alpha,omega,phi")):
            g.attrs.create(k, np.bytes_(v))
        g.create_dataset("lower", data=np.full(d, -1.0))
        g.create_dataset("upper", data=np.full(d, 1.0))
        if atoms:
            a = np.zeros((d, rank, terms, 4))
            a[..., 0] = 1.0
            a[..., 2] = 1.0
            g.create_dataset("atoms", data=a)
    return path


def to_contiguous(f):
    """A model as SNAPS wrote it before checksums: contiguous datasets, no filter. Must still read."""
    for name in ("lower", "upper", "knots", "W", "C"):
        rewrite(f["sna"], name, f["sna"][name][...])


def khronos_sizes(nodes, modes, drop_W=False):
    def edit(f):
        f["sna"].attrs.create("nodes", nodes, dtype="<i8")
        f["sna"].attrs.create("modes", modes, dtype="<i8")
        if drop_W:
            del f["sna"]["W"]

    return edit


def khronos_no_storage(f):
    """W of a declared (huge) shape, chunked, with no chunk written: a tiny file."""
    g = f["sna"]
    nodes, modes, d = 1 << 16, 1 << 12, 2
    khronos_sizes(nodes, modes)(f)
    rewrite(g, "W", shape=(d, nodes, modes), dtype="<f8", chunks=(1, 1024, 64))
    rewrite(g, "C", shape=(modes, 1), dtype="<f8", chunks=(64, 1))
    rewrite(g, "knots", shape=(d, nodes + 2 + 1), dtype="<f8", chunks=(1, 1024))


def knot_interval_1e310(f):
    """Valid knots except one interval of subnormal width: basis values 1/1e-310 = Inf."""
    k = f["sna"]["knots"]
    a = k[...]
    a[0, int(f["sna"].attrs["degree"]) + 1] = 1e-310
    k[...] = a


def nan_in_W(f):
    w = f["sna"]["W"][...]
    w.flat[3] = float("nan")
    f["sna"]["W"][...] = w


def box_inverted(f):
    """The first input's lower bound above its upper one."""
    lo = f["sna"]["lower"][...]
    lo[0] = 5.0
    f["sna"]["lower"][...] = lo


def huge_coefficients(f):
    """Finite coefficients whose products overflow: the predictions would be Inf."""
    for name in ("W", "C"):
        f["sna"][name][...] = 1e300


def n_params_plus(k):
    """A case body: the model's n_params attribute raised by k (same integer type), its arrays left as they are."""

    def edit(f):
        f["sna"].attrs.modify("n_params", f["sna"].attrs["n_params"] + k)

    return edit


def lzf_W(f):
    """W compressed with h5py's LZF filter (32000), which the HDF5 library lacks: a missing filter, not a corrupt file.
    Its values are constant, which LZF shrinks (h5py makes LZF optional: a chunk it cannot shrink is stored plain and
    reads fine without the filter)."""
    g = f["sna"]
    rewrite(g, "W", 0.25 + 0.0 * g["W"][...], compression="lzf")


def flip(path):
    """A case body whose work is done on the closed file: one bit of dataset path's raw data flipped."""

    def edit(f):
        return lambda out: flip_byte(out, path)

    return edit


# -- model files, read by snaps-predict (SNALoad) --
add_cases(
    "predict_model",
    [
        ("good_khronos_model", None, lambda f: None),
        ("good_khronos_model_contiguous", None, to_contiguous),
        ("model_type_string_array", "attribute 'type' is an array of 1000 strings; expected a single string", set_attr("sna", "type", lambda: string_array(1000, "khronos" * 8))),
        ("model_dim_in_array", "attribute 'dim_in' is not a readable integer", set_attr("sna", "dim_in", lambda: [2, 2, 2], "<i8")),
        ("model_type_integer", "attribute 'type' is not a readable string", set_attr("sna", "type", lambda: 7, "<i8")),
        # h5py writes a str attribute as a variable-length string: read like SNAPS's fixed-length ones
        ("good_khronos_model_vlen_type", None, set_attr("sna", "type", lambda: "khronos")),
        ("model_type_vlen_too_long", "attribute 'type' is longer than the [0-9]+ characters it may hold", set_attr("sna", "type", lambda: "khronos" * 100)),
        # a fixed size above the reader's buffer holding a short text (numpy's S256): read, not called too long
        ("good_khronos_model_wide_type", None, set_attr("sna", "type", lambda: b"khronos", "S256")),
        ("model_type_fixed_too_long", "attribute 'type' is longer than the [0-9]+ characters it may hold", set_attr("sna", "type", lambda: b"khronos" * 100)),
        ("model_lower_rank9", "dataset 'lower' has rank 9", set_dataset("sna", "lower", rank9)),
        ("model_knots_rank9", "dataset 'knots' has rank 9", set_dataset("sna", "knots", rank9)),
        ("model_W_string", "dataset 'W' is not a floating-point array", set_dataset("sna", "W", lambda: string_array(4, "x"))),
        # 2 x 65536 x 4096 coefficients (4 GB) declared, none held: nothing may be allocated for them
        ("model_huge_sizes_no_W", "dataset 'knots' has the wrong shape for the sizes in its attributes \\(2 x 19, not 2 x 65539\\)", khronos_sizes(1 << 16, 1 << 12, drop_W=True)),
        # d x nodes x modes = 2^37 wraps in 32-bit arithmetic
        ("model_khronos_product_overflows", "model declares 2 x 1048576 x 65536 KHRONOS coefficients .*: too many", khronos_sizes(1 << 20, 1 << 16)),
        ("model_huge_W_no_storage", "dataset '(knots|W|C)' .*holds no data", khronos_no_storage),
        ("model_knots_outside_unit", "knots of input 0 must run from 0 to 1 .*not from -0.5 to 1.5", knots_outside_unit),
        ("model_knots_span_1e-310", "knots of input 0 must run from 0 to 1", scale_dataset("sna/knots", 1e-310)),
        ("model_knot_interval_1e-310", "knot interval \\[0\\.?, 1e-310\\] of input 0 is 1e-310 wide", knot_interval_1e310),
        ("model_huge_coefficients", "predictions of the model '[^']*' are not finite .*coefficients", huge_coefficients),
        ("model_W_nan", "dataset 'W' contains NaN or Inf", nan_in_W),
        # finite bounds, but an empty box: the file's fault, named as such (it read "need lower < upper" as to a caller)
        ("model_box_inverted", "'[^']*model_box_inverted\\.h5' has an empty or invalid input box \\[5\\.?, [-0-9.e]+\\] for input 0 .*corrupt model", box_inverted),
        # the count the file states must match the arrays it holds (a model edited by hand, or half rewritten)
        ("model_n_params_wrong", "'[^']*model_n_params_wrong\\.h5' says it has [0-9]+ parameters but its arrays hold [0-9]+: corrupt model", n_params_plus(7)),
        ("model_W_lzf", "dataset 'W' is compressed with HDF5 filter 32000 \\(lzf\\), which this HDF5 library cannot decode \\(it is not corrupt\\): rewrite it with gzip", lzf_W),
        # one flipped bit in W's raw data: the Fletcher32 checksum of a model written by SNAPS must catch it
        ("model_flipped_byte", "checksum.*corrupt|corrupt.*checksum", flip("sna/W")),
    ],
)


def aion_sizes(d, rank, terms, atoms_chunk=None):
    """Declared AION sizes, with atoms of that shape held as chunks never written (or no atoms)."""

    def write(path, src):
        import h5py
        import numpy as np

        aion_model(path, atoms=False)
        with h5py.File(path, "r+") as f:
            g = f["sna"]
            for k, v in (("dim_in", d), ("rank", rank), ("terms", terms)):
                g.attrs.create(k, v, dtype="<i8")
            rewrite(g, "lower", np.full(d, -1.0))
            rewrite(g, "upper", np.full(d, 1.0))
            if atoms_chunk:
                g.create_dataset("atoms", shape=(d, rank, terms, 4), dtype="<f8", chunks=atoms_chunk)

    return write


def aion_huge_amplitude(path, src):
    import h5py

    aion_model(path)
    with h5py.File(path, "r+") as f:
        a = f["sna"]["atoms"]
        v = a[...]
        v[..., 0] = 1e300
        a[...] = v


for _name, _regex, _write in (
    ("good_aion_model", None, aion_model),
    # 4 d r P = 2^32 wraps to 0 in 32-bit arithmetic; atoms declared that large but holding no data
    ("aion_product_overflows", "model declares 4 x 4096 x 1024 x 256 AION parameters .*: too many", aion_sizes(4096, 1024, 256, (1, 1, 256, 4))),
    # rank 1024 and 1024 terms declared, no atoms: nothing may be allocated
    ("aion_huge_no_atoms", "has no dataset 'atoms'", aion_sizes(2, 1024, 1024)),
    ("aion_atoms_no_storage", "dataset 'atoms' .*holds no data", aion_sizes(2, 1024, 1024, (1, 1, 1024, 4))),
    ("aion_huge_amplitude", "predictions of the model '[^']*' are not finite", aion_huge_amplitude),
):
    new_file(_name, "predict_model", _regex)(_write)


# -- dataset files, read by snaps-predict -data and snaps-fit -data (SNADatasetLoad) --
def xy_file(x, y):
    def write(path, src):
        import h5py

        with h5py.File(path, "w") as f:
            x(f)
            y(f)

    return write


def no_storage(name, n, cols, external=False):
    """n rows declared, none stored (a 1 KB file): a corrupt or unfinished file, not n rows of zeros."""

    def make(f):
        shape = (n, cols) if cols else (n,)
        if external:
            f.create_dataset(name, shape=shape, dtype="<f8", external=[("/dev/zero", 0, n * 8 * max(cols, 1))])
        else:
            f.create_dataset(name, shape=shape, dtype="<f8", chunks=(1024, cols) if cols else (1024,))

    return make


def fletcher32_copy(path, src):
    """A dataset with h5py's Fletcher32 filter and one flipped bit: HDF5's checksum error, said plainly."""
    import h5py

    with h5py.File(src["data"], "r") as g, h5py.File(path, "w") as f:
        for name in ("X", "Y"):
            f.create_dataset(name, data=g[name][...], chunks=True, fletcher32=True)
    flip_byte(path, "X")


def plain(name, data):
    def make(f):
        f.create_dataset(name, data=data())

    return make


def x_group(path, src):
    """The good dataset with a group (holding the rows) where /X belongs."""
    import h5py

    with h5py.File(src["data"], "r") as g, h5py.File(path, "w") as f:
        f.create_dataset("X/rows", data=g["X"][...])
        f.create_dataset("Y", data=g["Y"][...])


add_cases("predict_data", [("good_data_predict", None, lambda f: None)])
for _reader in ("predict_data", "fit_data"):
    N = 1 << 27
    for _name, _regex, _write in (
        ("data_no_storage_", "dataset /X .*holds no data", xy_file(no_storage("X", N, 2), no_storage("Y", N, 0))),
        ("data_external_", "dataset /X .*stored outside the file", xy_file(no_storage("X", N, 2, external=True), no_storage("Y", N, 0))),
        ("data_rank9_", "dataset /X has rank 9", xy_file(plain("X", rank9), plain("Y", lambda: [0.0]))),
        ("data_string_", "dataset /X is not floating point \\(it holds string data\\)", xy_file(plain("X", lambda: string_array(10, "1.0")), plain("Y", lambda: string_array(10, "1.0")))),
        ("data_flipped_byte_", "checksum.*corrupt|corrupt.*checksum", fletcher32_copy),
        # a group where /X belongs: said so, not "not found" (s24)
        ("data_x_group_", "has a group /X, not a dataset", x_group),
    ):
        new_file(_name + _reader, _reader, _regex)(_write)


def lzf_copy(path, src):
    """The good dataset with X compressed by h5py's LZF filter (32000), which the HDF5 library lacks."""
    import h5py

    with h5py.File(src["data"], "r") as g, h5py.File(path, "w") as f:
        f.create_dataset("X", data=g["X"][...], compression="lzf")
        f.create_dataset("Y", data=g["Y"][...])


# the one dataset reader of every program: the missing filter named, not "file truncated or corrupt?"
new_file("data_lzf_fit_data", "fit_data", "dataset /X is compressed with HDF5 filter 32000 \\(lzf\\), which this HDF5 library cannot decode \\(it is not corrupt\\): rewrite it with gzip")(lzf_copy)
# predictions written by snaps-predict (SNADatasetSave) carry checksums too
case("data_written_by_snaps_flipped_byte", "predict_data", "dataset /X fails its checksum: the file is corrupt", "predictions")(flip("X"))


# -- snapshot files, read by snaps-pod (SNAPSSnapshotsLoad) --
def snap_no_storage(f):
    n = 1 << 24
    f.attrs.create("vector_size", n, dtype="<i8")
    rewrite(f, "U", shape=(16, n), dtype="<f8", chunks=(1, 4096))


def snap_nan_last(f):
    f["U"][3, f["U"].shape[1] - 1] = float("nan")


def snap_no_b(f):
    del f["B"]


def snap_no_u(f):
    del f["U"]


def snap_zero(name):
    """A case body: every row of dataset /name set to zero."""

    def edit(f):
        f[name][...] = 0.0

    return edit


def snap_no_samples(f):
    f.attrs.create("n_samples", 0, dtype="<i8")
    for name in ("U", "B"):
        rewrite(f, name, shape=(0, f[name].shape[1]), dtype="<f8").attrs.create("timestepping", 1, dtype="<i8")


add_cases(
    "pod_snapshots",
    [
        ("good_snapshots", None, lambda f: None),
        # (mutation audit s26) a file without /B (snapshots written without right-hand sides) is read, /B not looked for
        ("snap_no_B", None, snap_no_b),
        # (mutation round 10) a file without its solutions /U is refused by name, before /X is read (the check could be
        # dropped with every test passing)
        ("snap_no_U", "The snapshot file '.*' has no dataset /U", snap_no_u),
        # the last entry of a row is checked too (the NaN check stopped one entry short: an opaque LAPACK failure later)
        ("snap_U_nan_last", "has a NaN or Inf in /U, row 3 \\(entry 479\\)", snap_nan_last),
        ("snap_n_params_wrong", "/X is 16 x 2 but the attributes say 16 samples of 3 parameters", set_attr("/", "n_params", lambda: 3, "<i8")),
        # the sizes named (it said only "declares implausible sizes")
        ("snap_no_samples", "declares implausible sizes: 0 snapshots \\(n_samples\\) of size 480 \\(vector_size\\) with 2 parameters", snap_no_samples),
        # all-zero right-hand sides (or solutions): named, with what to do, before any fit (it said "All 16 snapshots are
        # zero: nothing to decompose", after the solutions' fit)
        ("snap_B_zero", "Every row of the right-hand sides /B in the snapshot file '.*' is zero \\(16 snapshots\\): .*run with -no_rhs", snap_zero("B")),
        ("snap_U_zero", "Every row of the solutions /U in the snapshot file '.*' is zero \\(16 snapshots\\)", snap_zero("U")),
        ("snap_fingerprint_string_array", "attribute 'fingerprint' is an array of 1000 strings", set_attr("/", "fingerprint", lambda: string_array(1000, "c809406cb862ba28" * 3))),
        # vector_size 2^28: 16 vectors of 2 GB, before anything checks /U
        ("snap_vector_size_huge", "dataset /U is 16 x 480 but the attributes say 16 snapshots of size 268435456", set_attr("/", "vector_size", lambda: 1 << 28, "<i8")),
        ("snap_U_rank9", "dataset /U has rank 9", set_dataset("/", "U", rank9)),
        ("snap_U_no_storage", "dataset /U .*holds no data", snap_no_storage),
        ("snap_X_flipped_byte", "dataset /X fails its checksum: the file is corrupt", flip("X")),
        # the model written from the rows says "natural", which the model reader requires: refused here, not passed on
        ("snap_ordering_petsc", "stores its vectors in the ordering 'petsc'; this SNAPS reads 'natural'", set_attr("/", "ordering", lambda: np_bytes("petsc"))),
        # checked whole: a longer fingerprint was cut to its first 16 characters, passing as that operator's
        ("snap_fingerprint_long", "fingerprint 'c809406cb862ba28XXXX', which is not 16 hexadecimal digits", set_attr("/", "fingerprint", lambda: np_bytes("c809406cb862ba28XXXX"))),
        ("snap_fingerprint_not_hex", "fingerprint 'zzzzzzzzzzzzzzzz', which is not 16 hexadecimal digits", set_attr("/", "fingerprint", lambda: np_bytes("zzzzzzzzzzzzzzzz"))),
    ],
)


# -- initial-guess model files, read by the "sna" KSPGuess inside PETSc's ex2 (SNAGuessModelLoad) --
def guess_basis_no_storage(f):
    k = 1 << 16
    f["pod"].attrs.create("n_modes", k, dtype="<i8")
    f["pod"].attrs.create("n_snapshots", k, dtype="<i8")
    rewrite(f["pod"], "basis", shape=(k, 480), dtype="<f8", chunks=(64, 480))


def guess_basis_nan_last(f):
    b = f["pod/basis"][...]
    b[0, -1] = float("nan")  # the last column: on 2 ranks the second rank's, the first reads its columns whole
    f["pod/basis"][...] = b


add_cases(
    "guess_model",
    [
        ("good_guess_model", None, lambda f: None),
        ("guess_fingerprint_string_array", "attribute 'fingerprint' is an array of 1000 strings", set_attr("pod", "fingerprint", lambda: string_array(1000, "c809406cb862ba28" * 3))),
        ("guess_ordering_string_array", "attribute 'ordering' is an array of 1000 strings", set_attr("pod", "ordering", lambda: string_array(1000, "natural"))),
        ("guess_map_string_array", "attribute 'map' is an array of 1000 strings", set_attr("rhs", "map", lambda: string_array(1000, "linear"))),
        ("guess_sna_type_string_array", "attribute 'type' is an array of 1000 strings", set_attr("sna", "type", lambda: string_array(1000, "khronos" * 8))),
        ("guess_basis_rank9", "dataset /pod/basis has rank 9", set_dataset("pod", "basis", rank9)),
        ("guess_basis_no_storage", "dataset /pod/basis .*holds no data", guess_basis_no_storage),
        ("guess_basis_nan_last", "/pod/basis contains NaN or Inf: corrupt model", guess_basis_nan_last),
        ("guess_huge_coefficients", "initial guess of the model '[^']*' is not finite", huge_coefficients),
        ("guess_basis_flipped_byte", "dataset /pod/basis fails its checksum: the file is corrupt", flip("pod/basis")),
        ("guess_flipped_byte", "checksum.*corrupt|corrupt.*checksum", flip("sna/W")),
    ],
)


# -- solver trajectories, read by snaps-ks -init_trajectory (SNAPSTrajectoryLoadTime: the header, the times and the
#    starting row; snaps-rollout-fit reads them whole with SNAPSTrajectoryLoad) --
def np_bytes(text):
    """A fixed-length string, as SNAPS writes its string attributes."""
    import numpy as np

    return np.bytes_(text)


def traj_value(row, value):
    """A case body: one state value (row, member 0, point 3) of /u set to value."""

    def edit(f):
        f["u"][row, 0, 3] = value

    return edit


def traj_times(values):
    def edit(f):
        rewrite(f, "time", values(f["time"][...]))

    return edit


def traj_u_no_storage(f):
    rewrite(f, "u", shape=(1 << 20, 1, 32), dtype="<f8", chunks=(64, 1, 32))
    rewrite(f, "time", shape=(1 << 20,), dtype="<f8", chunks=(4096,))


def traj_truncated(f):
    def cut(out):
        size = os.path.getsize(out)
        with open(out, "r+b") as g:
            g.truncate(size // 2)

    return cut


add_cases(
    "init_trajectory",
    [
        ("good_trajectory", None, lambda f: None),
        ("traj_no_field", "has no dataset /u: is it a trajectory file", lambda f: f.__delitem__("u")),
        ("traj_incomplete", "is incomplete \\(complete = 0\\)", set_attr("/", "complete", lambda: 0, "<i8")),
        ("traj_field_string_array", "attribute 'field' is an array of 1000 strings", set_attr("/", "field", lambda: string_array(1000, "u"))),
        ("traj_u_rank9", "dataset /u of the trajectory .* has too many dimensions", set_dataset("/", "u", rank9)),
        ("traj_u_no_storage", "dataset /time of the trajectory .*holds no data|dataset /u of the trajectory .*holds no data", traj_u_no_storage),
        ("traj_time_count", "has 4 saved times in /time but 5 rows in /u: corrupt file", traj_times(lambda t: t[:-1])),
        # -init_trajectory reads only the saved time it starts from (SNAPSTrajectoryLoadTime; here the first): a bad
        # value there is refused, naming its row in the file
        ("traj_inf_state", "HDF5 dataset 'u' contains NaN or Inf \\(row 0, entry 3 of that row\\)", traj_value(0, float("inf"))),
        ("traj_time_backwards", "times that do not increase \\(row 3", traj_times(lambda t: t[[0, 1, 2, 1, 4]])),
        # a row written twice (an append or restart bug): a pair z(t) -> z(t) labelled dt, two states at one time
        ("traj_time_repeated", "times that do not increase \\(row 2", traj_times(lambda t: t[[0, 1, 1, 3, 4]])),
        ("traj_time_nan", "HDF5 dataset 'time' contains NaN or Inf \\(entry 1\\)", traj_times(lambda t: t * [1, float("nan"), 1, 1, 1])),
        ("traj_wrong_equation", "holds kolmogorov states of 32 points, but this run is ks", set_attr("/", "equation", lambda: np_bytes("kolmogorov"))),
        ("traj_wrong_L", "was run with L = 100\\.?, but this run has L = 22", set_attr("/", "L", lambda: 100.0)),
        # attributes that disagree with the data's shape (the readers use the shape): refused, naming both (s27-left)
        ("traj_members_attr", "has the attribute members = 3\\.?, but its /u holds 1 members: the attribute and the data disagree", set_attr("/", "members", lambda: 3, "<i8")),
        ("traj_N_attr", "has the attribute N = 64\\.?, but its /u holds a grid of 32 points: the attribute and the data disagree", set_attr("/", "N", lambda: 64, "<i8")),
        ("traj_truncated", "is not an HDF5 file, or it is corrupt|HDF5 cannot open the trajectory", traj_truncated),
    ],
)
# a NaN in a later row: read alone from that row's saved time (-init_time 1: row 2, the message must name row 2 of the
# file, not row 0 of the one row read), and by snaps-rollout-fit, which reads every row (SNAPSTrajectoryLoad)
case("traj_nan_state", "init_trajectory_row2", "HDF5 dataset 'u' contains NaN or Inf \\(row 2, entry 3 of that row\\)")(traj_value(2, float("nan")))
# a field of the wrong rank is named as such (not as differing numbers of saved times: both have every row)
case("traj_u_rank2_fit", "rollout_fit", "has /u of rank 2; expected rank 3 \\(saved times x members x grid points\\)")(lambda f: rewrite(f, "u", f["u"][:, 0, :]))
case("traj_nan_state_fit", "rollout_fit", "HDF5 dataset 'u' contains NaN or Inf \\(row 2, entry 3 of that row\\)")(traj_value(2, float("nan")))


# ---------------------------------------------------------------- commands


def make(a):
    import h5py

    src = {"model": a.model, "data": a.data, "predictions": a.predictions, "snapshots": a.snapshots, "guess": a.guess_model, "trajectory": a.trajectory}
    os.makedirs(a.dir, exist_ok=True)
    for c in CASES:
        if src[SOURCES[c["reader"]]] is None:
            continue
        out = os.path.join(a.dir, c["name"] + ".h5")
        if os.path.exists(out):
            os.remove(out)
        if "write" in c:
            c["write"](out, src)
            continue
        shutil.copyfile(src[c["source"]], out)
        with h5py.File(out, "r+") as f:
            after = c["edit"](f)
        if after:
            after(out)
    print(f"hostile files written to {a.dir}")


def limit_memory(mb):
    """The reader's address-space limit; none for 0 (AddressSanitizer's shadow memory needs terabytes of
    address space: a sanitizer build limits each allocation with ASAN_OPTIONS max_allocation_size_mb)."""

    def set_limit():
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))

    return set_limit if mb > 0 else None


def run(a):
    c = next((c for c in CASES if c["name"] == a.case), None)
    if c is None:
        sys.exit(f"unknown case {a.case}")
    f = os.path.join(a.dir, c["name"] + ".h5")
    out = os.path.join(a.dir, "out", c["name"] + ".h5")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    if os.path.exists(out):
        os.remove(out)
    good = os.path.join(a.dir, "good_khronos_model.h5")
    data = os.path.join(a.dir, "good_data_predict.h5")
    readers = {
        "predict_model": [a.predict, "-model", f, "-data", data, "-out", out],
        "predict_data": [a.predict, "-model", good, "-data", f, "-out", out],
        "fit_data": [a.fit, "-data", f, "-model", out, "-sna_khronos_nodes", "4", "-sna_fit_max_it", "2"],
        "pod_snapshots": [a.pod, "-snapshots", f, "-model", out, "-sna_khronos_degree", "1", "-sna_khronos_nodes", "2", "-sna_khronos_modes", "4"],
        "init_trajectory": [a.ks, "-N", "32", "-L", "22", "-T", "0.5", "-dt_save", "0.5", "-init_trajectory", f, "-trajectory", out],
        "init_trajectory_row2": [a.ks, "-N", "32", "-L", "22", "-T", "0.5", "-dt_save", "0.5", "-init_trajectory", f, "-init_time", "1", "-trajectory", out],
        "rollout_fit": [a.rollout_fit, "-trajectories", f, "-twin_model", out, "-latent_modes", "4"],
        "guess_model": [a.ex2, "-m", "24", "-n", "20", "-dll_append", str(a.lib), "-ksp_guess_type", "sna", "-ksp_guess_sna_params", "0,0", "-ksp_guess_sna_model", f],
    }
    cmd = readers[c["reader"]]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout, preexec_fn=limit_memory(a.mem_mb))
    except subprocess.TimeoutExpired:
        sys.exit(f"FAIL {c['name']}: no answer within {a.timeout} s:\n{' '.join(cmd)}")
    text = p.stdout + p.stderr
    shown = f"{' '.join(cmd)}\n(exit {p.returncode})\n{text[-4000:]}"
    sanitizer = script_runner.SANITIZER_REPORT.search(text)  # a sanitizer build's report
    if c["regex"] is None:
        if sanitizer:
            sys.exit(f"FAIL {c['name']}: the sanitizer reported an error:\n{shown}")
        if p.returncode != 0:
            sys.exit(f"FAIL {c['name']}: the control file must be read without error:\n{shown}")
        print(f"ok {c['name']}: read without error")
        return
    problems = []
    if p.returncode < 0:
        problems.append(f"killed by signal {-p.returncode}")
    elif p.returncode == 0:
        problems.append("exit 0: the hostile file was accepted")
    elif not re.search(c["regex"], text, re.S):
        problems.append(f"the message does not match '{c['regex']}'")
    if re.search(r"out of memory|Out of memory|Memory requested|PetscMallocAlign", text):
        problems.append(f"it tried to allocate more than {a.mem_mb or 'the sanitizer allows'} MB")
    if sanitizer:
        problems.append(f"the sanitizer reported an error ({sanitizer.group(0)})")
    if os.path.exists(out):
        problems.append(f"it wrote {out}")
    if problems:
        sys.exit(f"FAIL {c['name']}: " + "; ".join(problems) + "\n" + shown)
    print(f"ok {c['name']} (exit {p.returncode}): {re.search(c['regex'], text, re.S).group(0)[:200]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    m = sub.add_parser("make")
    m.add_argument("dir")
    m.add_argument("--model", required=True, help="a KHRONOS model written by snaps-fit")
    m.add_argument("--data", required=True, help="a dataset with /X (N x 2) and /Y")
    m.add_argument("--predictions", required=True, help="a dataset written by snaps-predict")
    m.add_argument("--snapshots", help="a snapshot file (ex2_snapshots)")
    m.add_argument("--guess-model", help="an initial-guess model for ex2 -m 24 -n 20 (snaps-pod)")
    m.add_argument("--trajectory", help="a KS trajectory (snaps-ks -N 32 -L 22, 5 saved times)")
    r = sub.add_parser("run")
    r.add_argument("case")
    r.add_argument("dir")
    for p in ("predict", "fit", "pod", "ex2", "lib", "ks", "rollout-fit"):
        r.add_argument("--" + p)
    r.add_argument("--mem-mb", type=int, default=2048, help="address-space limit of the reader (MB); 0: none")
    r.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    if a.cmd == "list":
        for c in CASES:
            print(c["name"], c["reader"])
    elif a.cmd == "make":
        make(a)
    else:
        run(a)


if __name__ == "__main__":
    main()

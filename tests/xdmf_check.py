#!/usr/bin/python3
"""Checks that an XDMF file SNAPS writes describes its HDF5 data as stored (a test helper, shared by the tests of
every XDMF writer: trajectories, snaps-poisson -view_solution (khronos and fem), postprocess/plot_fit.py).

    problems(xmf) -> list of strings (empty: fine)       xdmf_check.py FILE.xmf ...  (exit 1 on a problem)

Every DataItem with Format="HDF" must name an existing file and dataset whose shape equals its Dimensions, whose
element size equals its Precision (default 4) and whose kind matches its NumberType (Float for floating point, Int or
UInt for integers; default Float). A HyperSlab item must select inside its source (start + stride * (count - 1) <
extent in every dimension) and have the selection's count as its Dimensions; a Function item "$0" (a reshape) must
have as many values as its argument. Readers such as ParaView select the declared extent from the dataset's dataspace,
so a declared 201 x 201 over a stored 40401 x 1 dataset, or Float precision 8 over int32 cells, cannot be read.
"""
import os
import sys
import xml.etree.ElementTree as ET

import h5py
import numpy as np


def _dims(item):
    d = item.get("Dimensions")
    return tuple(int(x) for x in d.split()) if d else None


def _check(item, base, where, out):
    """Checks item (recursively); returns its declared dimensions."""
    dims = _dims(item)
    kind = item.get("ItemType", "Uniform")
    children = item.findall("DataItem")
    if kind == "HyperSlab":
        if len(children) != 2:
            out.append(f"{where}: HyperSlab with {len(children)} DataItems (expected a selection and a source)")
            return dims
        sel = [int(x) for x in (children[0].text or "").split()]
        src = _check(children[1], base, where, out)
        if src is None or len(sel) != 3 * len(src):
            out.append(f"{where}: HyperSlab selection {sel} does not fit a source of dimensions {src}")
            return dims
        r = len(src)
        start, stride, count = sel[:r], sel[r : 2 * r], sel[2 * r :]
        if any(s < 0 or c < 1 or st < 1 or s + st * (c - 1) >= n for s, st, c, n in zip(start, stride, count, src)):
            out.append(f"{where}: HyperSlab start {start} stride {stride} count {count} outside the source {src}")
        if dims is not None and int(np.prod(dims)) != int(np.prod(count)):
            out.append(f"{where}: HyperSlab declared {dims}, but its selection has count {count}")
        return dims
    if kind == "Function":
        args = [_check(c, base, where, out) for c in children]
        if item.get("Function", "").strip() == "$0" and len(args) == 1 and args[0] is not None and dims is not None:
            if int(np.prod(dims)) != int(np.prod(args[0])):
                out.append(f"{where}: Function $0 declared {dims}, but its argument has dimensions {args[0]}")
        return dims
    if item.get("Format", "XML") != "HDF":
        return dims
    text = (item.text or "").strip()
    if ":" not in text:
        out.append(f"{where}: HDF DataItem {text!r} is not FILE:/PATH")
        return dims
    h5, path = text.split(":", 1)
    h5path = os.path.join(base, h5)
    if not os.path.exists(h5path):
        out.append(f"{where}: {h5} does not exist")
        return dims
    with h5py.File(h5path, "r") as f:
        if path not in f or not isinstance(f[path], h5py.Dataset):
            out.append(f"{where}: {h5}:{path} is not a dataset")
            return dims
        shape, dt = f[path].shape, f[path].dtype
    prec = int(item.get("Precision", "4"))
    ntype = item.get("NumberType", "Float")
    want = {"f": "Float", "i": "Int", "u": "UInt"}.get(dt.kind, dt.kind)
    if dims != shape or prec != dt.itemsize or ntype != want:
        out.append(f"{where}: {h5}:{path} declared Dimensions {dims} {ntype} Precision {prec}, stored {shape} {dt}")
    return dims


def problems(xmf):
    """The ways xmf does not describe its HDF5 data (an empty list: none)."""
    try:
        root = ET.parse(xmf).getroot()
    except (ET.ParseError, OSError) as e:
        return [f"{xmf}: not readable XML ({e})"]
    base = os.path.dirname(os.path.abspath(xmf))
    out = []
    parents = {c: p for p in root.iter() for c in p}
    n = 0
    for item in root.iter("DataItem"):
        if parents.get(item) is not None and parents[item].tag == "DataItem":
            continue  # checked through its parent
        n += 1
        owner = parents.get(item)
        where = f"{os.path.basename(xmf)} {owner.tag} {owner.get('Name', '')}".rstrip() if owner is not None else xmf
        _check(item, base, where, out)
    if n == 0:
        out.append(f"{xmf}: no DataItem")
    return out


def slabs(xmf):
    """The HyperSlab selections of HDF data in xmf: (time, path, start, stride, count) per selection, time being the Value of the
    Time of the nearest Grid around it (None without one), path the dataset's path. A test that every member of an
    ensemble at every saved time is shown checks these (problems() checks that each lies inside its dataset)."""
    root = ET.parse(xmf).getroot()
    parents = {c: p for p in root.iter() for c in p}
    out = []
    for item in root.iter("DataItem"):
        kids = item.findall("DataItem")
        if item.get("ItemType") != "HyperSlab" or len(kids) != 2 or kids[1].get("Format") != "HDF":
            continue
        sel = [int(x) for x in (kids[0].text or "").split()]
        r = len(sel) // 3
        time, up = None, parents.get(item)
        while up is not None and time is None:
            if up.tag == "Grid" and up.find("Time") is not None:
                time = float(up.find("Time").get("Value"))
            up = parents.get(up)
        out.append((time, (kids[1].text or "").strip().split(":", 1)[1], tuple(sel[:r]), tuple(sel[r : 2 * r]), tuple(sel[2 * r :])))
    return out


if __name__ == "__main__":
    bad = [p for f in sys.argv[1:] for p in problems(f)]
    print("\n".join(bad) if bad else f"{len(sys.argv) - 1} XDMF file(s): every DataItem matches its HDF5 data")
    sys.exit(1 if bad else 0)

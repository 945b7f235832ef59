#!/usr/bin/python3
"""Checks the suite's labels from `ctest --show-only=json-v1` (run in the build directory): a test that starts
mpiexec with -n N (or a driver given --np N) for N > 1 reserves N processors (PROCESSORS N, so that ctest -j does not
oversubscribe the machine); a test that runs on more than one rank carries the label mpi, and one that runs no
mpiexec does not (so that ctest -L mpi and -LE mpi select the multi-rank runs; a 1-rank mpiexec run may carry it).
Only what a test's command line says is seen: ranks that a driver starts without a --np argument are not.
Usage: check_test_labels.py CTEST"""
import json
import os
import subprocess
import sys


def is_mpiexec(arg):
    return os.path.basename(arg).startswith(("mpiexec", "mpirun"))


def ranks(cmd):
    """The rank count of a command that names mpiexec (or mpirun) anywhere: the -n after mpiexec, or a driver's
    --np; 1 when neither is given; 0 without mpiexec."""
    # the cmake drivers get the command as one -DCMD=a;b;c argument
    args = [p for a in cmd for p in (a.split("=", 1)[1].split(";") if a.startswith("-DCMD=") else [a])]
    starts = [i for i, a in enumerate(args) if is_mpiexec(a)]
    if not starts:
        return 0
    counts = []
    for i, a in enumerate(args[:-1]):
        if a == "--np" and args[i + 1].isdigit():
            counts.append(int(args[i + 1]))
    for s in starts:  # the launcher's own -n, before the program (whose options may have a -n of their own)
        for j in range(s + 1, len(args) - 1):
            if args[j] in ("-n", "-np") and args[j + 1].isdigit():
                counts.append(int(args[j + 1]))
                break
            if not args[j].startswith("-"):
                break
    return max(counts, default=1)


def main():
    out = subprocess.run([sys.argv[1], "--show-only=json-v1"], check=True, capture_output=True, text=True).stdout
    problems = []
    tests = json.loads(out)["tests"]
    for t in tests:
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        cmd = t.get("command", [])
        n = ranks(cmd)
        procs = int(props.get("PROCESSORS", 1))
        labels = props.get("LABELS", [])
        if n > procs:
            problems.append(f"{t['name']}: runs {n} ranks but has PROCESSORS {procs}")
        if (procs > 1 or n > 1) and "mpi" not in labels:
            problems.append(f"{t['name']}: runs MPI on {max(n, procs)} ranks without the label mpi")
        if n == 0 and procs <= 1 and "mpi" in labels:  # mpiexec -n 1 (tests/mpi's np1 runs) may carry it
            problems.append(f"{t['name']}: carries the label mpi but runs on one process without mpiexec")
    print("\n".join(problems) or f"{len(tests)} tests: labels and PROCESSORS consistent")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

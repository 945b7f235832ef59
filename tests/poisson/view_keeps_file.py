#!/usr/bin/python3
"""A -view_solution write that fails leaves an existing file as it was (written to a temporary file, renamed at
the end), and no temporary file behind. The failure: a file size limit (RLIMIT_FSIZE, SIGXFSZ ignored, so a write
beyond it fails with EFBIG) below the new file's size, above what MPI's start-up writes.

usage: view_keeps_file.py <scratch dir> -- <snaps-poisson> [args...]"""
import os
import resource
import signal
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import script_runner  # noqa: E402  (tests/script_runner.py: program() fails on a sanitizer report)

LIMIT = 5_000_000  # bytes: MPI's start-up needs a few MB; the 340 x 340 solution file is about 5.5 MB


def limit():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def main():
    d, cmd = sys.argv[1], sys.argv[sys.argv.index("--") + 1:]
    os.makedirs(d, exist_ok=True)
    view = os.path.join(d, "kept.h5")
    xmf = view[:-3] + ".xmf"
    for f, text in ((view, "previous solution\n"), (xmf, "previous xdmf\n")):
        with open(f, "w") as fp:
            fp.write(text)
    p = script_runner.program(cmd + ["-dm_plex_box_faces", "340", "-ksp_rtol", "1e-3", "-error_cells", "16", "-error_order", "2", "-view_solution", view],
                              capture_output=True, text=True, preexec_fn=limit, timeout=120)
    fails = []
    if p.returncode == 0:
        fails.append("the run succeeded although its -view_solution file could not be written")
    for f, text in ((view, "previous solution\n"), (xmf, "previous xdmf\n")):
        if open(f, errors="replace").read() != text:
            fails.append(f"{f} was changed by the failed run ({os.path.getsize(f)} bytes)")
    left = [f for f in os.listdir(d) if ".tmp." in f]
    if left:
        fails.append(f"temporary files left: {left}")
    if fails:
        sys.exit("\n".join(fails) + "\n--- output (tail) ---\n" + (p.stdout + p.stderr)[-3000:])
    print("a failed -view_solution write left the existing .h5 and .xmf as they were")


if __name__ == "__main__":
    main()

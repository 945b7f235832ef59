"""Runs a project script in this process, as the checks of the Python scripts in tests/ do (one interpreter for many
scripts: numpy, h5py and matplotlib load once, so each check takes about a second); and runs a program for the checks
that start programs (program(): fails on a sanitizer report in the output, as the CMake drivers do). And what the
checks of the shell and Python scripts share: a fresh scratch directory (scratch()), stand-ins for the programs a
script starts (executable(), stand_ins()) and a script run with them first on PATH (call())."""
import contextlib
import io
import os
import re
import runpy
import shutil
import subprocess
import sys

# A stand-in that says it ran and fails at once: a script that ignored a bad argument stops there rather than run a case
FAIL_AT_ONCE = '#!/bin/sh\necho "stand-in $0 run" >&2\nexit 97\n'


def _sanitizer_report_regex():
    """The regex of tests/cmake/sanitizer_report.cmake (SNAPS_SANITIZER_REPORT): one list for the CMake and Python drivers."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cmake", "sanitizer_report.cmake")) as f:
        m = re.search(r'^set\(SNAPS_SANITIZER_REPORT "([^"]+)"\)', f.read(), re.M)
    if not m:
        sys.exit("tests/cmake/sanitizer_report.cmake defines no SNAPS_SANITIZER_REPORT")
    return re.compile(m.group(1))


SANITIZER_REPORT = _sanitizer_report_regex()


def check_sanitizer_report(text, cmd):
    """Exits (the check fails) when text, the output of command cmd, holds a sanitizer report: a run that must fail
    for another reason, and matches its message, would otherwise pass with a memory error or a leak on some rank."""
    m = SANITIZER_REPORT.search(text or "")
    if m:
        sys.exit(f"FAIL: the output holds a sanitizer report (\"{m.group(0)}\"):\n{' '.join(map(str, cmd))}\n{text[-6000:]}")


def program(cmd, **kwargs):
    """subprocess.run(cmd, **kwargs) for the checks that run programs, then check_sanitizer_report on what it
    captured (stdout and stderr, text or bytes); output not captured went to the test's log, and the exit code,
    which a sanitizer makes non-zero, is the caller's to check."""
    p = subprocess.run(cmd, **kwargs)
    for out in (p.stdout, p.stderr):
        if out:
            check_sanitizer_report(out if isinstance(out, str) else out.decode(errors="replace"), cmd)
    return p


def run(script, *args, context=None):
    """(exit status, message) of script run with args: (0, "") when it returns; on SystemExit, (1, the message) for a
    message, else (its code, the standard error); ("traceback", the exception) for any other exception, the defect
    these checks look for. context: a context manager to run the script in (e.g. one that restores sys.modules)."""
    argv, sys.argv = sys.argv, [script] + [str(a) for a in args]
    err = io.StringIO()
    try:
        with context or contextlib.nullcontext(), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(script, run_name="__main__")
        return 0, ""
    except SystemExit as e:
        return (1, e.code) if isinstance(e.code, str) else (e.code or 0, err.getvalue())
    except Exception as e:  # noqa: BLE001  (the defect looked for)
        return "traceback", "%s: %s" % (type(e).__name__, e)
    finally:
        sys.argv = argv


def scratch(path):
    """A check's own scratch directory, made afresh (nothing of an earlier run left in it); its absolute path."""
    path = os.path.abspath(path)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def executable(path, text):
    """Writes text (a script, its #! line first) to path, its directory made if missing, and makes it executable: a
    stand-in for a program (mpirun, cmake, a solver) that a checked script starts. Returns path."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)
    return path


def stand_ins(directory, tools, text=FAIL_AT_ONCE):
    """executable() for each of tools in directory, each with text (by default FAIL_AT_ONCE). Returns directory."""
    for tool in tools:
        executable(os.path.join(directory, tool), text)
    return directory


def linked_tree(directory, paths, programs=()):
    """A copy of the project's tree in directory for a script that finds its build from its own path (ROOT/build/bin):
    links to paths (relative to the project's root: the scripts, each with what it imports beside it) and to
    postprocess/, and build/bin holding stand-ins of programs (FAIL_AT_ONCE; none: no build, as before SNAPS is built).
    Returns directory."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for rel in list(paths) + ["postprocess"]:
        link = os.path.join(directory, rel)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.lexists(link):
            os.symlink(os.path.join(root, rel), link)
    if programs:
        stand_ins(os.path.join(directory, "build", "bin"), programs)
    return directory


def call(cmd, cwd=None, env=None, stub=None, timeout=60, drop=()):
    """(exit status, standard output, standard error) of command cmd (a script, with stand-ins) run by program() with its
    output captured as text; ("timeout", "", "") when it still runs after timeout seconds. Its environment: os.environ
    less the names in drop, with env added, and the directory stub (stand-ins) first on PATH."""
    e = {k: v for k, v in os.environ.items() if k not in drop}
    e.update(env or {})
    if stub:
        e["PATH"] = stub + os.pathsep + e["PATH"]
    try:
        p = program(cmd, cwd=cwd, env=e, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    return p.returncode, p.stdout, p.stderr

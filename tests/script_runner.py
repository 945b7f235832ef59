"""Runs a project script in this process, as the checks of the Python scripts in tests/ do (one interpreter for many
scripts: numpy, h5py and matplotlib load once, so each check takes about a second)."""
import contextlib
import io
import runpy
import sys


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

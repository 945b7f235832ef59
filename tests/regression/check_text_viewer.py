#!/usr/bin/env python3
"""A text output option given as ascii:<file> (-sna_monitor, -ksp_guess_sna_monitor, -exact_view, ...) writes to
that file, as PETSc's -ksp_monitor ascii:<file> does, and not to the terminal.
Usage: check_text_viewer.py FILE REGEX -- command...  (REGEX: Python re, DOTALL, searched in FILE)
Passes when the command exits 0, FILE matches REGEX, and the command's output does not."""
import os
import re
import subprocess
import sys

if len(sys.argv) < 5 or sys.argv[3] != "--":
    sys.exit(__doc__)
path, regex, cmd = sys.argv[1], re.compile(sys.argv[2], re.S), sys.argv[4:]
if os.path.exists(path):
    os.remove(path)
run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=60)
out = run.stdout
if run.returncode != 0:
    sys.exit("FAIL: exit %d:\n%s" % (run.returncode, out[-3000:]))
if not os.path.exists(path):
    sys.exit("FAIL: %s was not written; output:\n%s" % (path, out[-3000:]))
text = open(path, errors="replace").read()
os.remove(path)
if not regex.search(text):
    sys.exit("FAIL: %s does not match %r; it holds:\n%s" % (path, regex.pattern, text[-3000:]))
if regex.search(out):
    sys.exit("FAIL: the output also matches %r (it should go to %s only):\n%s" % (regex.pattern, path, out[-3000:]))
print("ok: %s holds the lines (%d bytes), the output does not" % (path, len(text)))

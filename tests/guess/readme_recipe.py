#!/usr/bin/python3
"""README.md's recipe for a model of one's own PETSc program (guess.readme_recipe; about 2 s).

    readme_recipe.py BUILD_DIR WORK_DIR

Runs the shell block that follows "Making a model for your own program" in README.md, as written, in WORK_DIR, where
build/ and scripts/ are links to BUILD_DIR and the source's scripts/: the recipe's commands must work as printed and
its last solve must start from the exact solution ("iterations 0"), as the README says.
"""
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def recipe():
    text = open(os.path.join(ROOT, "README.md")).read()
    at = text.find("Making a model for your own program")
    if at < 0:
        sys.exit("readme_recipe: README.md has no paragraph 'Making a model for your own program'")
    block = re.search(r"```sh\n(.*?)```", text[at:], re.S)
    if not block:
        sys.exit("readme_recipe: no ```sh block after 'Making a model for your own program' in README.md")
    return block.group(1)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    build, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    os.symlink(build, os.path.join(work, "build"))
    os.symlink(os.path.join(ROOT, "scripts"), os.path.join(work, "scripts"))
    p = subprocess.run(["bash", "-e", "-c", recipe()], cwd=work, capture_output=True, text=True)
    print(p.stdout[-3000:], p.stderr[-3000:], sep="\n")
    if p.returncode:
        sys.exit("readme_recipe: the README's recipe failed with exit %d" % p.returncode)
    last = [line for line in p.stdout.splitlines() if line.startswith("Norm of error")]
    if not last or not re.search(r"iterations 0$", last[-1]):
        sys.exit("readme_recipe: the recipe's guessed solve did not start from the solution: %r" % (last[-1:] or "no solve"))
    print("readme_recipe: README's recipe ran as written; %s" % last[-1])


if __name__ == "__main__":
    main()

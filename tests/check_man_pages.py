#!/usr/bin/env python3
"""The man pages of libsnaps (PETSc style: /*@ ... @*/ at a function's definition, /*MC ... M*/ for a type).

Checks, over plugins/**/*.c:
  - every option an options call lists for -help (PetscOptionsInt("-opt", "text", "Page", ...)) names a page
    ("Page", which -help prints as the manual page to read), and a SNAPS page so named exists (or one of PETSC_PAGES);
    a call whose page is not a quoted name (NULL, a variable) is not checked;
  - an option whose page is a type's /*MC page is listed on that page (an option the code reads that no page lists);
  - every SNA type, fit and KSPGuess type registered (SNARegister, SNAFitRegister, KSPGuessRegister) has a /*MC page
    under its macro (SNAKHRONOS, SNAFITALS, KSPGUESSSNA, ...);
  - every function declared or defined in a public header (plugins/include/snaps.h and plugins/include/snaps/*.h; not
    private/): PETSC_EXTERN declarations whatever they return (one word or several: const char *, unsigned long,
    struct x *) and static inline definitions, has a page (a type's constructor, such as KSPGuessCreate_SNA(), its
    type's /*MC page), and a /*@ page sits at its function's definition (the definition follows it);
  - every page (/*@ and /*MC) has a "Level:" line naming one of PETSc's levels.
Not checked: function-like macros (public headers define none), function-pointer return types.
Usage: check_man_pages.py <source root>. Prints each problem; exit status 1 if any."""
import glob
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
sources = {os.path.relpath(f, root): open(f, encoding="utf-8").read() for f in glob.glob(os.path.join(root, "plugins", "**", "*.c"), recursive=True)}
# the public headers: every header under plugins/include but the private ones (snaps/private/)
headers = {os.path.relpath(f, root): open(f, encoding="utf-8").read() for f in glob.glob(os.path.join(root, "plugins", "include", "**", "*.h"), recursive=True) if "private" not in os.path.relpath(f, root).split(os.sep)}
problems = []


def strip_comments(text):
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)


pages = {}  # name -> (file, kind, text)
for f, text in list(sources.items()) + list(headers.items()):  # a header's static inline function has its page there
    for m in re.finditer(r"/\*(@C?|MC)\s*\n\s*(\w+)\s+-(.*?)(?:@|M)\*/", text, flags=re.S):
        pages[m.group(2)] = (f, m.group(1), m.group(0))
        # a function's page is at its definition: the first line after the page defines the function it names
        after = text[m.end():m.end() + 400].lstrip("\n").split("\n", 1)[0]
        if m.group(1) != "MC" and not re.search(r"\b" + re.escape(m.group(2)) + r"\s*\(", after):
            problems.append(f"{f}: the page of {m.group(2)} is not at its definition (followed by '{after.strip()[:60]}')")

# PETSc's own pages that an option of ours names (its options listed there, e.g. -ksp_guess_view); every other page
# named must be one of ours
PETSC_PAGES = {"KSPGuessView"}

# the type macros defined in our headers (SNAKHRONOS "khronos", ...)
macros = dict(re.findall(r"#define\s+(\w+)\s+\"(\w+)\"", "".join(headers.values())))

literal = r'(?:"(?:[^"\\]|\\.)*"\s*)+'
call = re.compile(r"PetscOptions(?!Begin|End|Has|Get|Set|Insert|Clear|Find|Left|Push|Pop|Head|Tail|Used|Object|Validate|Monitor|String\w*Array)(\w+)\(\s*\"(-\w+)\"\s*,\s*(?:" + literal + r"|\w+)\s*,\s*\"(\w*)\"")
for f, text in sorted(sources.items()):
    for m in call.finditer(text):
        option, page = m.group(2), m.group(3)
        line = text.count("\n", 0, m.start()) + 1
        if not page:
            problems.append(f"{f}:{line}: {option} names no manual page for -help")
        elif page not in pages and page not in PETSC_PAGES:  # a typo, or a page never written (review s28c)
            problems.append(f"{f}:{line}: {option} names the manual page {page}, which does not exist")
        elif page in pages and pages[page][1] == "MC" and not re.search(re.escape(option) + r"(?![\w])", pages[page][2]):
            problems.append(f"{f}:{line}: {option} is read but not listed on its page {page} ({pages[page][0]})")

# every public header's every function has its page, whatever it returns (PetscErrorCode, PetscBool, int, void, ...)
# (a type's constructor, such as KSPGuessCreate_SNA(), has its type's /*MC page right above it instead)
typed = set(re.findall(r"M\*/\n(?:PETSC_EXTERN )?PetscErrorCode (\w+)\(", "".join(sources.values())))
for h, text in sorted(headers.items()):
    code = strip_comments(text)
    names = re.findall(r"PETSC_EXTERN\s+(?:[\w]+[\s*]+)+?(\w+)\s*\(", code)  # any return type of one or more words
    names += re.findall(r"static\s+inline\s+(?:[\w]+[\s*]+)+?(\w+)\s*\(", code)
    for fn in names:
        if fn not in pages and fn not in typed:
            problems.append(f"{h}: {fn}() has no /*@ {fn} - ... @*/ page at its definition")

# every page says its level (PETSc's beginner, intermediate, advanced, developer), as PETSc's pages do
for name, (f, kind, text) in sorted(pages.items()):
    if not re.search(r"^\s*Level:\s*(?:beginner|intermediate|advanced|developer|deprecated)\s*$", text, flags=re.M):
        problems.append(f"{f}: the page of {name} has no 'Level:' line naming beginner, intermediate, advanced or developer")

for f, text in sorted(sources.items()):
    for m in re.finditer(r"\b(?:SNARegister|SNAFitRegister|KSPGuessRegister)\(\s*(\w+)\s*,", text):
        macro = m.group(1)
        if macro not in pages or pages[macro][1] != "MC":
            problems.append(f"{f}: {macro} (\"{macros.get(macro, '?')}\") is registered but has no /*MC {macro} - ... M*/ page")

for p in sorted(set(problems)):
    print(p)
print(f"check_man_pages: {len(pages)} pages, {len(set(problems))} problems")
sys.exit(1 if problems else 0)

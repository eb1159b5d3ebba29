#!/usr/bin/env python3
"""Per-code-point behaviour of Python and the `regex` module that the tokenizer reproduces.

Output: src/test/resources/org/ckcoop/backbone/text/python-unicode-tables.tsv, read by
UnicodeTablesTest. Lines (fields separated by tabs, code points in hex):
  lower  CP  LOWERED...      str.lower() of the single character, only where it changes it
  space  CP                  str.isspace() is true
  class  FIRST  LAST  K      runs of the class the CLIP split pattern (IGNORECASE) gives a code
                             point: L = [\\p{L}], N = [\\p{N}], S = \\s, P = [^\\s\\p{L}\\p{N}],
                             X = none of them (the pattern skips it)
  sigma  FIRST  LAST  K      runs of code points that matter to the final-sigma rule of
                             lower(): K = C when the character counts as cased before a capital
                             sigma ("xΣ".lower() ends in final sigma), I when it is
                             case-ignorable ("AxΣ" ends in final sigma but "xΣ" does not);
                             code points in no run are neither
Surrogates are left out.

Run from the directory that holds pom.xml, with Python 3.11 and the `regex` package:
    python src/test/resources/org/ckcoop/backbone/text/generate_unicode_tables.py
"""
import pathlib
import sys
import unicodedata

import regex

OUT = pathlib.Path("src/test/resources/org/ckcoop/backbone/text/python-unicode-tables.tsv")
L = regex.compile(r"[\p{L}]", regex.IGNORECASE)
N = regex.compile(r"[\p{N}]", regex.IGNORECASE)
S = regex.compile(r"\s")
P = regex.compile(r"[^\s\p{L}\p{N}]", regex.IGNORECASE)


def klass(ch):
    if L.fullmatch(ch):
        return "L"
    if N.fullmatch(ch):
        return "N"
    if S.fullmatch(ch):
        return "S"
    if P.fullmatch(ch):
        return "P"
    return "X"


lines = ["# Python %s, unicodedata %s, regex %s; see generate_unicode_tables.py"
         % (sys.version.split()[0], unicodedata.unidata_version, regex.__version__)]
runs = []
sigma_runs = []


def extend(run_list, cp, k):
    if run_list and run_list[-1][2] == k and run_list[-1][1] in (cp - 1, 0xD7FF):
        run_list[-1][1] = cp
    else:
        run_list.append([cp, cp, k])


for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    ch = chr(cp)
    low = ch.lower()
    if low != ch:
        lines.append("lower\t%X\t%s" % (cp, " ".join("%X" % ord(c) for c in low)))
    if ch.isspace():
        lines.append("space\t%X" % cp)
    if ("A" + ch + "\u03a3").lower()[-1] == "\u03c2":
        extend(sigma_runs, cp, "C" if (ch + "\u03a3").lower()[-1] == "\u03c2" else "I")
    else:
        extend(sigma_runs, cp, "-")
    extend(runs, cp, klass(ch))
for first, last, k in runs:
    lines.append("class\t%X\t%X\t%s" % (first, last, k))
for first, last, k in sigma_runs:
    if k != "-":
        lines.append("sigma\t%X\t%X\t%s" % (first, last, k))
OUT.write_text("\n".join(lines) + "\n", encoding="ascii")
print("wrote", OUT, len(lines), "lines")

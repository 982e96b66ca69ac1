#!/usr/bin/env python3
"""Plays an outside translator for the XLIFF round-trip test, with Debian's
translate-toolkit (python3-translate) as the independent reader and writer.

    fill_targets.py IN.xlf OUT.xlf

Every translatable unit gets a target made from its rich source, each text
run upper-cased and the inline codes (<g>, <x/>) kept where they stand, the
way a CAT tool lets a translator type around tags. The unit is then marked
translated. The first unit also gets a translator's note and an attribute in
a tool's own namespace, which Valise must keep for its next export.
"""

import copy
import sys

from translate.storage import xliff
from translate.storage.placeables import StringElem

CAT_NS = "urn:example:cat-tool"


def upper_text(elem):
    """The same tree of placeables with every plain string upper-cased."""
    out = copy.deepcopy(elem)
    for i, sub in enumerate(out.sub):
        if isinstance(sub, str):
            out.sub[i] = sub.upper()
        elif isinstance(sub, StringElem):
            out.sub[i] = upper_text(sub)
    return out


def main(src, dst):
    store = xliff.xlifffile.parsefile(src)
    filled = 0
    for n, unit in enumerate(u for u in store.units if u.istranslatable()):
        unit.rich_target = [upper_text(e) for e in unit.rich_source]
        unit.marktranslated()
        if n == 0:
            unit.addnote("Checked with the press office", origin="translator")
            unit.xmlelement.set("{%s}status" % CAT_NS, "confirmed")
        filled += 1
    with open(dst, "wb") as out:
        store.serialize(out)
    print(f"{filled} units filled")


if __name__ == "__main__":
    main(*sys.argv[1:3])

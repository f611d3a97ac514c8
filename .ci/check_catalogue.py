"""Fail when the Vietnamese catalogue has an empty or fuzzy translation.

With ``--drop-fuzzy`` it first turns makemessages' guessed ("fuzzy") translations into empty
ones, so that they are translated for real instead of shipped as guesses.
"""

import re
import sys
from pathlib import Path


def problems(text: str) -> list[str]:
    out = []
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        source = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if not source:
            continue  # the header
        if "#, fuzzy" in block:
            out.append(f"fuzzy: {source}")
            continue
        translations = re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"\n?)+)', block, re.M)
        if not translations or any(not "".join(re.findall(r'"(.*)"', t)) for t in translations):
            out.append(f"empty: {source}")
    return out


def drop_fuzzy(text: str) -> str:
    blocks = []
    for block in text.split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        source = "".join(re.findall(r'"(.*)"', msgid.group(1))) if msgid else ""
        if source and "#, fuzzy" in block:
            lines = [line for line in block.split("\n") if not line.startswith("#|")]
            block = "\n".join(lines).replace("#, fuzzy, ", "#, ").replace("#, fuzzy\n", "")
            block = re.sub(r'^(msgstr(?:\[\d+\])?) (?:".*"\n?)+', r'\1 ""\n', block, flags=re.M)
            block = block.rstrip("\n")
        blocks.append(block)
    return "\n\n".join(blocks)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    path = Path(args[0] if args else "locale/vi/LC_MESSAGES/django.po")
    if "--drop-fuzzy" in sys.argv:
        path.write_text(drop_fuzzy(path.read_text(encoding="utf-8")), encoding="utf-8")
        sys.exit(0)
    if not path.exists():
        sys.exit(f"{path} is missing")
    found = problems(path.read_text(encoding="utf-8"))
    for line in found:
        print(line)
    if found:
        sys.exit(f"{len(found)} untranslated or fuzzy entries in {path}")
    print(f"{path}: complete")

"""Fail when the Vietnamese catalogue has an empty or fuzzy translation."""

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
        if not translations or any(
            not "".join(re.findall(r'"(.*)"', t)) for t in translations
        ):
            out.append(f"empty: {source}")
    return out


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "locale/vi/LC_MESSAGES/django.po")
    if not path.exists():
        sys.exit(f"{path} is missing")
    found = problems(path.read_text(encoding="utf-8"))
    for line in found:
        print(line)
    if found:
        sys.exit(f"{len(found)} untranslated or fuzzy entries in {path}")
    print(f"{path}: complete")

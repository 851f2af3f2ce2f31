"""Agency names: which printed names are one agency. Names drift between years (洪泽区人民政府 →
淮安市洪泽区人民政府); names that differ only by leading region words are one agency, and a user can merge
or split agencies by hand (the library keeps those links)."""
from __future__ import annotations

import re
from collections.abc import Iterable

# a leading run of place names: 江苏省 淮安市 洪泽区, 某某自治州, 某某新区 …
_REGION_PREFIX = re.compile(r"^(?:[\u4e00-\u9fff]{1,12}?(?:省|市|自治区|自治州|地区|盟|新区|区|县|旗|州))+$")
_REGION_ENDS = frozenset("省市区县旗州盟")


def _region_less_forms(name: str) -> list[str]:
    """`name` without each leading run of region words it can lose (淮安市洪泽区人民政府 → 洪泽区人民政府,
    人民政府): the shorter names `same_agency` pairs it with."""
    return [name[i:] for i in range(1, len(name)) if name[i - 1] in _REGION_ENDS and _REGION_PREFIX.match(name[:i])]


def canonical_names(names: Iterable[str], links: dict[str, str]) -> dict[str, str]:
    """Printed agency name → the name it is grouped under: the merges and splits made by hand
    (`links`), else the longest name it is a region-less form of, else itself."""
    # each name kept as a canonical is filed under every region-less form of it (淮安市洪泽区人民政府
    # under 洪泽区人民政府 and 人民政府…), so a shorter name finds its canonical in one look-up, not by
    # comparing it with every other name (4,000 agencies: 13 s)
    canonical: dict[str, str] = {}
    by_rest: dict[str, str] = {}
    for name in sorted(names, key=len, reverse=True):
        if name in links:
            continue
        canonical[name] = match = by_rest.get(name) or name
        if match == name:
            for rest in _region_less_forms(name):
                by_rest.setdefault(rest, name)
    canonical.update(links)
    return canonical


def same_agency(a: str, b: str) -> bool:
    """True when one name is the other with only region words in front (洪泽区人民政府 / 淮安市洪泽区人民政府)."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return long.endswith(short) and bool(_REGION_PREFIX.match(long[: -len(short)]))

"""The clauses of each edition of TCVN ISO 9001 that a finding may cite.

The requirements of TCVN ISO 9001:2008 are its clauses 4 to 8; those of TCVN ISO 9001:2015 its
clauses 4 to 10 (the high-level structure), the edition of the model framework for local state
agencies (QĐ 101/QĐ-BKHCN of 21/01/2019). Clauses 1 to 3 (scope, normative references, terms)
hold no requirement. Only the top-level clauses are listed: a finding may cite a sub-clause
("7.5.1"), which belongs to the edition when its top-level clause does.

A finding of an inspection cites the item of Art. 36 of TT 26/2014 it does not meet (written by
:func:`audits.services.inspection_minutes_record`), not an ISO clause.
"""

import re

from roadmap.models import Standard

CLAUSES: dict[str, list[tuple[str, str]]] = {
    Standard.ISO_2008: [
        ("4", "Hệ thống quản lý chất lượng"),
        ("5", "Trách nhiệm của lãnh đạo"),
        ("6", "Quản lý nguồn lực"),
        ("7", "Tạo sản phẩm"),
        ("8", "Đo lường, phân tích và cải tiến"),
    ],
    Standard.ISO_2015: [
        ("4", "Bối cảnh của tổ chức"),
        ("5", "Sự lãnh đạo"),
        ("6", "Hoạch định"),
        ("7", "Hỗ trợ"),
        ("8", "Thực hiện"),
        ("9", "Đánh giá kết quả thực hiện"),
        ("10", "Cải tiến"),
    ],
}
LEGAL_REFERENCE = "TT 26/2014 Đ.36"  # the clause of an inspection's finding
_NUMBER = re.compile(r"^(\d{1,2})(?:\.\d{1,2}){0,3}$")


def clauses(standard: str | None) -> list[tuple[str, str]]:
    """The top-level clauses of ``standard``; of both editions (2015's) when it is not known."""
    return CLAUSES.get(standard or "", CLAUSES[Standard.ISO_2015])


def clause_label(number: str, title: str) -> str:
    return f"{number}. {title}"


def clause_belongs(standard: str | None, clause: str) -> bool:
    """Whether ``clause`` ("7", "7.5.1") is a clause of ``standard``; with no known edition, a
    clause of either. A reference to Art. 36 of TT 26/2014 (inspections) is always accepted."""
    clause = (clause or "").strip()
    if clause.startswith(LEGAL_REFERENCE):
        return True
    match = _NUMBER.match(clause)
    if not match:
        return False
    editions = [standard] if standard in CLAUSES else list(CLAUSES)
    return any(match.group(1) in dict(CLAUSES[e]) for e in editions)


def clause_range(standard: str | None) -> str:
    """ "4–8" or "4–10": the clauses of the edition, for messages."""
    numbers = [number for number, _title in clauses(standard)]
    return f"{numbers[0]}–{numbers[-1]}"

"""The 2017 Bến Tre wave as demo data, built from the facts copied into the project.

Facts (the news item and the brief): Kế hoạch 5149/KH-UBND of 30/9/2016, Quyết định
1709/QĐ-UBND of 31/7/2017, TCVN ISO 9001:2008, the consulting company, the kick-off on
8-9/8/2017, 45 communes: 11 in Chợ Lách extend their QMS to all procedures, 34 in Giồng Trôm and
Mỏ Cày Bắc build one new. The 35 units of those two districts are one more than 34: the demo
leaves out Xã Phong Mỹ (28990), an assumption (the decision's appendix is not public).

Everything else (budgets, people, progress, audits, findings, announcements) is illustrative,
drawn from a seeded random generator so that every run builds the same data, as of
``DEMO_AS_OF``. Running it twice changes nothing: every row is found by its natural key first.
"""

import csv
import datetime
import random
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from audits.models import Announcement, Audit, CorrectiveAction, Finding
from communes.models import Commune, District, Province, Succession
from demo import reorganisation
from demo.completion import complete_2017_wave
from procedures.models import Catalogue, Field, Procedure, ScopeItem
from roadmap.models import (
    Consultant,
    Milestone,
    Participation,
    ParticipationKind,
    Programme,
    RoadmapStep,
    RoadmapTemplate,
    Standard,
)
from roadmap.services import milestone_update_status, participation_apply_template
from roadmap.totals import deferred

BASE_DIR = Path(settings.BASE_DIR)
COMMUNES_CSV = BASE_DIR / "demo" / "data" / "ben_tre_2017.csv"
PROCEDURES_CSV = BASE_DIR / "demo" / "data" / "commune_procedures.csv"
CATALOGUE_2016 = (
    "Danh mục TTHC cấp xã của bản demo (2016–2025)",
    "Minh họa: 96 thủ tục cấp xã của bản demo (tên thủ tục thật; mã quốc gia chỉ ghi khi đã "
    "biết); danh mục mà các xã của đợt 2017 trả lời đến ngày 30/6/2025.",
)

DEMO_AS_OF = datetime.date(2017, 12, 15)
LEFT_OUT_CODE = "28990"  # Xã Phong Mỹ: the one unit of Giồng Trôm and Mỏ Cày Bắc left out.
EXTENSION_DISTRICT = "832"  # Chợ Lách
PHONG_MY_LEGAL_BASIS = "Nghị quyết 856/NQ-UBTVQH14"
PROGRAMME_NAME = "Đợt 2017: xây dựng, áp dụng và mở rộng HTQLCL tại 45 UBND cấp xã"
CONSULTANT_NAME = "Công ty TNHH Tư vấn Quản lý Quốc tế và Hỗ trợ kỹ thuật cao"
START = datetime.date(2017, 8, 8)
BLOCKED_AFTER = datetime.timedelta(days=5)  # a blocked step says so five days in

# (key, name, expected evidence, offset days, duration days, weight)
NEW_BUILD_STEPS = [
    ("survey", "Khảo sát thực trạng tại UBND xã", "Báo cáo khảo sát", 0, 14, 1),
    (
        "steering",
        "Thành lập Ban chỉ đạo ISO, chỉ định đại diện lãnh đạo",
        "Quyết định của Chủ tịch UBND xã",
        10,
        14,
        1,
    ),
    ("awareness", "Đào tạo nhận thức về TCVN ISO 9001", "Danh sách học viên", 21, 14, 1),
    (
        "drafting",
        "Xây dựng tài liệu: chính sách, mục tiêu chất lượng, quy trình",
        "Dự thảo tài liệu",
        30,
        45,
        3,
    ),
    ("issuing", "Ban hành tài liệu HTQLCL", "Quyết định ban hành, danh mục tài liệu", 75, 14, 1),
    ("applying", "Áp dụng HTQLCL vào hoạt động", "Hồ sơ, sổ theo dõi", 89, 45, 3),
    ("audit-training", "Đào tạo đánh giá nội bộ", "Giấy chứng nhận", 100, 14, 1),
    ("internal-audit", "Đánh giá nội bộ", "Báo cáo đánh giá, phiếu không phù hợp", 134, 10, 2),
    ("corrective", "Thực hiện hành động khắc phục", "Phiếu khắc phục đã đóng", 144, 14, 1),
    ("review", "Xem xét của lãnh đạo", "Biên bản họp", 158, 7, 1),
    (
        RoadmapStep.ANNOUNCEMENT,
        "Công bố HTQLCL phù hợp TCVN ISO 9001",
        "Quyết định công bố",
        165,
        10,
        1,
    ),
    ("sent", "Gửi thông báo công bố đến Sở KH&CN", "Công văn gửi", 175, 7, 1),
]
EXTENSION_STEPS = [
    ("survey", "Khảo sát các thủ tục hành chính chưa áp dụng", "Báo cáo khảo sát", 0, 14, 1),
    ("drafting", "Xây dựng quy trình cho các thủ tục còn lại", "Dự thảo quy trình", 14, 30, 3),
    ("issuing", "Ban hành các quy trình bổ sung", "Quyết định ban hành", 44, 10, 1),
    ("applying", "Áp dụng các quy trình bổ sung", "Hồ sơ, sổ theo dõi", 54, 30, 2),
    ("internal-audit", "Đánh giá nội bộ", "Báo cáo đánh giá", 84, 10, 2),
    ("corrective", "Thực hiện hành động khắc phục", "Phiếu khắc phục đã đóng", 94, 10, 1),
    ("review", "Xem xét của lãnh đạo", "Biên bản họp", 104, 7, 1),
    (
        RoadmapStep.ANNOUNCEMENT,
        "Công bố lại HTQLCL phù hợp TCVN ISO 9001",
        "Quyết định công bố lại",
        111,
        10,
        1,
    ),
    ("sent", "Gửi thông báo công bố lại đến Sở KH&CN", "Công văn gửi", 121, 7, 1),
]

# Every person of the demo is fictional and looks it: a family and a middle name, then a letter
# of the alphabet for the given name, the way Vietnamese forms write a sample person ("Nguyễn Văn
# A"). The lists keep their lengths (10, 8, 23): the seeded stream draws the same numbers.
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Hữu"]
GIVEN = ["A", "B", "C", "D", "Đ", "E", "G", "H", "I", "K", "L", "M", "N", "O", "P", "Q", "R"]
GIVEN += ["S", "T", "U", "V", "X", "Y"]
# The province's three accounts (fictional: the seed's people never author a demo record).
DOST_NAME = ("Trần Thị", "B")  # Chi cục TĐC staff
MANAGER_NAME = ("Nguyễn Văn", "A")  # a leader of the Sở
CONSULTANT_STAFF_NAME = ("Lê Văn", "C")  # the consulting company's staff

KIND_BY_LABEL = {"Xã": Commune.Kind.COMMUNE, "Phường": Commune.Kind.WARD}
KIND_BY_LABEL["Thị trấn"] = Commune.Kind.TOWNSHIP

FINDINGS = [
    ("4.2.3", "minor", "Danh mục tài liệu nội bộ chưa cập nhật phiên bản mới nhất."),
    ("4.2.4", "minor", "Hồ sơ giải quyết TTHC lưu chưa đủ thành phần theo quy trình."),
    ("7.5.1", "major", "Một số hồ sơ trả kết quả trễ hạn không có văn bản xin lỗi."),
    ("8.2.3", "observation", "Chưa theo dõi chỉ tiêu mục tiêu chất lượng hằng tháng."),
    ("8.5.2", "minor", "Phiếu hành động khắc phục kỳ trước chưa được đóng."),
    ("5.4.1", "observation", "Mục tiêu chất lượng chưa lượng hóa được."),
]


@dataclass
class DemoResult:
    created: int
    password: str | None


# One spelling of a name (the glossary: "Hòa", never "Hoà"): the statistics office's lists put
# the tone of an open "oa", "oe" or "uy" on its second vowel in some names ("Xã Bình Hoà") and on
# its first in others ("Xã Châu Hòa"); the demo writes every name with the tone on the first.
_OLD_STYLE = re.compile(r"(?<![qQ])([oO])([àáảãạèéẻẽẹ])(?!\w)|(?<![qQ])([uU])([ỳýỷỹỵ])(?!\w)")
_TONED = {"o": "òóỏõọ", "u": "ùúủũụ"}
_PLAIN = {
    c: (base, i)
    for base, row in (("a", "àáảãạ"), ("e", "èéẻẽẹ"), ("y", "ỳýỷỹỵ"))
    for i, c in enumerate(row)
}


def one_spelling(name: str) -> str:
    """``name`` with the tone of an open "oa", "oe", "uy" on the first vowel: "Bình Hòa"."""

    def fix(match):
        vowel, toned = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        base, tone = _PLAIN[toned]
        first = _TONED[vowel.lower()][tone]
        return (first.upper() if vowel.isupper() else first) + base

    return _OLD_STYLE.sub(fix, name)


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(SURNAMES) + " " + rng.choice(MIDDLE), rng.choice(GIVEN)


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class DemoBuilder:
    """Builds the demo in one transaction; each ``_get`` counts the rows it had to create."""

    def __init__(self, password: str | None, stdout=None):
        self.password = password
        self.created = 0
        self.stdout = stdout
        self._password_hash = None
        # Who and when the history records: every change of the demo has its author and a date
        # in the story, never the moment the demo was loaded.
        self.actor = self.consultant_user = None
        self.when = _at(START, 8)

    one_spelling = staticmethod(one_spelling)

    @staticmethod
    def person(rng: random.Random) -> tuple[str, str]:
        """A fictional person's (family and middle names, given name): "Nguyễn Văn", "A"."""
        return _person(rng)

    def _stamp(self, obj, by=None, at=None):
        """Record the next save of ``obj`` in its history as done by ``by`` at ``at``."""
        obj._history_user = by or self.actor
        obj._history_date = at or self.when
        return obj

    def _save(self, obj, *, by=None, at=None, **kwargs):
        self._stamp(obj, by, at).save(**kwargs)

    def _get(self, model, lookup: dict, defaults: dict | None = None, *, by=None, at=None):
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **(defaults or {}))
            self._save(obj, by=by, at=at)
            self.created += 1
        return obj

    # Units -----------------------------------------------------------------------------------

    def units(self):
        # Looked up as the units of 2017 (the reorganisation of 2025 ends them, and reuses codes).
        province = self._get(Province, {"code": "83"}, {"name": "Tỉnh Bến Tre"})
        communes = []
        with COMMUNES_CSV.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                district = self._get(
                    District,
                    {"code": row["district_code_2017"]},
                    {"name": row["district_2017"], "province": province},
                )
                communes.append(
                    self._get(
                        Commune,
                        {"code": row["commune_code_gso"], "valid_from": None},
                        {
                            "name": one_spelling(row["commune_name_2017"]),
                            "kind": KIND_BY_LABEL[row["type_2017"]],
                            "district": district,
                            "province": province,
                        },
                    )
                )
        # Phong Mỹ merged into Phong Nẫm in 2020 (in force 1/2/2020) by the resolution the brief's
        # table names (demo/data/ben_tre_2017.csv); the table gives no date for it.
        phong_my = next(c for c in communes if c.code == LEFT_OUT_CODE)
        if phong_my.valid_until is None:
            phong_my.valid_until = datetime.date(2020, 1, 31)
            phong_my.save()
        self._get(
            Succession,
            {
                "predecessor": phong_my,
                "successor": next(c for c in communes if c.code == "28987"),
                "effective_on": datetime.date(2020, 2, 1),
            },
            {"whole": True, "legal_basis": PHONG_MY_LEGAL_BASIS},
        )
        return province, communes

    # Procedures ------------------------------------------------------------------------------

    def procedures(self):
        procedures = []
        with PROCEDURES_CSV.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                field = self._get(Field, {"code": row["field_code"]}, {"name": row["field_name"]})
                days = row["processing_days"].strip()
                procedures.append(
                    self._get(
                        Procedure,
                        {"field": field, "name": row["name"]},
                        {
                            "national_code": row["national_code"].strip(),
                            "processing_days": int(days) if days else None,
                            "legal_basis": row["legal_basis"],
                            # The announcing decision's number is not known: left empty.
                            "announced_by": "",
                            "announced_on": datetime.date(2016, 6, 20),
                        },
                        at=_at(datetime.date(2016, 6, 20)),
                    )
                )
        # Civil-status procedures were amended in 2017: processes issued before need revision.
        amended = [p for p in procedures if p.field.code == "ho-tich"][:4]
        for p in amended:
            if p.amended_on is None:
                p.amended_on = datetime.date(2017, 6, 1)
                self._save(p, at=_at(p.amended_on))
        # The demo's list of 2016 is the catalogue its communes answer for until the next one.
        catalogue = self._get(
            Catalogue,
            {"name": CATALOGUE_2016[0]},
            {"valid_from": None, "note": CATALOGUE_2016[1]},
        )
        catalogue.procedures.add(*procedures)
        return procedures

    # Programme -------------------------------------------------------------------------------

    def template(self, name, kind, description, steps, standard=""):
        template = self._get(
            RoadmapTemplate,
            {"name": name},
            {"kind": kind, "description": description, "standard": standard},
        )
        for order, (key, step_name, evidence, offset, duration, weight) in enumerate(steps, 1):
            self._get(
                RoadmapStep,
                {"template": template, "order": order},
                {
                    "key": key,
                    "name": step_name,
                    "expected_evidence": evidence,
                    "offset_days": offset,
                    "duration_days": duration,
                    "weight": weight,
                },
            )
        return template

    def programme(self, province):
        consultant = self._get(
            Consultant,
            {"name": CONSULTANT_NAME},
            {"short_name": "Công ty Tư vấn QLQT", "representative": "Đoàn Hồng Lý Quang Hoa"},
        )
        programme = self._get(
            Programme,
            {"name": PROGRAMME_NAME},
            {
                "province": province,
                "year_start": 2017,
                "year_end": 2018,
                "plan_number": "5149/KH-UBND",
                "plan_date": datetime.date(2016, 9, 30),
                "decision_number": "1709/QĐ-UBND",
                "decision_date": datetime.date(2017, 7, 31),
                "standard": Standard.ISO_2008,
                "consultant": consultant,
                "start_date": START,
                "budget": Decimal(11 * 30_000_000 + 34 * 50_000_000),
            },
        )
        new = self.template(
            "Xây dựng mới HTQLCL (12 bước)",
            ParticipationKind.NEW_BUILD,
            "Lộ trình tư vấn xây dựng mới và áp dụng HTQLCL theo TCVN ISO 9001:2008, khoảng 6 tháng.",
            NEW_BUILD_STEPS,
        )
        ext = self.template(
            "Mở rộng HTQLCL cho toàn bộ TTHC (9 bước)",
            ParticipationKind.EXTENSION,
            "Đưa các thủ tục hành chính còn lại vào HTQLCL, đánh giá và công bố lại.",
            EXTENSION_STEPS,
        )
        return consultant, programme, new, ext

    # Accounts --------------------------------------------------------------------------------

    def user(self, username, role, first, last, **scope):
        user = User.objects.filter(username=username).first()
        if user:
            return user
        # Demo addresses end in .invalid (RFC 2606): the digests show up in send_reminders
        # --dry-run and in a test mailbox, and can never reach anybody.
        email = f"{username}@demo.invalid"
        user = User(
            username=username, role=role, first_name=first, last_name=last, email=email, **scope
        )
        if self._password_hash is None:
            user.set_password(self.password)
            self._password_hash = user.password
        # One hash for every demo account: hashing is slow by design, the demo has 50 accounts.
        user.password = self._password_hash
        user.save()
        self.created += 1
        return user

    # Progress --------------------------------------------------------------------------------

    def progress(self, participation, officer, consultant_user, rng, profile, scope):
        """Replay a believable history of changes up to DEMO_AS_OF."""
        milestones = list(participation.milestones.select_related("step").order_by("step__order"))
        delay_range = {"fast": (-5, 0), "normal": (-4, 4), "slow": (2, 15), "silent": (-2, 6)}
        stop_at = rng.randint(3, 5) if profile == "silent" else None
        lag = 0
        for index, m in enumerate(milestones):
            if stop_at is not None and index >= stop_at:
                break
            lag = int(max(lag, 0) * 0.4) + rng.randint(*delay_range[profile])
            done_on = m.due_date + datetime.timedelta(days=lag)
            started = m.planned_start + datetime.timedelta(days=max(0, lag))
            if started > DEMO_AS_OF:
                break
            by = officer if rng.random() < 0.6 else consultant_user
            m = milestone_update_status(
                milestone=m,
                by=by,
                status=Milestone.Status.IN_PROGRESS,
                completed_on=None,
                note="",
                expected_version=m.version,
                at=_at(started, 8),
            )
            m = self.progress_notes(m, by, started, min(done_on, DEMO_AS_OF), profile, rng)
            if done_on > DEMO_AS_OF or (profile == "slow" and rng.random() < 0.08):
                if profile == "slow" and rng.random() < 0.35:
                    milestone_update_status(
                        milestone=m,
                        by=by,
                        status=Milestone.Status.BLOCKED,
                        completed_on=None,
                        note="Chờ UBND huyện bố trí cán bộ tư pháp - hộ tịch mới.",
                        expected_version=m.version,
                        # After the step's last note: a history never goes back in time.
                        at=_at(
                            min(
                                max(started, timezone.localdate(m.updated_at)) + BLOCKED_AFTER,
                                DEMO_AS_OF,
                            ),
                            15,
                        ),
                    )
                break
            m = milestone_update_status(
                milestone=m,
                by=by,
                status=Milestone.Status.DONE,
                completed_on=done_on,
                note="",
                expected_version=m.version,
                at=_at(done_on, 16),
            )
            self.after_step(participation, m, done_on, rng, scope)

    def progress_notes(self, m, by, start, end, profile, rng):
        """During a long step, people write how far they are every two or three weeks."""
        if profile == "silent":
            return m
        day, share = start + datetime.timedelta(days=rng.randint(12, 20)), 0
        while day < end:
            share = min(90, share + rng.randint(20, 40))
            m = milestone_update_status(
                milestone=m,
                by=by,
                status=m.status,
                completed_on=None,
                note=f"Đã thực hiện khoảng {share}% khối lượng công việc.",
                expected_version=m.version,
                at=_at(day, 10),
            )
            day += datetime.timedelta(days=rng.randint(12, 20))
        return m

    def after_step(self, participation, milestone, done_on, rng, scope):
        """Records a done step leaves behind: issued processes, audits, announcements."""
        handler = {
            "issuing": self._after_issuing,
            "applying": self._after_applying,
            "internal-audit": self._after_internal_audit,
            "review": self._after_review,
            RoadmapStep.ANNOUNCEMENT: self._after_announcement,
            "sent": self._after_sent,
        }.get(milestone.step.key)
        if handler is not None:
            handler(participation, milestone, done_on, rng, scope)

    def _after_issuing(self, participation, milestone, done_on, rng, scope):
        changed = [
            item
            for item in scope
            if item.state in (ScopeItem.State.PLANNED, ScopeItem.State.DRAFTED)
        ]
        for item in changed:
            item.state = ScopeItem.State.ISSUED
            item.issued_on = done_on
            item.revision = item.revision or 1
        bulk_update_with_history(
            changed,
            ScopeItem,
            ["state", "issued_on", "revision"],
            default_user=milestone.updated_by,
            default_date=_at(done_on, 16),
        )

    def _after_applying(self, participation, milestone, done_on, rng, scope):
        changed = [item for item in scope if item.state == ScopeItem.State.ISSUED]
        for item in changed:
            item.state = ScopeItem.State.APPLIED
        bulk_update_with_history(
            changed,
            ScopeItem,
            ["state"],
            default_user=milestone.updated_by,
            default_date=_at(done_on, 16),
        )

    def _after_internal_audit(self, participation, milestone, done_on, rng, scope):
        commune = participation.commune
        by, at = milestone.updated_by, _at(done_on, 15)
        audit = self._get(
            Audit,
            {"commune": commune, "kind": Audit.Kind.INTERNAL_AUDIT, "date": done_on},
            {
                "lead": participation.qms_representative,
                "summary": "Đánh giá nội bộ toàn bộ HTQLCL theo kế hoạch.",
            },
            by=by,
            at=at,
        )
        for clause, severity, text in rng.sample(FINDINGS, rng.randint(1, 3)):
            finding = self._get(
                Finding,
                {"audit": audit, "clause": clause},
                {"severity": severity, "description": text},
                by=by,
                at=at,
            )
            if severity == "observation":
                continue
            due = done_on + datetime.timedelta(days=14)
            finished = rng.random() < 0.6 and due <= DEMO_AS_OF
            done = due - datetime.timedelta(days=rng.randint(0, 5)) if finished else None
            action = self._get(
                CorrectiveAction,
                {"finding": finding},
                {
                    "description": "Khắc phục: " + text[0].lower() + text[1:],
                    "owner": participation.iso_secretary,
                    "due_date": due,
                },
                by=by,
                at=at,
            )
            if done and action.done_on is None:
                self.resolve(finding, action, done=done, by=by)

    def resolve(self, finding, action, *, done, by):
        """The action done by the commune, verified by the consultant, and the finding closed."""
        action.done_on = done
        self._save(action, by=by, at=_at(done, 16))
        verified_on = min(done + datetime.timedelta(days=1), DEMO_AS_OF)
        action.verified_by = self.consultant_user
        action.verified_at = _at(verified_on, 10)
        self._save(action, by=self.consultant_user, at=action.verified_at)
        finding.status = Finding.Status.CLOSED
        finding.closed_on = verified_on
        self._save(finding, by=self.consultant_user, at=_at(verified_on, 11))

    def _after_review(self, participation, milestone, done_on, rng, scope):
        commune = participation.commune
        self._get(
            Audit,
            {"commune": commune, "kind": Audit.Kind.MANAGEMENT_REVIEW, "date": done_on},
            {"lead": participation.qms_representative, "summary": "Họp xem xét của lãnh đạo."},
            by=milestone.updated_by,
            at=_at(done_on, 15),
        )

    def _after_announcement(self, participation, milestone, done_on, rng, scope):
        commune = participation.commune
        # No commune announces with a finding still open (QĐ 19/2014 Art. 4: the QMS is applied,
        # corrected and reviewed before the head confirms it is effective).
        before = done_on - datetime.timedelta(days=2)
        for action in CorrectiveAction.objects.filter(
            finding__audit__commune=commune,
            finding__status=Finding.Status.OPEN,
            done_on__isnull=True,
        ).select_related("finding"):
            self.resolve(action.finding, action, done=before, by=milestone.updated_by)
        rng.randint(150, 420)  # drawn as before (the story's random stream); no number invented
        self._get(
            Announcement,
            {"commune": commune, "decision_date": done_on},
            {
                "standard": Standard.ISO_2008,
                "kind": Announcement.Kind.REANNOUNCEMENT
                if participation.kind == ParticipationKind.EXTENSION
                else Announcement.Kind.FIRST,
                "scope_size": len(scope),
            },
            by=milestone.updated_by,
            at=_at(done_on, 15),
        )

    def _after_sent(self, participation, milestone, done_on, rng, scope):
        commune = participation.commune
        for announcement in Announcement.objects.filter(
            commune=commune, sent_to_dost_on__isnull=True
        ):
            announcement.sent_to_dost_on = done_on
            self._save(announcement, by=milestone.updated_by, at=_at(done_on, 15))

    # Scope -----------------------------------------------------------------------------------

    def scope(self, commune, procedures, kind, rng):
        items = []
        if kind == ParticipationKind.EXTENSION:
            # Their first QMS (2016) covered about 60% of the procedures; the rest come in now.
            chosen = procedures
            already = set(rng.sample(range(len(procedures)), int(len(procedures) * 0.6)))
        else:
            chosen = sorted(rng.sample(procedures, rng.randint(45, 60)), key=lambda p: p.pk)
            already = set()
        numbers = Counter()
        for index, procedure in enumerate(chosen):
            old = index in already
            # A commune numbers its processes per field: "QT-HT-01" is the first of hộ tịch.
            field = "".join(part[0] for part in procedure.field.code.split("-")).upper()
            numbers[field] += 1
            items.append(
                ScopeItem(
                    commune=commune,
                    procedure=procedure,
                    process_code=f"QT-{field}-{numbers[field]:02d}",
                    state=ScopeItem.State.APPLIED if old else ScopeItem.State.PLANNED,
                    issued_on=datetime.date(2016, 5, 10) if old else None,
                    revision=1 if old else 0,
                )
            )
        # Called only for a commune new to the demo, so nothing of its scope exists yet.
        items = bulk_create_with_history(
            items, ScopeItem, default_user=self.actor, default_date=_at(START, 8)
        )
        self.created += len(items)
        return items

    # All -------------------------------------------------------------------------------------

    def staff_accounts(self, consultant, communes, rng):
        """The province's own accounts: DOST staff, a manager, the consultant, district officers."""
        dost = self.user("dost", User.Role.DOST_STAFF, *DOST_NAME)
        if not dost.is_staff:
            dost.is_staff = dost.is_superuser = True
            dost.save()
        manager = self.user("manager", User.Role.MANAGER, *MANAGER_NAME)
        if not manager.is_staff:
            manager.is_staff = True
            manager.save()
            manager.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
        consultant_user = self.user(
            "consultant", User.Role.CONSULTANT, *CONSULTANT_STAFF_NAME, consultant=consultant
        )
        for district in District.objects.filter(code__in={c.district.code for c in communes}):
            first, last = _person(rng)
            self.user(
                f"district-{district.code}",
                User.Role.DISTRICT_OFFICER,
                first,
                last,
                district=district,
            )
        return dost, consultant_user

    def participant(
        self, commune, profile, *, programme, templates, procedures, dost, consultant_user
    ):
        """One commune of the wave: its officer, participation, scope, roadmap and progress."""
        crng = random.Random(int(commune.code))
        kind = (
            ParticipationKind.EXTENSION
            if commune.district.code == EXTENSION_DISTRICT
            else ParticipationKind.NEW_BUILD
        )
        rep_first, rep_last = _person(crng)
        sec_first, sec_last = _person(crng)
        officer = self.user(
            f"commune-{commune.code}",
            User.Role.COMMUNE_OFFICER,
            sec_first,
            sec_last,
            commune=commune,
        )
        exists = Participation.objects.filter(programme=programme, commune=commune).exists()
        participation = self._get(
            Participation,
            {"programme": programme, "commune": commune},
            {
                "kind": kind,
                "budget_allocated": Decimal(
                    30_000_000 if kind == ParticipationKind.EXTENSION else 50_000_000
                ),
                "start_date": START,
                "qms_representative": f"{rep_first} {rep_last} (Phó Chủ tịch UBND)",
                "iso_secretary": f"{sec_first} {sec_last}",
            },
        )
        if exists:
            return
        scope = self.scope(commune, procedures, kind, crng)
        participation_apply_template(
            participation=participation, template=templates[kind], by=dost, at=_at(START, 8)
        )
        if kind == ParticipationKind.EXTENSION:
            self.earlier_qms(commune, scope, crng)
        self.progress(participation, officer, consultant_user, crng, profile, scope)
        spent = (
            participation.budget_allocated
            * Decimal(participation.milestones.filter(status=Milestone.Status.DONE).count())
            / Decimal(max(1, participation.milestones.count()))
        )
        participation.budget_spent = spent.quantize(Decimal(1000))
        self._save(participation, by=dost, at=_at(DEMO_AS_OF, 17))

    def earlier_qms(self, commune, scope, crng):
        """An extension commune's first QMS: its 2016 announcement and a 2017 inspection."""
        crng.randint(40, 140)  # drawn as before (the story's random stream); no number invented
        self._get(
            Announcement,
            {"commune": commune, "decision_date": datetime.date(2016, 6, 15)},
            {
                "standard": Standard.ISO_2008,
                "kind": Announcement.Kind.FIRST,
                "scope_size": sum(1 for s in scope if s.issued_on),
                "sent_to_dost_on": datetime.date(2016, 6, 22),
            },
            at=_at(datetime.date(2016, 6, 22)),
        )
        self._get(
            Audit,
            {
                "commune": commune,
                "kind": Audit.Kind.INSPECTION_RECORDS,
                "date": datetime.date(2017, 5, 18),
            },
            {"lead": "Chi cục TĐC Bến Tre", "summary": "Kiểm tra việc duy trì HTQLCL."},
            at=_at(datetime.date(2017, 5, 18), 15),
        )

    @transaction.atomic
    def build(self):
        self.actor = self.user("dost", User.Role.DOST_STAFF, *DOST_NAME)
        province, communes = self.units()
        procedures = self.procedures()
        consultant, programme, new_tpl, ext_tpl = self.programme(province)
        rng = random.Random(2017)
        dost, consultant_user = self.staff_accounts(consultant, communes, rng)
        self.consultant_user = consultant_user
        profiles = ["fast"] * 12 + ["normal"] * 20 + ["slow"] * 9 + ["silent"] * 4
        rng.shuffle(profiles)
        participants = [c for c in communes if c.code != LEFT_OUT_CODE]
        templates = {ParticipationKind.NEW_BUILD: new_tpl, ParticipationKind.EXTENSION: ext_tpl}
        for commune, profile in zip(participants, profiles, strict=True):
            self.participant(
                commune,
                profile,
                programme=programme,
                templates=templates,
                procedures=procedures,
                dost=dost,
                consultant_user=consultant_user,
            )
        # The wave completes in 2018: the remaining steps done, all 45 announced (issue 9).
        complete_2017_wave(self, programme, consultant_user)
        reorganisation.build(self, old_province=province, dost=dost)
        return DemoResult(created=self.created, password=None)


def load_demo(*, password: str | None = None, stdout=None) -> DemoResult:
    """Build the demo; returns how many rows it created and the password it generated, if any."""
    generated = None
    if not password:
        if User.objects.filter(username="dost").exists():
            password = "unused: accounts exist already"  # noqa: S105
        else:
            password = generated = secrets.token_urlsafe(9)
    # The milestones' sums refreshed once for every participation touched, at the end.
    with deferred():
        result = DemoBuilder(password, stdout).build()
        # The yearly cycle after the wave (issue 10): 2018 to this year, seen with QMS_AS_OF unset.
        from demo.cycle import load_cycle

        dost = User.objects.filter(username="dost").first()
        result.created += load_cycle(today=timezone.localdate(), by=dost)
        # Money by year and line, and the province's other state bodies (issue 20).
        from demo.money import load_money

        result.created += load_money(today=timezone.localdate(), by=dost)
    result.password = generated
    return result

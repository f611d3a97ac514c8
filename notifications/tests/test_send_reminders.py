"""``send_reminders`` against a real SMTP server: who gets a mail, with what, and only once."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from notifications.models import Digest, DigestFailure, Kind, NotificationPreference
from notifications.tests.conftest import SITE

LIST_LINKS = {f"{SITE}/notifications/", f"{SITE}/notifications/preferences/"}


def step_link(milestone):
    return f"{SITE}/milestones/{milestone.pk}/"


def action_link(action):
    return f"{SITE}/corrective-actions/{action.pk}/"


def send(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_each_commune_officer_gets_one_mail_listing_exactly_their_items(smtp, rollout):
    send()
    [mail_a] = smtp.to("officer-a@xa.example.vn")
    assert mail_a.links() == LIST_LINKS | {
        step_link(rollout["a_overdue"]),
        step_link(rollout["a_soon"]),
        action_link(rollout["a_action_late"]),
    }
    [mail_b] = smtp.to("officer-b@xa.example.vn")
    assert mail_b.links() == LIST_LINKS | {step_link(rollout["b_month"])}
    # Nothing due within 30 days, nothing overdue: no mail at all.
    assert smtp.to("officer-c@xa.example.vn") == []
    assert smtp.to("lanhdao@example.vn") == []


def test_the_digest_is_vietnamese_text_with_an_html_alternative(smtp, rollout):
    send()
    [mail] = smtp.to("officer-a@xa.example.vn")
    assert mail.subject == "[ISO 9001 cấp xã] 3 việc cần xử lý, ngày 15/12/2017"
    assert "Sở Khoa học và Công nghệ" in str(mail.message["From"])
    text = mail.text
    assert "Bước lộ trình quá hạn" in text
    assert "Hạn 01/12/2017: đã quá hạn 14 ngày." in text
    assert "Hạn 20/12/2017, còn 5 ngày." in text
    assert rollout["a_far"].step.name not in text
    assert rollout["a_done"].step.name not in text
    assert f'<a href="{step_link(rollout["a_soon"])}">' in mail.html
    assert mail.message["Auto-Submitted"] == "auto-generated"


def test_the_consultant_gets_their_communes_grouped_by_commune(smtp, rollout):
    send()
    [mail] = smtp.to("tuvan@example.vn")
    assert mail.links() == LIST_LINKS | {
        step_link(rollout["a_overdue"]),
        step_link(rollout["a_soon"]),
        action_link(rollout["a_action_late"]),
        step_link(rollout["b_month"]),
    }
    text = mail.text
    assert text.index("== Xã Phú Phụng ==") < text.index("== Xã Sơn Định ==")
    assert text.index("== Xã Sơn Định ==") < text.index(step_link(rollout["b_month"]))
    assert "Xã Phong Nẫm" not in text  # another consultant's commune


def test_the_dost_staff_get_silent_communes_overdue_steps_and_escalations(smtp, rollout):
    send()
    [mail] = smtp.to("dost@sokhcn.example.vn")
    links = mail.links()
    # Nobody updated anything since the start (8/8/2017): the three communes are silent.
    for commune in ("28873", "28876", "28987"):
        assert f"{SITE}/communes/{commune}/0/" in links
    # The action 44 days late is escalated; the step 14 days late is not (threshold: 30 days).
    assert action_link(rollout["a_action_late"]) in links
    assert step_link(rollout["a_overdue"]) not in links
    assert "Xã không cập nhật tiến độ" in mail.text
    assert "1 bước quá hạn" in mail.text


def test_a_second_run_the_same_day_sends_nothing(smtp, rollout):
    send()
    first = len(smtp.received)
    assert first == Digest.objects.count() == 4  # officers A and B, the consultant, the DOST
    output = send()
    assert len(smtp.received) == first
    assert "0 digest(s) sent, 4 already sent today" in output


def test_the_next_day_only_a_new_stage_of_the_cadence_is_mailed(smtp, rollout):
    send()
    smtp.received.clear()
    send("--date", "2017-12-16")
    # The step due on 20/12 stays at its 7-day reminder; the step due on 1/12 starts its third
    # week overdue (15 days); the action (45 days late) stays in its week.
    [mail] = smtp.to("officer-a@xa.example.vn")
    assert mail.links() == LIST_LINKS | {step_link(rollout["a_overdue"])}
    assert smtp.to("officer-b@xa.example.vn") == []


def test_a_dry_run_sends_nothing_and_prints_the_mails(smtp, rollout):
    output = send("--dry-run")
    assert smtp.received == []
    assert not Digest.objects.exists()
    assert "=== To: officer-a <officer-a@xa.example.vn>" in output
    assert "[ISO 9001 cấp xã] 3 việc cần xử lý, ngày 15/12/2017" in output
    assert step_link(rollout["a_soon"]) in output
    assert "officer-c" not in output
    assert "4 digest(s) would be sent" in output


def test_preferences_are_respected(smtp, rollout):
    NotificationPreference.objects.create(user=rollout["officer_a"], digest_enabled=False)
    NotificationPreference.objects.create(user=rollout["officer_b"], muted_kinds=[Kind.STEP_DUE])
    NotificationPreference.objects.create(
        user=rollout["consultant"], muted_kinds=[Kind.ACTION_OVERDUE], language="en"
    )
    send()
    assert smtp.to("officer-a@xa.example.vn") == []
    assert smtp.to("officer-b@xa.example.vn") == []  # its only item is muted: no empty mail
    [mail] = smtp.to("tuvan@example.vn")
    assert action_link(rollout["a_action_late"]) not in mail.links()
    assert step_link(rollout["a_soon"]) in mail.links()
    assert mail.subject == "[ISO 9001 at communes] 3 things to act on, 15/12/2017"


def test_a_failed_send_records_nothing_so_the_next_run_retries(settings, smtp, rollout):
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {**working["default"], "OPTIONS": {"host": "127.0.0.1", "port": 1}}
    }  # nothing listens on port 1
    with pytest.raises(CommandError, match=r"4 digest\(s\) could not be sent"):
        send()
    assert not Digest.objects.exists()
    settings.MAILERS = working
    send()
    assert len(smtp.to("officer-a@xa.example.vn")) == 1


def test_someone_without_an_address_is_reported_not_mailed(smtp, rollout):
    officer = rollout["officer_b"]
    officer.email = ""
    officer.save()
    err = io.StringIO()
    call_command("send_reminders", stdout=io.StringIO(), stderr=err)
    assert "officer-b: something to act on, but no e-mail address." in err.getvalue()
    assert not Digest.objects.filter(user=officer).exists()


def test_the_record_says_what_was_sent_to_whom_and_why(smtp, rollout):
    send()
    digest = Digest.objects.get(user=rollout["officer_a"])
    assert digest.sent_on == datetime.date(2017, 12, 15)
    assert digest.to_address == "officer-a@xa.example.vn"
    m = rollout["a_soon"]
    assert f"milestone:{m.pk}:20171220:due-7" in digest.reminder_keys
    assert len(digest.reminder_keys) == 3


def test_an_address_the_server_refuses_stops_only_its_digest_and_is_retried(smtp, rollout):
    """The server answers 550 to one recipient: every other digest is sent, the refusal is
    recorded and reported, and the next run tries that one again (and only that one)."""
    officer = rollout["officer_b"]
    smtp.rejected.add("officer-b@xa.example.vn")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match=r"1 digest\(s\) could not be sent"):
        call_command("send_reminders", stdout=out, stderr=err)
    sent = {address for received in smtp.received for address in received.to}
    assert sent == {"officer-a@xa.example.vn", "tuvan@example.vn", "dost@sokhcn.example.vn"}
    assert "3 digest(s) sent" in out.getvalue() and "1 failed" in out.getvalue()
    assert "officer-b <officer-b@xa.example.vn>: not sent (550 5.1.1" in err.getvalue()
    [failure] = DigestFailure.objects.all()
    assert (failure.user, failure.sent_on) == (officer, datetime.date(2017, 12, 15))
    assert failure.error.startswith("550 5.1.1 <officer-b@xa.example.vn>: Recipient address")
    assert not Digest.objects.filter(user=officer).exists()
    assert Digest.objects.count() == 3

    smtp.rejected.clear()  # the address fixed on the server (or in the user's record)
    smtp.received.clear()
    assert "1 digest(s) sent" in send()
    assert [r.to for r in smtp.received] == [["officer-b@xa.example.vn"]]
    assert Digest.objects.filter(user=officer).exists()


def test_a_stored_address_that_is_no_address_stops_only_its_digest(smtp, rollout):
    """An address that the admin or an old import let in, which the mailer cannot even write."""
    User = rollout["officer_a"].__class__
    User.objects.filter(pk=rollout["officer_a"].pk).update(email="người@xã.example.vn")
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 digest\(s\) could not be sent"):
        call_command("send_reminders", stdout=io.StringIO(), stderr=err)
    sent = {address for received in smtp.received for address in received.to}
    assert sent == {"officer-b@xa.example.vn", "tuvan@example.vn", "dost@sokhcn.example.vn"}
    assert "officer-a <người@xã.example.vn>: not sent (Invalid address" in err.getvalue()
    assert DigestFailure.objects.get().user == rollout["officer_a"]

"""/shutdown-notice in chat (the console, on the real app and Redis, with the clock at
Monday 23 November 2026 09:00 UTC): admins only; every step answered by typing;
hints that change nothing; a preview exactly as posted; jobs queued once; status and
cancel; and the notice offered to admins when a stop of software is approved."""

from __future__ import annotations

from datetime import UTC, datetime

from conversations.i18n import t
from handlers.actions import EditOffer, NoticeChoice, ScheduleOffer
from handlers.events import Actor, Click
from tests.helpers import Harness, click, file_request

ADMIN = "console:admin"
TEMPLATE_EN = (
    "📢 CRM will be shut down on Friday 4 December 2026.\n"
    "Before then, back up what you need from it: your documents, data and exports (files, "
    "records, reports, contacts). After that day they can no longer be opened.\n"
    "Questions? Ask console:it-help."
)


def printed(text: str) -> str:
    """A message as the console prints it (every line indented)."""
    return "\n  ".join(text.splitlines())


async def compose(h: Harness, *answers: str) -> str:
    await h.type(f"/as {ADMIN}")
    return await h.type("/shutdown-notice", *answers)


async def only_job(h: Harness) -> str:
    jobs = await h.store.notices.recent()
    assert len(jobs) == 1, jobs
    return jobs[0].job.id


async def test_anyone_but_an_admin_is_refused_and_nothing_is_queued(harness: Harness) -> None:
    refusal = t("en", "nb_admins_only")
    for command in ("/shutdown-notice", "/shutdown-notice status", "/shutdown-notice cancel NB-X"):
        out = await harness.type("/as console:head", command)
        assert refusal in out, out
    # A forged click on a notice dialogue's button is refused likewise.
    forged = click("console:head", NoticeChoice("NB-ABCDEFGH", "preview", "confirm"), "x")
    await harness.console.dispatch(forged)
    assert refusal in harness.new_output()
    # What they type next is not a notice answer: no notice dialogue was opened.
    out = await harness.type("CRM")
    assert "Which software" not in out and "On which day" not in out
    assert await harness.store.notices.recent() == []
    assert await harness.store.notice_drafts.load("console:head") is None


async def test_an_admin_composes_previews_and_confirms_by_typing(harness: Harness) -> None:
    out = await compose(harness, "crm", "friday next week", "english", "keep")
    assert printed(TEMPLATE_EN) in out  # the message, prefilled, with the weekday of the stop
    out = await harness.type("broadcast, console:bob, #console:team", "now")
    # The preview: the notice exactly as it will be posted, then what is planned.
    notice, card = out.split("Above is the notice", 1)
    assert printed(TEMPLATE_EN) in notice
    assert "Recipients: the broadcast channels, console:bob, console:team (3 recipients)" in card
    assert "When: Now" in card
    assert await harness.store.notices.recent() == []  # nothing before Confirm
    out = await harness.type("confirm")
    job_id = await only_job(harness)
    assert f"{job_id}: Now" in out and "Scheduled for 3 recipients" in out
    status = await harness.store.notices.status(job_id)
    assert status is not None
    assert (status.state, status.total, status.job.created_by) == ("scheduled", 3, ADMIN)
    assert status.job.text == TEMPLATE_EN
    assert status.job.at == harness.clock.now() and status.job.report_to == ADMIN
    [created] = await harness.store.notices.history(job_id)
    assert (created.actor, created.action) == (ADMIN, "created")
    # The dialogue is over: a second "confirm" queues nothing more.
    await harness.type("confirm")
    assert len(await harness.store.notices.recent()) == 1


async def test_every_step_can_be_answered_by_its_number(harness: Harness) -> None:
    # CRM; a date typed (the step has no options); English; keep; broadcast; now; confirm.
    out = await compose(harness, "1", "2026-12-04", "1", "1", "1", "1", "1")
    job_id = await only_job(harness)
    assert job_id in out
    status = await harness.store.notices.status(job_id)
    assert status is not None and status.total == 1  # the bundled policy's one channel


async def test_wrong_answers_get_hints_and_change_nothing(harness: Harness) -> None:
    out = await compose(harness, "Photoshop")
    assert "'Photoshop' is not in the software catalog. Pick one: CRM, OA" in out
    out = await harness.type("CRM", "yesterday")
    assert "is in the past" in out
    out = await harness.type("2026-12-04", "klingon")
    assert "I didn't recognise a language" in out
    out = await harness.type("en", "ok")
    assert "Who should get it?" in out
    out = await harness.type("console:team, @channel")
    assert "'@channel' would ping everyone in a channel" in out
    out = await harness.type("<!here>")
    assert "'<!here>' would ping everyone" in out
    out = await harness.type("team-channel")
    assert "'team-channel' is not an id" in out
    out = await harness.type("SR-ABCDEFGH")
    assert "There is no stop request SR-ABCDEFGH" in out
    out = await harness.type("console:team", "sometime")
    assert "I didn't understand when" in out
    out = await harness.type("2026-11-20 10:00")
    assert "Friday 20 November 2026 10:00 has already passed" in out
    out = await harness.type("2026-12-05 10:00")
    assert "is after the stop date" in out
    out = await harness.type("30 days before")
    assert "30 days before the stop is Wednesday 4 November 2026 09:00, which has passed" in out
    assert await harness.store.notices.recent() == []


async def test_the_message_can_be_replaced_in_the_language_written(harness: Harness) -> None:
    await compose(harness, "CRM", "2026-12-04", "zh, en")
    out = await harness.type("CRM 将于12月4日停用，请尽快导出你的数据。")
    assert "已替换" not in out and "Replaced the Chinese text." in out
    out = await harness.type("keep", "console:team", "now")
    notice = out.split("Above is the notice", 1)[0]
    assert (
        printed("CRM 将于12月4日停用，请尽快导出你的数据。\n\n———\n\n📢 CRM will be shut down")
        in notice
    )
    await harness.type("edit message", "Back to the template")
    out = await harness.type("keep")
    assert "将于 2026年12月4日（星期五） 停用" in out
    await harness.type("confirm")
    status = await harness.store.notices.status(await only_job(harness))
    assert status is not None and status.job.langs == ("zh", "en")
    assert status.job.text.startswith("📢 CRM 将于 2026年12月4日（星期五） 停用")


async def test_a_series_is_one_job_per_send_time(harness: Harness) -> None:
    out = await compose(harness, "CRM", "2026-12-04", "en", "keep", "console:team")
    assert "7 days before, and on the day" in out
    out = await harness.type("7 days before")
    assert "When: 2 times: Friday 27 November 2026 09:00; Friday 4 December 2026 09:00" in out
    out = await harness.type("confirm")
    jobs = sorted(await harness.store.notices.recent(), key=lambda s: s.job.at)
    assert [s.job.at for s in jobs] == [
        datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
        datetime(2026, 12, 4, 9, 0, tzinfo=UTC),
    ]
    first, second = (s.job for s in jobs)
    assert first.series == second.series and first.series != ""
    assert first.id.endswith("-1") and second.id.endswith("-2")
    assert f"{first.id}: Friday 27 November 2026 09:00" in out


async def test_status_and_cancel_as_arguments(harness: Harness) -> None:
    await compose(harness, "CRM", "2026-12-04", "en", "keep", "console:team", "2026-12-01 10:00")
    await harness.type("confirm")
    job_id = await only_job(harness)
    out = await harness.type("/shutdown-notice status")
    assert f"{job_id} · CRM · scheduled · 0/1 sent, 0 failed, 1 pending" in out
    out = await harness.type(f"/shutdown-notice status {job_id.lower()}")
    assert "Tuesday 1 December 2026 10:00" in out
    out = await harness.type(f"/shutdown-notice cancel {job_id}")
    assert f"{job_id} cancelled: 0 already sent stay sent; 1 will not be sent." in out
    out = await harness.type(f"/shutdown-notice cancel {job_id}")
    assert f"{job_id} is already cancelled; nothing to cancel." in out
    out = await harness.type("/shutdown-notice cancel NB-NOSUCH00")
    assert "There is no shutdown notice NB-NOSUCH00" in out
    out = await harness.type("/shutdown-notice cancel")
    assert "Usage: /shutdown-notice cancel <job id>" in out
    out = await harness.type("/shutdown-notice bogus")
    assert "Unknown option 'bogus'" in out
    status = await harness.store.notices.status(job_id)
    assert status is not None and status.state == "cancelled"
    actions = [(e.actor, e.action) for e in await harness.store.notices.history(job_id)]
    assert actions == [(ADMIN, "created"), (ADMIN, "cancelled")]


async def test_cancel_abandons_the_draft(harness: Harness) -> None:
    out = await compose(harness, "CRM", "cancel")
    assert "the notice was abandoned. Nothing was queued." in out
    assert await harness.store.notice_drafts.load(ADMIN) is None
    assert await harness.store.notices.recent() == []


async def approve(h: Harness, rid: str) -> str:
    await h.type("/as console:head", "/click Approve", "/as console:it", "/click Approve")
    return await h.type("/as console:finance", "/click Approve")


async def test_admins_are_offered_a_notice_when_a_stop_of_software_is_approved(
    harness: Harness,
) -> None:
    rid = await file_request(harness, "CRM", notify="console:team, console:sales")
    out = await approve(harness, rid)
    # 2026-12-31 is 38 days away: a week before, and on the day, to the notify list.
    assert f"{rid} (CRM, stopping Thursday 31 December 2026) is approved" in out
    assert "Proposed: the notice below to 2 recipients, 2 times" in out
    assert "📢 CRM will be shut down on Thursday 31 December 2026." in out
    schedule = Click(
        actor=Actor(id="console:head"), channel=ADMIN, action=ScheduleOffer.id, value=rid
    )
    await harness.console.dispatch(schedule)
    assert t("en", "nb_admins_only") in harness.new_output()
    assert await harness.store.notices.recent() == []
    await harness.console.dispatch(schedule.model_copy(update={"actor": Actor(id=ADMIN)}))
    out = harness.new_output()
    assert "Scheduled for 2 recipients" in out
    jobs = sorted(await harness.store.notices.recent(), key=lambda s: s.job.at)
    assert [s.job.at.date().isoformat() for s in jobs] == ["2026-12-24", "2026-12-31"]
    assert all(s.job.request == rid and s.total == 2 for s in jobs)
    # A second click (or another admin's) queues nothing more.
    await harness.console.dispatch(schedule.model_copy(update={"actor": Actor(id=ADMIN)}))
    assert "was already scheduled" in harness.new_output()
    assert len(await harness.store.notices.recent()) == 2


async def test_the_offer_can_be_edited_before_it_is_scheduled(harness: Harness) -> None:
    rid = await file_request(harness, "CRM", notify="console:team")
    await approve(harness, rid)
    edit = Click(actor=Actor(id=ADMIN), channel=ADMIN, action=EditOffer.id, value=rid)
    await harness.type(f"/as {ADMIN}")
    await harness.console.dispatch(edit)
    out = harness.new_output()
    assert "Above is the notice exactly as it will appear" in out
    assert f"those {rid} notifies" in out
    out = await harness.type("edit when", "now", "confirm")
    status = await harness.store.notices.status(await only_job(harness))
    assert status is not None and status.total == 1 and status.job.request == rid


async def test_no_offer_for_an_account_or_a_rejected_request(harness: Harness) -> None:
    rid = await file_request(harness, "my account", notify="console:team")
    out = await approve(harness, rid)
    req = await harness.store.requests.get(rid)
    assert req is not None and req.status == "approved"  # approved, and still no offer
    assert "Tell its users?" not in out
    rid = await file_request(harness, "CRM", notify="console:team")
    out = await harness.type("/as console:head", "/click Reject", "not this quarter")
    req = await harness.store.requests.get(rid)
    assert req is not None and req.status == "rejected"
    assert "Tell its users?" not in out
    assert await harness.store.notices.recent() == []


async def test_a_confirmed_notice_reaches_the_channel_and_the_admin_gets_the_report(
    harness: Harness,
) -> None:
    from bot.delivery.broadcast import Broadcaster

    await compose(harness, "CRM", "2026-12-04", "en", "keep", "broadcast", "now", "confirm")
    job_id = await only_job(harness)
    sender = Broadcaster(
        harness.store.notices, harness.app.adapters, {}, harness.clock, harness.app.deliver
    )
    assert await sender.round()
    out = harness.new_output()
    assert f"→ console:all-hands\n  {printed(TEMPLATE_EN)}" in out
    assert f"{job_id} · CRM: sending to 1 recipient..." in out
    assert f"{job_id} · CRM done: 1 sent, 0 failed of 1, in 1s." in out
    out = await harness.type(f"/shutdown-notice status {job_id}")
    assert f"{job_id} · CRM · done · 1/1 sent, 0 failed, 0 pending" in out


async def test_a_series_goes_out_at_each_time_once_and_never_before(harness: Harness) -> None:
    """The injected clock moves from the dialogue to each send time of a series, and
    past it: nothing before its time, each occurrence once."""
    from bot.delivery.broadcast import Broadcaster

    await compose(harness, "CRM", "2026-12-04", "en", "keep", "broadcast", "7 days before")
    await harness.type("confirm")
    sender = Broadcaster(
        harness.store.notices, harness.app.adapters, {}, harness.clock, harness.app.deliver
    )
    posted = f"→ console:all-hands\n  {printed(TEMPLATE_EN)}"

    def sent(out: str) -> int:
        return out.count(posted)

    harness.new_output()
    for when, expected in [
        (datetime(2026, 11, 27, 8, 59, tzinfo=UTC), 0),  # a minute early
        (datetime(2026, 11, 27, 9, 0, tzinfo=UTC), 1),  # the first occurrence
        (datetime(2026, 12, 3, 9, 0, tzinfo=UTC), 0),  # in between: nothing again
        (datetime(2026, 12, 4, 9, 0, tzinfo=UTC), 1),  # the day itself
        (datetime(2026, 12, 5, 9, 0, tzinfo=UTC), 0),  # after: nothing more
    ]:
        harness.clock.set(when)
        await sender.round()
        await sender.round()
        assert sent(harness.new_output()) == expected, when
    states = sorted((s.job.at, s.state, s.sent) for s in await harness.store.notices.recent())
    assert [(state, n) for _, state, n in states] == [("done", 1), ("done", 1)]

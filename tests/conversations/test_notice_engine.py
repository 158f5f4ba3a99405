"""The /shutdown-notice engine alone (pure, no Redis): reading dates and times, series,
languages and recipients in three languages; what is re-checked at Confirm; the
offered notice; and the template."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from conversations import notice as nb
from conversations.model import Lang
from conversations.notice.schedule import series_days
from conversations.policy import CatalogItem

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
CTX = nb.NoticeContext(
    now=NOW,
    tz=UTC,
    catalog=[CatalogItem(name="CRM", paid=True, aliases=["销售系统"]), CatalogItem(name="OA")],
    broadcast=["slack:CALL", "slack:CENG"],
    contact="slack:CHELP",
    requests={
        "SR-APPROVED": nb.RequestFacts(True, ("slack:U1", "slack:CENG")),
        "SR-PENDING0": nb.RequestFacts(False, ("slack:U1",)),
        "SR-NOBODY00": nb.RequestFacts(True, ()),
    },
)


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("2026-12-01 09:00", "en", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
        ("2026-12-01T14:30", "en", datetime(2026, 12, 1, 14, 30, tzinfo=UTC)),
        ("tomorrow 14:30", "en", datetime(2026, 11, 24, 14, 30, tzinfo=UTC)),
        ("next friday at 9am", "en", datetime(2026, 12, 4, 9, 0, tzinfo=UTC)),
        ("friday 3 pm", "en", datetime(2026, 11, 27, 15, 0, tzinfo=UTC)),
        ("15:00", "en", datetime(2026, 11, 23, 15, 0, tzinfo=UTC)),
        ("demain 9h30", "fr", datetime(2026, 11, 24, 9, 30, tzinfo=UTC)),
        ("le 1er décembre à 10h", "fr", datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
        ("明天 9:00", "zh", datetime(2026, 11, 24, 9, 0, tzinfo=UTC)),
        ("明天下午3点", "zh", datetime(2026, 11, 24, 15, 0, tzinfo=UTC)),
        ("12月1日 10点30分", "zh", datetime(2026, 12, 1, 10, 30, tzinfo=UTC)),
    ],
)
def test_a_date_and_time_is_read_in_every_language(
    text: str, lang: Lang, expected: datetime
) -> None:
    assert nb.parse_datetime(text, CTX, lang) == expected


@pytest.mark.parametrize("text", ["", "sometime", "2026-12-01", "12", "25:00", "tomorrow 9:75"])
def test_what_is_not_a_date_and_time_is_not_guessed(text: str) -> None:
    assert nb.parse_datetime(text, CTX, "en") is None


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("7 days before", 7),
        ("3 days before and on the day", 3),
        ("1 day before", 1),
        ("7 jours avant", 7),
        ("提前7天", 7),
        ("3天前", 3),
        ("series 5", 5),
        ("tomorrow", None),
        ("2026-12-01", None),
    ],
)
def test_a_series_is_read_in_every_language(text: str, days: int | None) -> None:
    assert series_days(text) == days


@pytest.mark.parametrize(
    ("text", "langs"),
    [
        ("en", ["en"]),
        ("zh, en", ["zh", "en"]),
        ("English and French", ["en", "fr"]),
        ("中文和英文", ["zh", "en"]),
        ("français et anglais", ["fr", "en"]),
        ("all", ["zh", "en", "fr"]),
        ("tous", ["zh", "en", "fr"]),
        ("klingon", None),
        ("en, klingon", None),
    ],
)
def test_languages_are_read_in_every_language(text: str, langs: list[str] | None) -> None:
    assert nb.read_langs(text) == langs


def test_recipients_are_broadcast_requests_and_ids_each_once() -> None:
    named = nb.read(nb.split("broadcast, sr-approved slack:U9,#slack:CENG @slack:U9"))
    assert named == nb.Recipients(
        broadcast=True, requests=["SR-APPROVED"], ids=["slack:U9", "slack:CENG"]
    )
    nb.check(named, CTX.broadcast, CTX.requests)
    assert nb.resolve(named, CTX.broadcast, CTX.requests) == [
        "slack:CALL",
        "slack:CENG",
        "slack:U1",
        "slack:U9",
    ]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("@channel", "mass"),
        ("<!channel>", "mass"),
        ("<!subteam^S1>", "mass"),
        ("@here", "mass"),
        ("@所有人", "mass"),
        ("@all", "mass"),
        ("general", "bad"),
        ("teams:X", "bad"),
        ("SR-UNKNOWN0", "unknown_request"),
        ("SR-PENDING0", "not_approved"),
        ("SR-NOBODY00", "no_notify"),
    ],
)
def test_recipients_that_name_nobody_are_refused(text: str, kind: str) -> None:
    with pytest.raises(nb.RecipientProblem) as info:
        nb.check(nb.read(nb.split(text)), CTX.broadcast, CTX.requests)
    assert info.value.kind == kind


def test_broadcast_without_channels_is_refused() -> None:
    with pytest.raises(nb.RecipientProblem) as info:
        nb.check(nb.read(["broadcast"]), [], {})
    assert info.value.kind == "no_broadcast"


def _ready(**changes: object) -> nb.NoticeDraft:
    d = nb.new_notice("slack:UADMIN", "NB-ABCDEFGH", "en", NOW)
    values: dict[str, object] = {
        "software": "CRM",
        "stop_date": date(2026, 12, 4),
        "langs": ["en"],
        "message_ok": True,
        "recipients": nb.Recipients(broadcast=True),
        "when": nb.When(kind="series", days_before=7),
        "step": nb.NoticeStep.PREVIEW,
        **changes,
    }
    return d.model_copy(update=values)


def test_a_series_goes_out_at_the_policy_time_of_day() -> None:
    d = _ready()
    ctx = nb.NoticeContext(now=NOW, tz=UTC, series_time=time(14, 15))
    assert d.when is not None and d.stop_date is not None
    assert nb.occurrences(d.when, d.stop_date, ctx) == [
        datetime(2026, 11, 27, 14, 15, tzinfo=UTC),
        datetime(2026, 12, 4, 14, 15, tzinfo=UTC),
    ]


def test_confirm_checks_again_what_time_has_made_wrong() -> None:
    """The admin left the preview open for a week: the series' first notice is past."""
    d = _ready()
    later = nb.NoticeContext(
        now=NOW + timedelta(days=5), tz=UTC, broadcast=CTX.broadcast, requests=CTX.requests
    )
    outcome = nb.on_text(d, "confirm", later, later.now)
    assert not outcome.confirmed and outcome.reasked
    assert outcome.state is not None and outcome.state.step is nb.NoticeStep.WHEN
    assert "which has passed" in outcome.notes[0]
    assert nb.on_text(d, "confirm", CTX, NOW).confirmed


def test_confirm_checks_again_that_a_request_is_still_approved() -> None:
    d = _ready(recipients=nb.Recipients(requests=["SR-APPROVED"]))
    assert nb.on_text(d, "confirm", CTX, NOW).confirmed
    reopened = {"SR-APPROVED": nb.RequestFacts(False, ("slack:U1",))}
    ctx = nb.NoticeContext(now=NOW, tz=UTC, requests=reopened)
    outcome = nb.on_text(d, "confirm", ctx, NOW)
    assert not outcome.confirmed and outcome.state is not None
    assert outcome.state.step is nb.NoticeStep.RECIPIENTS


def test_a_stale_button_shows_the_current_question() -> None:
    d = _ready()
    outcome = nb.on_choice(d, "when", "now", CTX, NOW)
    assert outcome.state == d and not outcome.confirmed
    assert outcome.notes == ["That question was already answered; here is the current one."]


def test_the_offer_plans_a_week_ahead_then_the_day_before_then_now() -> None:
    def plan(stop: date) -> nb.When | None:
        d = nb.offered(
            "slack:UADMIN", "NB-X", "en", CTX, software="CRM", stop_date=stop, request="SR-APPROVED"
        )
        assert d.recipients == nb.Recipients(requests=["SR-APPROVED"])
        return d.when

    assert plan(date(2026, 12, 31)) == nb.When(kind="series", days_before=7)
    assert plan(date(2026, 11, 27)) == nb.When(kind="series", days_before=1)
    assert plan(date(2026, 11, 23)) == nb.When(kind="now")


def test_the_template_names_the_owner_when_the_software_has_one() -> None:
    ctx = nb.NoticeContext(
        now=NOW, tz=UTC, catalog=[CatalogItem(name="CRM", owner="slack:USALES")], contact="x:y"
    )
    d = _ready(langs=["fr", "zh"])
    text = nb.notice_text(d, ctx)
    assert text.startswith("📢 CRM sera arrêté le vendredi 4 décembre 2026.")
    assert "Demandez à slack:USALES." in text
    assert "\n\n———\n\n📢 CRM 将于 2026年12月4日（星期五） 停用。" in text


@pytest.mark.parametrize(
    ("typed", "plain"), [("²", "2"), ("option 1", "1"), ("#1", "1"), ("１", "1")]
)
def test_an_option_is_read_by_number_as_in_the_stop_request_dialogue(
    typed: str, plain: str
) -> None:
    # "²" is a digit to str.isdigit() but not to int(): it used to raise here.
    d = nb.new_notice("slack:UADMIN", "NB-ABCDEFGH", "en", NOW)
    expected = nb.on_text(d, plain, CTX, NOW).state.software
    assert expected is not None
    assert nb.on_text(d, typed, CTX, NOW).state.software == expected

"""Names of cards that are posted once and rewritten later. A key is
`<owner>:<which>`: the owner is the record whose card references are stored together
(a request, or a draft), so the outer ring can file a posted card's platform reference
under it without knowing what the card is."""

from __future__ import annotations


def stage_card(request_id: str, stage: int) -> str:
    """The approval card of one stage of a request."""
    return f"{request_id}:{stage}"


def dialogue_prompt(draft_id: str) -> str:
    """The dialogue's current question, re-posted under the same key at every step. Its
    own owner: the draft id becomes the request id, whose card references must outlive
    the draft's."""
    return f"draft-{draft_id}:prompt"


def notice_progress(job_id: str) -> str:
    """The message that shows a shutdown notice's progress to the admin who sent it."""
    return f"{job_id}:progress"


def owner_of(key: str) -> str:
    return key.split(":", 1)[0]

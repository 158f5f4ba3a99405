"""Counters for GET /metrics, in the Prometheus text format."""

from __future__ import annotations

from collections import Counter


class Metrics:
    def __init__(self) -> None:
        self.events: Counter[str] = Counter()  # by kind: command, message, click, form
        self.replies: Counter[str] = Counter()  # by kind: post, update, ephemeral...
        self.delivery_failures = 0
        self.handle_seconds = 0.0

    def render(self, storage_up: int) -> str:
        lines = [
            "# HELP stopbot_events_total Events handled, by kind.",
            "# TYPE stopbot_events_total counter",
            *(f'stopbot_events_total{{kind="{k}"}} {v}' for k, v in sorted(self.events.items())),
            "# HELP stopbot_replies_total Replies delivered, by kind.",
            "# TYPE stopbot_replies_total counter",
            *(f'stopbot_replies_total{{kind="{k}"}} {v}' for k, v in sorted(self.replies.items())),
            "# HELP stopbot_delivery_failures_total Replies that could not be delivered.",
            "# TYPE stopbot_delivery_failures_total counter",
            f"stopbot_delivery_failures_total {self.delivery_failures}",
            "# HELP stopbot_handle_seconds_total Time spent handling events.",
            "# TYPE stopbot_handle_seconds_total counter",
            f"stopbot_handle_seconds_total {self.handle_seconds:.6f}",
            "# HELP stopbot_storage_up Whether Redis answers.",
            "# TYPE stopbot_storage_up gauge",
            f"stopbot_storage_up {storage_up}",
        ]
        return "\n".join(lines) + "\n"

"""Slack, on slack-bolt: the only package of the bot that imports slack_bolt or
slack_sdk."""

from bot.adapters.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter"]

"""Getting what the bot owes out of the door: the outbox's deliveries and sweeper,
how a platform's refusals are classified, and pacing."""

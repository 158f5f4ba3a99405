"""DingTalk (钉钉)."""

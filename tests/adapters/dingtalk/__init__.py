"""Tests of the DingTalk adapter."""

"""Feeds: fetch raw payloads and parse them into each feed's canonical schema."""

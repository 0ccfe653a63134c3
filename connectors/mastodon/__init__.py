"""Mastodon: reading an account's public profile, for the public opt-out."""

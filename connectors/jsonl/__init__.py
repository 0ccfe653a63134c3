"""Klout's own activity format (JSON Lines, docs/import-format.md): any network's activity in one file."""

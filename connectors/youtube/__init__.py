"""YouTube: a channel connected by signing in with Google, read through the YouTube Data API v3."""

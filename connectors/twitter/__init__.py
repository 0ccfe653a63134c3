"""The X (Twitter) source: OAuth 2.0 sign-in, the API v2 client, parser and hourly sync, the
public profile for the opt-out, and the archive import."""

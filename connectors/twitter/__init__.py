"""The X (Twitter) connector: API v2 client, parser, OAuth 2.0 connect flow and periodic sync."""

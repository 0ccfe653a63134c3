"""Instagram professional accounts (business and creator), read through Meta's Graph API."""

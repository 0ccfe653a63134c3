"""Facebook Pages, read through Meta's Graph API (personal profiles are not open to apps)."""

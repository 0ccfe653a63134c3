"""Where a Mastodon server's API is, from the address a member types (``@alice@example.social``).

The server is named by the public, so its address is checked before the service calls it: a
public host name (``profile.handle_normalize``), reached over https by default
(``MASTODON_INSTANCE_URL``, ``https://{instance}``), and every address it resolves to public
(``connectors.public_http``, which also pins the connection to the address it checked).
``MASTODON_INSTANCE_URL`` without ``{instance}`` fixes one server for every address: tests and
a private deployment of one instance; the operator chose it, so it is not checked.
"""

from __future__ import annotations

from django.conf import settings


def server_base(host: str) -> tuple[str, bool]:
    """The API address of the server ``host``, and whether it was built from ``host`` (and so
    must be a public server) rather than fixed by the operator."""
    template = settings.MASTODON_INSTANCE_URL
    return template.format(instance=host).rstrip("/"), "{instance}" in template

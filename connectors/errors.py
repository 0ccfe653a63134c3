"""The one error type every connector raises, whatever the network.

A sync only needs to know two things about a failure: may trying again later help
(a rate limit, a server error, a dropped connection), and if so, how long to wait.
Anything else (a revoked token, a deleted account, a request the API will never accept)
is permanent: the sync stops and the member is told what to do.
"""

from __future__ import annotations


class ConnectorError(Exception):
    """A failure talking to a network's API.

    ``permanent`` failures will fail again on retry; ``retry_after`` is the number of
    seconds the API asked us to wait (from a rate-limit header), when it said so.
    ``status`` is the HTTP status when there was one, for logs and sync-run records.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        status: int | None = None,
        auth: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status
        # True when the failure is the member's authorisation (revoked or expired token):
        # the account needs reconnecting, not the operator's attention.
        self.auth = auth

    @property
    def transient(self) -> bool:
        """Whether trying again later may work."""
        return not self.permanent

    def __repr__(self) -> str:
        kind = "permanent" if self.permanent else "transient"
        return (
            f"ConnectorError({self.message!r}, {kind}, retry_after={self.retry_after}, status={self.status})"
        )

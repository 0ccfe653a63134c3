"""The member's accounts through the API: where each came from and how its sync is going."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_auth import api_member
from connectors.records import Origin
from connectors.selectors import member_accounts
from klout.api import ApiView, errors


class SyncSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="queued, running, succeeded or failed.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField(help_text="What went wrong, when it failed; empty otherwise.")


class AccountSerializer(serializers.Serializer):
    network = serializers.CharField()
    handle = serializers.CharField()
    name = serializers.CharField()
    followers = serializers.IntegerField(allow_null=True)
    source = serializers.ChoiceField(
        choices=["connected", "uploaded"],
        help_text="connected: synced through the network's API; uploaded: from the member's own files.",
    )
    profile_origin = serializers.CharField(
        allow_null=True, help_text="Where the profile figures came from; null while only the id is known."
    )
    sync_status = serializers.CharField(
        allow_null=True,
        help_text="For a connected account: active, revoked (reconnect), error or disconnected.",
    )
    last_synced_at = serializers.DateTimeField(allow_null=True)
    last_sync = SyncSerializer(allow_null=True, help_text="The latest sync of a connected account.")


def _account_row(identity, account, run) -> dict:
    return {
        "network": identity.network,
        "handle": identity.handle or identity.external_id,
        "name": identity.name,
        "followers": identity.followers,
        "source": "connected" if account else "uploaded",
        "profile_origin": Origin(identity.origin).label if identity.origin is not None else None,
        "sync_status": account.status if account else None,
        "last_synced_at": account.last_synced_at if account else None,
        "last_sync": run,
    }


class MyAccountsApi(ApiView):
    required_scopes = {"GET": "me:read"}
    throttle_scope = "me"

    @extend_schema(
        responses={200: AccountSerializer(many=True), **errors(401, 403, 429)},
        summary="My accounts: connected and uploaded, with their sync state",
        tags=["me"],
    )
    def get(self, request: Request) -> Response:
        rows = [_account_row(*row) for row in member_accounts(member=api_member(request))]
        return Response(AccountSerializer(rows, many=True).data)

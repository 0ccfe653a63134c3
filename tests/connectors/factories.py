"""Factories for parsed records; members come from ``tests.factories``."""

from __future__ import annotations

from datetime import UTC, datetime

import factory

from connectors.records import IdentityRecord, InteractionRecord, PostRecord
from tests.factories import MemberFactory, UserFactory

__all__ = [
    "IdentityRecordFactory",
    "InteractionRecordFactory",
    "MemberFactory",
    "PostRecordFactory",
    "UserFactory",
]


class IdentityRecordFactory(factory.Factory):
    class Meta:
        model = IdentityRecord

    network = "x"
    external_id = factory.Sequence(lambda n: str(1000 + n))
    handle = factory.Sequence(lambda n: f"user{n}")


class PostRecordFactory(factory.Factory):
    class Meta:
        model = PostRecord

    network = "x"
    external_id = factory.Sequence(lambda n: str(900000 + n))
    author_id = "1"
    created_at = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


class InteractionRecordFactory(factory.Factory):
    class Meta:
        model = InteractionRecord

    network = "x"
    kind = "like"
    actor_id = factory.Sequence(lambda n: str(5000 + n))
    target_id = "1"
    occurred_at = datetime(2024, 5, 2, 8, 30, tzinfo=UTC)
    post_id = "900000"

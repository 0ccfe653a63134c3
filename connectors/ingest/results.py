"""What an ingest reports: counts per kind of record, and the reasons for rejections."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    rejected: int = 0
    # Dropped because they involve a tombstoned (opted-out) identity.
    dropped: int = 0
    # Left out of an upload because they are not about the uploader's own identities.
    not_own: int = 0

    def add(self, other: Counts) -> None:
        self.new += other.new
        self.updated += other.updated
        self.duplicate += other.duplicate
        self.rejected += other.rejected
        self.dropped += other.dropped
        self.not_own += other.not_own


@dataclass(frozen=True)
class Rejection:
    record_type: str  # "identity", "post" or "interaction"
    index: int  # position in the batch's list of that type
    reason: str


@dataclass
class IngestResult:
    identities: Counts = field(default_factory=Counts)
    posts: Counts = field(default_factory=Counts)
    interactions: Counts = field(default_factory=Counts)
    # Identities created with only an id because a post or interaction referred to them.
    bare_identities_created: int = 0
    # Identities whose data changed: new or updated identities, authors of new or updated
    # posts, actors and targets of new interactions.
    changed_identity_ids: set[int] = field(default_factory=set)
    rejections: list[Rejection] = field(default_factory=list)
    # Self-reported interactions removed because the API fetched the post they are about.
    self_reported_replaced: int = 0

    def add(self, other: IngestResult) -> None:
        self.identities.add(other.identities)
        self.posts.add(other.posts)
        self.interactions.add(other.interactions)
        self.bare_identities_created += other.bare_identities_created
        self.self_reported_replaced += other.self_reported_replaced
        self.changed_identity_ids |= other.changed_identity_ids
        self.rejections.extend(other.rejections)

    @property
    def imported(self) -> int:
        return (
            self.identities.new
            + self.identities.updated
            + self.posts.new
            + self.posts.updated
            + self.interactions.new
        )

    @property
    def duplicates(self) -> int:
        return self.identities.duplicate + self.posts.duplicate + self.interactions.duplicate

    @property
    def rejected(self) -> int:
        return self.identities.rejected + self.posts.rejected + self.interactions.rejected

    @property
    def dropped(self) -> int:
        return self.identities.dropped + self.posts.dropped + self.interactions.dropped

    @property
    def not_own(self) -> int:
        return self.identities.not_own + self.posts.not_own + self.interactions.not_own

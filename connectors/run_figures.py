"""The figures an upload's result page shows, worked out from the stats its run stored.

The stored ``read`` and ``imported`` do not count the same things, so they cannot be shown side
by side: an activity file's ``read`` counts its lines, and one line can hold several records (an
interaction whose actor comes with a profile is two; an X status is a post, its author and its
mentions), while ``imported`` counts stored records of every kind but leaves out the updated
interactions. A file of four lines can thus "import" six. The figures here all count records
(a post, an interaction, a profile), plus each line that could not be read as one, so that
new + updated + already there + skipped = read, for every file format. They are derived from
the per-kind counts each run stores, so the runs stored before read as well.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from connectors.models import SyncRun

_KINDS = ("posts", "interactions", "identities")
# The run source of the activity file (``connectors/jsonl/source.py``).
ACTIVITY_FILE_SOURCE = "jsonl"


@dataclass(frozen=True)
class ImportFigures:
    read: int  # records read from the file, and the lines that could not be read
    new: int
    updated: int  # stored before, changed by this file
    already: int  # stored before and unchanged, or repeated within the file
    skipped: int  # unreadable + not_own + opted_out
    unreadable: int  # lines or records that were not valid
    unreadable_lines: int  # of which lines of an activity file (the others: records of an archive)
    not_own: int  # about accounts that are not the uploader's: an upload may not describe them
    opted_out: int  # about people who opted out of Klout
    new_posts: int
    new_interactions: int
    new_profiles: int
    # Accounts the file named that Klout did not know, added by their id alone.
    accounts_named: int
    # Non-blank lines of an activity file; None for an archive, which has no lines to speak of.
    lines: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def _count(counts: dict, key: str) -> int:
    value = counts.get(key, 0)
    return value if isinstance(value, int) else 0


def sync_run_figures(*, run: SyncRun) -> ImportFigures | None:
    """The figures of a finished upload; None for a run without per-kind counts (an API sync
    stores plain totals there, a failed import stores nothing)."""
    stats = run.stats or {}
    kinds = [stats.get(kind) for kind in _KINDS]
    if not all(isinstance(counts, dict) for counts in kinds):
        return None

    def total(key: str) -> int:
        return sum(_count(counts, key) for counts in kinds)

    posts, interactions, identities = kinds
    # The stored "rejected" is the lines the parser refused plus the records the ingest refused.
    unreadable_lines = max(_count(stats, "rejected") - total("rejected"), 0)
    unreadable = unreadable_lines + total("rejected")
    not_own, opted_out = total("not_own"), total("dropped")
    new, updated, already = total("new"), total("updated"), total("duplicate")
    skipped = unreadable + not_own + opted_out
    return ImportFigures(
        read=new + updated + already + skipped,
        new=new,
        updated=updated,
        already=already,
        skipped=skipped,
        unreadable=unreadable,
        unreadable_lines=unreadable_lines,
        not_own=not_own,
        opted_out=opted_out,
        new_posts=_count(posts, "new"),
        new_interactions=_count(interactions, "new"),
        new_profiles=_count(identities, "new"),
        accounts_named=_count(stats, "bare_identities_created"),
        # Only the activity file's importer counts lines as "read"; an archive's counts records.
        lines=_count(stats, "read") if run.source == ACTIVITY_FILE_SOURCE else None,
    )

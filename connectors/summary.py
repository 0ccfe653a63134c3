"""The human-readable summary of an import, shared by the commands and the status page."""

from __future__ import annotations

from connectors.imports import ImportReport


def report_lines(report: ImportReport) -> list[str]:
    result = report.ingest
    lines = [
        f"records read: {report.read}",
        f"imported: {result.imported} "
        f"(interactions {result.interactions.new}, "
        f"posts {result.posts.new} new / {result.posts.updated} updated, "
        f"identities {result.identities.new} new / {result.identities.updated} updated)",
        f"duplicates: {result.duplicates}",
        f"rejected: {report.rejected + result.rejected}",
    ]
    if result.dropped:
        lines.append(f"dropped (opted-out identities): {result.dropped}")
    if result.not_own:
        lines.append(f"not about the member's own accounts, left out: {result.not_own}")
    if report.archive:
        a = report.archive
        lines.append(
            f"archive of @{a.handle} ({a.account_id}): {a.tweets} posts, {a.followers} followers, "
            f"{a.following} following; {a.likes_skipped} likes not imported "
            "(X does not say whose posts they are)"
        )
    for rejection in report.rejected_lines:
        lines.append(f"  line {rejection.line}: {rejection.reason}")
    if report.rejected > len(report.rejected_lines):
        lines.append(f"  ... and {report.rejected - len(report.rejected_lines)} more rejected lines")
    return lines

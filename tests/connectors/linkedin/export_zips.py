"""A LinkedIn data export built by hand, the way LinkedIn writes one.

No public sample of "Get a copy of your data" exists to record, so this follows LinkedIn's own
description of the files (Profile.csv, Connections.csv with its notes before the header,
Shares.csv, Comments.csv, Reactions.csv, Articles/Articles/*.html) and the CSV they are: UTF-8
with a byte-order mark, fields quoted when they hold commas, quotes or line breaks, quotes
doubled inside them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

PROFILE = "alice-smith"
# A post the way people write them on LinkedIn: many lines, quotes, commas, an emoji.
LONG_POST = (
    'Three things I learned launching "Project Lumen", in order:\n'
    "\n"
    '1. Ship early, "perfect" is a trap.\n'
    "2. Listen, then listen again, to the people who use it.\n"
    "3. Thank the team \U0001f64f\n"
    "\n"
    "#productmanagement #launch"
)


def _csv(rows: list[list[str]], *, notes: list[str] = ()) -> str:
    out = io.StringIO()
    for note in notes:
        out.write(note + "\n")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return "\ufeff" + out.getvalue()


def _more_connections(count: int) -> list[list[str]]:
    # A larger network for tests that need an audience past the score's floor: generated rows of
    # the same shape (say so where they are used).
    return [
        [f"Member{n}", "Sample", f"https://www.linkedin.com/in/member{n}-sample", "", "", "", "01 Jun 2025"]
        for n in range(count)
    ]


def sample_files(*, extra_connections: int = 0) -> dict[str, str]:
    return {
        "Profile.csv": _csv(
            [
                [
                    "First Name",
                    "Last Name",
                    "Maiden Name",
                    "Address",
                    "Birth Date",
                    "Headline",
                    "Summary",
                    "Industry",
                    "Zip Code",
                    "Geo Location",
                    "Twitter Handles",
                    "Websites",
                    "Instant Messengers",
                ],
                [
                    "Alice",
                    "Smith",
                    "",
                    "",
                    "",
                    "Product lead at Lumen",
                    "I build things people love, together.",
                    "Software Development",
                    "",
                    "Lisbon, Portugal",
                    "",
                    "",
                    "",
                ],
            ]
        ),  # fmt: skip
        "Connections.csv": _csv(
            [
                ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"],
                [
                    "Bob",
                    "Jones",
                    "https://www.linkedin.com/in/bob-jones",
                    "",
                    "Acme",
                    "Engineer",
                    "05 Mar 2024",
                ],
                [
                    "Carol",
                    "Li",
                    "https://www.linkedin.com/in/carol-li",
                    "carol@example.com",
                    "Lumen",
                    "Designer",
                    "12 Jan 2025",
                ],
                ["Dan", "Roe", "https://www.linkedin.com/in/dan-roe", "", "", "", "30 Nov 2026"],
                *_more_connections(extra_connections),
            ],
            notes=[
                "Notes:",
                '"When exporting your connection data, you may notice that some of the email addresses '
                "are missing. You will only see email addresses for connections who have allowed their "
                'connections to see or download their email address."',
                "",
            ],
        ),  # fmt: skip
        "Shares.csv": _csv(
            [
                ["Date", "ShareLink", "ShareCommentary", "SharedUrl", "MediaUrl", "Visibility"],
                [
                    "2026-11-20 09:15:02",
                    "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7123456789012345678",
                    LONG_POST,
                    "",
                    "",
                    "MEMBER_NETWORK",
                ],
                [
                    "2026-11-25 18:02:44",
                    "https://www.linkedin.com/feed/update/urn%3Ali%3AugcPost%3A7125555555555555555",
                    "We are hiring, come build with us.",
                    "https://lumen.example/jobs",
                    "",
                    "PUBLIC",
                ],
            ]
        ),  # fmt: skip
        "Comments.csv": _csv(
            [
                ["Date", "Link", "Message"],
                [
                    "2026-11-22 10:00:00",
                    "https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7124444444444444444",
                    'Congratulations, "well deserved"!',
                ],
            ]
        ),  # fmt: skip
        "Reactions.csv": _csv(
            [
                ["Date", "Type", "Link"],
                [
                    "2026-11-23 08:00:00",
                    "LIKE",
                    "https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A71244",
                ],
                [
                    "2026-11-24 08:00:00",
                    "PRAISE",
                    "https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A71245",
                ],
            ]
        ),  # fmt: skip
        "Articles/Articles/2026-10-01 08:30:00.0-Why small teams win.html": (
            "<html><head><title>Why small teams win</title></head><body>"
            '<h1>Why small teams win</h1><p class="created">Created on 2026-10-01 08:30</p>'
            '<p class="published">Published on 2026-10-02 09:00</p><p>Small teams ship.</p></body></html>'
        ),
    }


def build_linkedin_export(
    path: Path, *, replace: dict[str, str | bytes | None] | None = None, extra_connections: int = 0
) -> Path:
    files = {**sample_files(extra_connections=extra_connections), **(replace or {})}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            if text is not None:
                archive.writestr(name, text)
    return path

"""Parser for the zip of LinkedIn's "Get a copy of your data" (Settings, Data privacy).

LinkedIn gives its API's member analytics only to approved partners, so its export is how a
member brings LinkedIn in. What is read, and how:

- ``Profile.csv``: the member's name, headline and summary (the bio) and location.
- ``Connections.csv``: the member's connections, counted as their audience. After a few lines of
  notes, one row per connection (name, address, e-mail, company, position, date). Only the
  count is kept: the people themselves, and their e-mail addresses, are not stored.
- ``Shares.csv``: the member's posts (``Date``, ``ShareLink``, ``ShareCommentary``, ...). Their
  text often spans many lines and holds quotes, written the CSV way (a quoted field, quotes
  doubled): each row is one post with its whole text.
- ``Comments.csv``: the comments the member wrote (``Date``, ``Link``, ``Message``), posts of
  kind ``comment`` under the post they answer.
- ``Articles/``: the member's articles, one HTML file each, posts of kind ``article``.
- ``Reactions.csv`` (what the member reacted to) names no post's author, so it counts for no
  one: its rows are only counted in the report.

The export says nothing of the reactions the member's posts received, nor the address of the
member's own profile: the member gives it on the upload page (``profile``), or ``Profile.csv``
holds it in a ``Public Profile Url`` column where LinkedIn writes one.

The zip is checked before anything is decompressed (``connectors.archives.zip_open``); each
CSV is read row by row. A row that cannot be read stops the import with the file and line.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

from connectors.archives import (
    ArchiveChunk,
    ArchiveError,
    ArchiveStats,
    MissingFileError,
    ReadProgress,
    zip_names,
    zip_open,
)
from connectors.records import (
    PLAUSIBLE_YEARS,
    Batch,
    ExternalIdError,
    IdentityRecord,
    PostRecord,
    external_id_canonical,
)

NETWORK = "linkedin"
BATCH_SIZE = 500
# A post is at most 3,000 characters on LinkedIn; an article's HTML can be long. A field far
# past these is a broken file (an unclosed quote swallowing the rest), not a post.
MAX_FIELD_CHARACTERS = 1_000_000
MAX_ARTICLE_BYTES = 5 * 1024 * 1024
_URN = re.compile(r"urn:li:(?:share|activity|ugcPost|article|comment):[0-9A-Za-z(),:_-]{1,100}")


def _file(names: list[str], wanted: str) -> str | None:
    for name in names:
        if name == wanted or name.endswith(f"/{wanted}"):
            return name
    return None


def is_linkedin_export(names: list[str]) -> bool:
    return bool(
        _file(names, "Profile.csv") and (_file(names, "Shares.csv") or _file(names, "Connections.csv"))
    )


def linkedin_export_recognized(path: Path) -> bool:
    return is_linkedin_export(zip_names(Path(path)))


def _time(value: str, *, where: str) -> datetime:
    """LinkedIn's times: ``2024-03-05 14:22:10`` (UTC) in posts, ``05 Mar 2024`` for connections."""
    text = (value or "").strip()
    for layout in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d %b %Y", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(text, layout).replace(tzinfo=UTC)
        except ValueError:
            continue
        if moment.year in PLAUSIBLE_YEARS:
            return moment
        break
    raise ArchiveError(f"{where}: {text!r} is not a date LinkedIn writes (like 2024-03-05 14:22:10)")


def _urn(link: str) -> str:
    found = _URN.search(unquote(link or ""))
    return found.group(0)[:100] if found else ""


def _post_id(author: str, link: str, fallback: str) -> str:
    """An id of the member's own: the URN their address names (``urn:li:share:…``), or the row
    when it names none, with the author in it. An upload is only its member's word: an id
    without its author could be taken first by someone who copied the URN."""
    key = _urn(link) or "row:" + fallback
    return "export:" + hashlib.sha256(f"{author}\n{key}".encode()).hexdigest()[:40]


class _Rows:
    """The rows of one CSV of the export, as dicts, with a line number for every message."""

    def __init__(self, archive: zipfile.ZipFile, name: str, progress: ReadProgress) -> None:
        self.archive, self.name, self.progress = archive, name, progress
        self.label = name.rsplit("/", 1)[-1]

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        csv.field_size_limit(MAX_FIELD_CHARACTERS)
        with self.archive.open(self.name) as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="strict", newline="")
            reader = csv.reader(text)
            header: list[str] | None = None
            try:
                for row in reader:
                    if header is None:
                        # Connections.csv opens with notes; its header is the first row naming columns.
                        if len(row) >= 2 and all(cell.strip() for cell in row[:2]):
                            header = [cell.strip() for cell in row]
                        continue
                    if not any(cell.strip() for cell in row):
                        continue
                    if len(row) != len(header):
                        raise ArchiveError(
                            f"{self.label}, line {reader.line_num}: {len(row)} fields where the header "
                            f"names {len(header)} (a quote left open, or a line cut short?)"
                        )
                    yield reader.line_num, dict(zip(header, row, strict=True))
            except csv.Error as error:
                raise ArchiveError(f"{self.label}, line {reader.line_num}: {error}") from None
            except UnicodeDecodeError:
                raise ArchiveError(f"{self.label} is not UTF-8 text, as LinkedIn writes it") from None
        self.progress.done(self.name)


def _profile(archive: zipfile.ZipFile, names: list[str], progress: ReadProgress) -> dict[str, str]:
    name = _file(names, "Profile.csv")
    if name is None:
        raise MissingFileError("This is not a LinkedIn data export: it has no Profile.csv.")
    for _, row in _Rows(archive, name, progress):
        return row
    raise ArchiveError("Profile.csv holds no profile.")


def _account_id(profile: dict[str, str], given: str | None) -> str:
    address = given or profile.get("Public Profile Url") or profile.get("Profile URL") or ""
    if not address.strip():
        raise ArchiveError(
            "A LinkedIn export does not say which profile it is: give your profile's address "
            "(linkedin.com/in/…) with the upload."
        )
    try:
        return external_id_canonical(network=NETWORK, external_id=address.strip())
    except ExternalIdError as error:
        raise ArchiveError(str(error)) from None


def _article(archive: zipfile.ZipFile, name: str, author: str) -> PostRecord | None:
    info = archive.getinfo(name)
    if info.file_size > MAX_ARTICLE_BYTES:
        raise ArchiveError(f"{name.rsplit('/', 1)[-1]} is larger than an article can be")
    try:
        page = archive.read(name).decode("utf-8")
    except UnicodeDecodeError:
        raise ArchiveError(f"{name.rsplit('/', 1)[-1]} is not UTF-8 text, as LinkedIn writes it") from None
    title = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    created = re.search(
        r"(?:Created|Published) on\s*([0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2})?)", page
    )
    if not title or not created:
        raise ArchiveError(f"{name.rsplit('/', 1)[-1]}: an article without its title or date")
    text = html.unescape(re.sub(r"<[^>]+>", " ", title.group(1))).strip()
    base = name.rsplit("/", 1)[-1]
    return PostRecord(
        network=NETWORK,
        external_id=_post_id(author, "", f"article:{base}"),
        author_id=author,
        created_at=_time(created.group(1), where=base),
        kind="article",
        text=text[:5000],
    )


def linkedin_export_chunks(
    *, path: Path, observed_at: datetime, stats: ArchiveStats, profile: str | None = None
) -> Iterator[ArchiveChunk]:
    archive, names = zip_open(Path(path), what="LinkedIn data export")
    progress = ReadProgress({info.filename: info.file_size for info in archive.infolist()})
    with archive:
        person = _profile(archive, names, progress)
        author = _account_id(person, profile)
        stats.account_id = author
        name = " ".join(p for p in (person.get("First Name", ""), person.get("Last Name", "")) if p.strip())
        bio = "\n".join(t for t in (person.get("Headline", ""), person.get("Summary", "")) if t.strip())
        connections = _file(names, "Connections.csv")
        if connections is not None:
            stats.followers = sum(1 for _ in _Rows(archive, connections, progress))
        yield ArchiveChunk(
            batch=Batch(
                identities=[
                    IdentityRecord(
                        network=NETWORK,
                        external_id=author,
                        handle=author,
                        name=name[:200],
                        followers=stats.followers or None,
                        bio=bio[:2000],
                        location=(person.get("Geo Location") or "")[:255],
                        url=f"https://www.linkedin.com/in/{author}",
                    )
                ]
            ),
            progress=progress.fraction,
        )
        batch = Batch()
        for post in _posts(archive, names, progress, author, stats):
            batch.posts.append(post)
            if len(batch) >= BATCH_SIZE:
                yield ArchiveChunk(batch=batch, progress=progress.fraction)
                batch = Batch()
        reactions = _file(names, "Reactions.csv")
        if reactions is not None:
            stats.extra["reactions_given_not_counted"] = sum(1 for _ in _Rows(archive, reactions, progress))
        yield ArchiveChunk(batch=batch, progress=1.0)


def _posts(
    archive: zipfile.ZipFile, names: list[str], progress: ReadProgress, author: str, stats: ArchiveStats
) -> Iterator[PostRecord]:
    shares = _file(names, "Shares.csv")
    if shares is None and _file(names, "Connections.csv") is None:
        raise MissingFileError("This LinkedIn export has no Shares.csv (your posts) and no Connections.csv.")
    if shares is not None:
        for line, row in _Rows(archive, shares, progress):
            stats.tweets += 1
            text = (row.get("ShareCommentary") or "").strip()
            where = f"Shares.csv, line {line}"
            created = _time(row.get("Date", ""), where=where)
            link = row.get("ShareLink") or ""
            yield PostRecord(
                network=NETWORK,
                external_id=_post_id(author, link, f"share:{row.get('Date')}:{text}"),
                author_id=author,
                created_at=created,
                kind="post",
                text=text[:5000],
                url=link if link.startswith("https://www.linkedin.com/") else "",
            )
    comments = _file(names, "Comments.csv")
    if comments is not None:
        for line, row in _Rows(archive, comments, progress):
            link = row.get("Link") or ""
            message = (row.get("Message") or "").strip()
            yield PostRecord(
                network=NETWORK,
                external_id=_post_id(author, "", f"comment:{row.get('Date')}:{link}:{message}"),
                author_id=author,
                created_at=_time(row.get("Date", ""), where=f"Comments.csv, line {line}"),
                kind="comment",
                text=message[:5000],
                parent_id=_urn(link),
            )
    for name in names:
        if "/Articles/" in f"/{name}" and name.lower().endswith(".html"):
            article = _article(archive, name, author)
            if article is not None:
                yield article

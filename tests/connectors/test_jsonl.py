from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from connectors.imports import ImportRefused
from connectors.jsonl.imports import activity_import_jsonl
from connectors.jsonl.parser import JsonlFormatError, jsonl_chunks
from connectors.models import Identity, Interaction, Post
from connectors.records import NETWORKS

pytestmark = pytest.mark.django_db

ISSUE_EXAMPLE = {
    "network": "x",
    "kind": "repost",
    "actor": {"id": "21061006", "handle": "alice"},
    "target": {"id": "39364684"},
    "post_id": "265953402234748928",
    "occurred_at": "2012-11-06T20:07:27Z",
}


def _file(*lines: object) -> io.BytesIO:
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    return io.BytesIO(text.encode())


def _rows() -> tuple[int, int, int]:
    return Identity.objects.count(), Post.objects.count(), Interaction.objects.count()


def test_the_documented_example_line_is_imported():
    report = activity_import_jsonl(stream=_file(ISSUE_EXAMPLE))

    interaction = Interaction.objects.get()
    assert (interaction.kind, interaction.actor.handle, interaction.target.external_id) == (
        "repost",
        "alice",
        "39364684",
    )
    assert interaction.post_external_id == "265953402234748928"
    assert interaction.occurred_at == datetime(2012, 11, 6, 20, 7, 27, tzinfo=UTC)
    assert (report.read, report.rejected) == (1, 0)


def test_identity_and_post_lines_are_imported():
    activity_import_jsonl(
        stream=_file(
            {
                "record": "identity",
                "network": "x",
                "id": "39364684",
                "handle": "bob",
                "followers": 123,
                "listed": 9,
            },
            {
                "network": "x",
                "kind": "post",
                "actor": {"id": "39364684"},
                "post_id": "7",
                "occurred_at": "2024-01-02T03:04:05+01:00",
                "text": "hi",
                "likes": 4,
                "post_kind": "photo",
            },
        )
    )

    bob = Identity.objects.get(external_id="39364684")
    post = Post.objects.get()
    assert (bob.handle, bob.followers, bob.listed) == ("bob", 123, 9)
    assert (post.author, post.kind, post.text, post.likes) == (bob, "photo", "hi", 4)
    assert post.created_at == datetime(2024, 1, 2, 2, 4, 5, tzinfo=UTC)


def test_importing_a_file_twice_leaves_the_same_rows():
    lines = [
        ISSUE_EXAMPLE,
        {**ISSUE_EXAMPLE, "kind": "like"},
        {"record": "identity", "network": "x", "id": "5"},
    ]
    activity_import_jsonl(stream=_file(*lines))
    once = _rows()

    second = activity_import_jsonl(stream=_file(*lines))

    assert _rows() == once
    assert second.ingest.imported == 0
    assert second.ingest.interactions.duplicate == 2


def test_rejected_lines_are_reported_with_numbers_and_reasons_and_the_rest_imported():
    report = activity_import_jsonl(
        stream=_file(
            ISSUE_EXAMPLE,
            {**ISSUE_EXAMPLE, "kind": "poke"},
            "",
            {**ISSUE_EXAMPLE, "occurred_at": "2012-11-06 20:07"},
            {**ISSUE_EXAMPLE, "network": "myspace"},
            {**ISSUE_EXAMPLE, "target": "39364684"},
            {**ISSUE_EXAMPLE, "kind": "like", "post_id": 265953402234748928},
            '{"network": "x", "kind": "like",, }',
            {**ISSUE_EXAMPLE, "kind": "follow"},
            {**ISSUE_EXAMPLE, "kind": "mention"},
        )
    )

    assert [(r.line, r.reason) for r in report.rejected_lines] == [
        (2, "kind 'poke' is not one of post, repost, reply, quote, like, mention, follow"),
        (4, "occurred_at '2012-11-06 20:07' has no time zone (end it with Z or +00:00)"),
        (5, "network 'myspace' is not one of " + ", ".join(NETWORKS)),
        (6, 'target must be an object such as {"id": "..."}, not a string'),
        (7, "post_id must be a string (ids written as numbers lose digits)"),
        (8, "not valid JSON: Expecting property name enclosed in double quotes at column 33"),
        (9, "a follow concerns no post: remove post_id"),
    ]
    assert (report.read, report.rejected) == (9, 7)
    assert sorted(Interaction.objects.values_list("kind", flat=True)) == ["mention", "repost"]


def test_a_byte_order_mark_at_the_start_is_ignored():
    stream = io.BytesIO(b"\xef\xbb\xbf" + json.dumps(ISSUE_EXAMPLE).encode() + b"\n")

    report = activity_import_jsonl(stream=stream)

    assert (report.read, report.rejected) == (1, 0)


def test_network_option_applies_to_lines_without_one():
    line = {key: value for key, value in ISSUE_EXAMPLE.items() if key != "network"}

    report = activity_import_jsonl(stream=_file(line), network="youtube")

    assert report.rejected == 0
    assert Interaction.objects.get().network == "youtube"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"network": "x"}]\n', "one JSON array, not JSON Lines"),
        (b"PK\x03\x04\x14\x00\x00\x00", "binary file"),
        (b"kind,actor,target\nlike,1,2\n", "its first line is not a JSON object"),
        (b'"just a string"\n', "its first line is not a JSON object"),
    ],
)
def test_a_file_that_is_not_json_lines_is_refused_and_nothing_written(content, message):
    with pytest.raises(ImportRefused, match=message):
        activity_import_jsonl(stream=io.BytesIO(content + json.dumps(ISSUE_EXAMPLE).encode() + b"\n"))

    assert _rows() == (0, 0, 0)


def test_an_empty_file_is_refused():
    with pytest.raises(ImportRefused, match="The file is empty"):
        activity_import_jsonl(stream=io.BytesIO(b"\n\n"))


def test_an_overlong_line_is_rejected_without_reading_it_into_memory(monkeypatch):
    from connectors.jsonl import parser as jsonl

    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 300)
    long_line = {**ISSUE_EXAMPLE, "actor": {"id": "1", "bio": "x" * 1000}}

    report = activity_import_jsonl(stream=_file(ISSUE_EXAMPLE, long_line, {**ISSUE_EXAMPLE, "kind": "like"}))

    assert [(r.line, r.reason) for r in report.rejected_lines] == [(2, "line is longer than 1 MB")]
    assert Interaction.objects.count() == 2


def test_chunks_split_a_file_into_batches_and_count_lines():
    chunks = list(jsonl_chunks(stream=_file(*[ISSUE_EXAMPLE] * 5), chunk_records=2))

    assert [len(c.batch.interactions) for c in chunks] == [2, 2, 1]
    assert chunks[-1].lines_read == 5


def test_unknown_default_network_is_refused():
    with pytest.raises(JsonlFormatError, match="--network 'friendster'"):
        list(jsonl_chunks(stream=_file(ISSUE_EXAMPLE), default_network="friendster"))


def test_import_activity_command_prints_the_summary_with_rejected_lines(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "activity.jsonl"
    path.write_text(json.dumps(ISSUE_EXAMPLE) + "\n" + json.dumps({**ISSUE_EXAMPLE, "kind": "poke"}) + "\n")
    out = io.StringIO()

    call_command("import_activity", str(path), stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "records read: 2"
    assert "duplicates: 0" in lines and "rejected: 1" in lines
    assert "  line 2: kind 'poke' is not one of post, repost, reply, quote, like, mention, follow" in lines


def test_import_activity_command_refuses_a_file_that_is_not_json_lines(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "activity.csv"
    path.write_text("kind,actor\nlike,1\n")

    with pytest.raises(CommandError, match="first line is not a JSON object.*Nothing was imported"):
        call_command("import_activity", str(path))
    assert _rows() == (0, 0, 0)


def test_the_fast_path_for_plain_interactions_agrees_with_the_full_parser(monkeypatch):
    from connectors.jsonl import parser as jsonl

    base = {"network": "x", "kind": "like", "actor": {"id": "1"}, "target": {"id": "2"}}
    base["occurred_at"] = "2024-01-02T03:04:05Z"
    lines = [
        base,
        {**base, "post_id": "99", "occurred_at": "2024-01-02T03:04:05+01:00"},
        {**base, "post_id": None},
        {**base, "post_id": 99},
        {**base, "kind": "follow", "post_id": "99"},
        {**base, "kind": "follow"},
        {**base, "kind": ["like"]},
        {**base, "kind": "poke"},
        {**base, "network": "myspace"},
        {**base, "network": ["x"]},
        {k: v for k, v in base.items() if k != "network"},
        {**base, "record": "activity"},
        {**base, "record": "other"},
        {**base, "actor": {"id": 1}},
        {**base, "actor": {"id": ""}},
        {**base, "actor": {"id": "a\x00"}},
        {**base, "actor": {"id": "9" * 129}},
        {**base, "actor": {"id": "1", "handle": "alice"}},
        {**base, "actor": "1"},
        {**base, "actor": {}},
        {k: v for k, v in base.items() if k != "target"},
        {**base, "target": {"id": None}},
        {**base, "occurred_at": "2024-01-02T03:04:05"},
        {**base, "occurred_at": "yesterday"},
        {**base, "occurred_at": 1700000000},
        {k: v for k, v in base.items() if k != "occurred_at"},
        {**base, "post_id": "p" * 129},
        {**base, "post_id": "p\x00"},
        # where orjson and the json module disagree, the json module's reading is the one used
        '{"record": "identity", "network": "x", "id": "5", "followers": 123456789012345678901234567890}',
        json.dumps(base).replace('"x"', "NaN"),
        json.dumps(base).replace('"2"', "18446744073709551616"),
        json.dumps(base).replace('"1"', '"\\ud800"'),
    ]

    def parse():
        chunk = next(jsonl.jsonl_chunks(stream=_file(*lines), default_network="bluesky"))
        return chunk.batch, [(r.line, r.reason) for r in chunk.rejections]

    fast = parse()
    monkeypatch.setattr(jsonl, "_plain_interaction", lambda obj, default_network: None)
    careful = parse()

    assert fast == careful
    # The last line's actor id is a lone surrogate: not an X id (they are ASCII digits).
    assert len(fast[0].interactions) == 7 and len(fast[1]) == len(lines) - 7
    assert any("plain ASCII" in reason for _, reason in fast[1])
    # orjson would have read this count as a float: "must be a whole number"
    assert (29, "followers is out of range") in fast[1]


def test_an_import_aborted_by_a_deadlock_is_read_again_from_the_start_and_counted_once(db, monkeypatch):
    import io

    from django.db import OperationalError

    from connectors import imports
    from connectors.jsonl.imports import activity_import_jsonl

    class Deadlock(Exception):
        sqlstate = "40P01"

    real = imports.ingest_batches
    calls = []

    def once_aborted(*, batches, **options):
        calls.append(1)
        if len(calls) == 1:
            list(batches)  # read it all, as a real attempt may before it is aborted
            raise OperationalError("deadlock detected") from Deadlock()
        return real(batches=batches, **options)

    monkeypatch.setattr(imports, "ingest_batches", once_aborted)
    monkeypatch.setattr(imports.time, "sleep", lambda seconds: None)
    line = (
        '{"network": "x", "kind": "follow", "actor": {"id": "1"}, "target": {"id": "2"}, '
        '"occurred_at": "2024-01-01T00:00:00Z"}'
    )
    report = activity_import_jsonl(stream=io.BytesIO(f"{line}\nnot json\n".encode()))

    assert len(calls) == 2
    assert (report.read, report.rejected, report.ingest.interactions.new) == (2, 1, 1)
    assert [r.line for r in report.rejected_lines] == [2]


def test_a_line_nested_too_deeply_is_rejected_and_a_first_line_so_nested_refuses_the_file(db):
    import io

    from connectors.imports import ImportRefused
    from connectors.jsonl.imports import activity_import_jsonl

    good = (
        '{"network": "x", "kind": "follow", "actor": {"id": "1"}, "target": {"id": "2"}, '
        '"occurred_at": "2024-01-01T00:00:00Z"}'
    )
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    report = activity_import_jsonl(stream=io.BytesIO(f"{good}\n{deep}\n".encode()))
    assert [(r.line, r.reason) for r in report.rejected_lines] == [(2, "not valid JSON: nested too deeply")]
    assert report.ingest.interactions.new == 1

    with pytest.raises(ImportRefused, match="nested too deeply"):
        activity_import_jsonl(stream=io.BytesIO(f"{deep}\n{good}\n".encode()))

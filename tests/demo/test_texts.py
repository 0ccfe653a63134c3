"""What the generated demo accounts write: seeded, varied, about their interests, and replies
of the tone VADER reads in them."""

from __future__ import annotations

import numpy as np
import pytest

from connectors.records import Tone
from demo.interests import INTERESTS, TONE_SHARES
from demo.population import PopulationSpec, generate, iter_batches, population_texts
from demo.texts import TOPICS, _compile, feedback_variants
from scoring.engine import KIND_CODE
from scoring.tone import tone_of
from scoring.topics import HASHTAG, topics_rank


@pytest.fixture(scope="module")
def population():
    return generate(spec=PopulationSpec(identities=2_000, seed=21))


@pytest.fixture(scope="module")
def records(population):
    batches = list(iter_batches(population=population, batch_size=3_000, reply_posts=True))
    return {
        "identities": [r for b in batches for r in b.identities],
        "posts": [r for b in batches for r in b.posts if r.kind == "post"],
        "answers": [r for b in batches for r in b.posts if r.kind != "post"],
    }


def _texts(population, **options) -> list[str]:
    return [r.text for b in iter_batches(population=population, **options) for r in b.posts]


def test_same_seed_gives_the_same_texts_whatever_the_batch_size(population, records):
    small = generate(spec=PopulationSpec(identities=300, seed=4))
    assert _texts(small, batch_size=500) == _texts(small, batch_size=20_000)
    assert [r.text for r in records["posts"]] == _texts(population, batch_size=7_000)
    other = generate(spec=PopulationSpec(identities=300, seed=5))
    assert _texts(other)[:200] != _texts(small)[:200]


def test_texts_leave_the_rest_of_the_population_as_it_was(population):
    again = generate(spec=PopulationSpec(identities=2_000, seed=21))
    population_texts(population=again).posts().__next__()
    for column in ("followers", "actor", "target", "kind", "time", "post_author", "post_time", "person"):
        np.testing.assert_array_equal(getattr(again, column), getattr(population, column))


def test_texts_are_varied_and_read_like_posts(records):
    texts = [r.text for r in records["posts"]]
    assert len(set(texts)) > 0.5 * len(texts)
    assert not any(text.lower().startswith("demo post") for text in texts)
    questions = sum("?" in text for text in texts) / len(texts)
    tagged = sum("#" in text for text in texts) / len(texts)
    assert 0.1 < questions < 0.4 and 0.6 < tagged < 0.9
    # An author seldom says the very same thing twice.
    by_author: dict[str, list[str]] = {}
    for record in records["posts"]:
        by_author.setdefault(record.author_id, []).append(record.text)
    prolific = [own for own in by_author.values() if len(own) >= 30]
    assert prolific
    assert np.median([len(set(own)) / len(own) for own in prolific]) > 0.9
    assert all(r.language == "en" for r in records["posts"])


def test_posts_are_about_their_authors_interests(population, records):
    texts = population_texts(population=population)
    interest_tags = [
        {interest.name.lower(), *(tag.lower() for tag in interest.tags)} for interest in INTERESTS
    ]
    by_author: dict[int, list[str]] = {}
    for record in records["posts"]:
        author = int(record.author_id.removeprefix("demo-"))
        by_author.setdefault(author, []).append(record.text)
        allowed = set().union(*(interest_tags[i] for i in texts.interests[author]))
        assert {tag.lower() for tag in HASHTAG.findall(record.text)} <= allowed, record.text
    # What scoring.topics finds in an author's posts: their two interests, first.
    regular = {a: own for a, own in by_author.items() if len(own) >= 15}
    assert len(regular) > 100
    found = sum(
        {term for term, _ in topics_rank(bio="", posts=[(text, 0) for text in own])[:2]}
        == {TOPICS[i] for i in texts.interests[author]}
        for author, own in regular.items()
    )
    assert found > 0.9 * len(regular)


def test_a_persons_accounts_share_interests_and_bios_say_demo_and_what_they_post_about(population, records):
    interests = population_texts(population=population).interests
    assert np.all(interests[:, 0] != interests[:, 1])
    for person in np.flatnonzero(np.bincount(population.person) > 1)[:50]:
        own = interests[population.person == person]
        assert (own == own[0]).all()
    assert len({tuple(pair) for pair in interests.tolist()}) > 30
    for record in records["identities"]:
        i = int(record.external_id.removeprefix("demo-"))
        assert record.handle == f"demo_{i}" and record.name == f"Demo account {i}"
        assert "not a real person" in record.bio
        assert all(TOPICS[k] in record.bio for k in interests[i])


def test_every_reply_and_quote_text_has_the_tone_it_was_drawn_for():
    expected = {"positive": Tone.POSITIVE, "neutral": Tone.NEUTRAL, "negative": Tone.NEGATIVE}
    variants = list(feedback_variants())
    assert len(variants) > 300
    wrong = [(tone, text) for _, _, tone, text in variants if tone_of(text, "en") != expected[tone]]
    assert not wrong


def test_replies_and_quotes_come_with_posts_whose_tone_is_mostly_positive(population, records):
    visible = ~population.hidden & (population.post >= 0)
    answered = visible & np.isin(population.kind, [KIND_CODE["reply"], KIND_CODE["quote"]])
    answers = records["answers"]
    assert len(answers) == answered.sum()
    first = int(np.flatnonzero(answered)[0])
    reply = next(r for r in answers if r.external_id == f"demo-reply-{first}")
    assert reply.author_id == f"demo-{population.actor[first]}"
    assert reply.parent_id == f"demo-post-{population.post[first]}"
    assert reply.kind == ("reply" if population.kind[first] == KIND_CODE["reply"] else "quote")
    tones = [tone_of(r.text, r.language) for r in answers]
    shares = [tones.count(tone) / len(tones) for tone in (Tone.POSITIVE, Tone.NEUTRAL, Tone.NEGATIVE)]
    for share, wanted in zip(shares, TONE_SHARES, strict=True):
        assert share == pytest.approx(wanted, abs=0.05)
    # Without asking for them, the records are the population's own posts only.
    plain = [r for b in iter_batches(population=population) for r in b.posts]
    assert len(plain) == population.post_author.size


def test_a_template_naming_a_slot_it_does_not_have_is_refused():
    slots = {"gear": ("kettle", "grinder")}
    assert _compile("From a {gear} to a {gear2}", slots).fill([0.0, 0.0]) == "From a kettle to a grinder"
    assert (
        _compile("A {gear} at last", {"gear": ("espresso machine",)}).fill([0.0])
        == "An espresso machine at last"
    )
    assert _compile("Is a {gear} worth it?", {"gear": ("espresso machine",)}).fill([0.0]) == (
        "Is an espresso machine worth it?"
    )
    with pytest.raises(ValueError, match="no slot"):
        _compile("A {place}", slots)
    with pytest.raises(ValueError, match="comes before"):
        _compile("{gear2} or {gear}", slots)

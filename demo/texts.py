"""Texts for the generated demo population (``demo.population``): what its accounts post about,
their bios, and the words of the replies and quotes they leave.

1. Every person (``Population.person``: one person's accounts on several networks write about
   the same things) has two interests of ``demo.interests``, drawn by ``INTEREST_WEIGHTS``.
2. A post is about its author's first interest with probability ``FIRST_SHARE``, else about the
   second. Its text is one of that interest's templates with its slots filled ("a" or "an" as
   the word that follows begins) and its first letter capitalised, now and then the
   interest's emoji, and most of the time one or two hashtags: the interest's name, one of its
   other tags (``TAG_SHARES``).
3. A reply's or quote's text is drawn by tone (``TONE_SHARES``: mostly positive, some neutral,
   a few negative), its ``{thing}`` and ``{topic}`` from the interest of the post it answers.

The texts read naturally; what says "demo" is the accounts' handles, names and bios.

Every draw comes from generators of its own (``[seed, stream, ...]``), so the texts leave the
rest of a seed's population as it was; and posts and interactions are drawn ``CHUNK`` at a
time, by index, so the same seed gives the same texts whatever the batch size, and the draws
for millions of posts are never all in memory. Only the formatting is done post by post.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from demo.interests import (
    COMMON_SLOTS,
    INTEREST_WEIGHTS,
    INTERESTS,
    NEGATIVE_QUOTES,
    NEGATIVE_REPLIES,
    NEUTRAL_QUOTES,
    NEUTRAL_REPLIES,
    POSITIVE_QUOTES,
    POSITIVE_REPLIES,
    TONE_SHARES,
    Interest,
)

TOPICS = tuple(interest.name for interest in INTERESTS)
FIRST_SHARE = 0.6
# Posts with the interest's name as a hashtag; with the name and another tag; with another tag
# only; the rest carry none.
TAG_SHARES = (0.4, 0.2, 0.15)
# Posts that end with their interest's emoji (before any hashtag).
EMOJI_SHARE = 0.15
CHUNK = 8_192
MAX_SLOTS = 4
TONES = ("positive", "neutral", "negative")

# Streams of ``np.random.default_rng([seed, stream, ...])``; demo.population uses [seed] and
# [seed, 1].
_INTERESTS_STREAM, _POSTS_STREAM, _FEEDBACK_STREAM = 2, 3, 4
_FORMATTER = string.Formatter()


@dataclass(frozen=True, slots=True)
class _Template:
    """A template compiled once: positional fields, and for each the values it takes (with their
    indefinite article when the template has one before it) and the earlier field whose value
    it must differ from (-1 for none)."""

    text: str
    slots: tuple[tuple[tuple[str, ...], int], ...]
    paired: bool  # whether some field pairs with another: the slower path

    def fill(self, draws: list[float]) -> str:
        if self.paired:
            picked: list[int] = []
            for (values, other), u in zip(self.slots, draws, strict=False):
                if other < 0:
                    picked.append(int(u * len(values)))
                else:
                    # Another value than the field it pairs with ("from a moka pot to a french press").
                    picked.append((picked[other] + 1 + int(u * (len(values) - 1))) % len(values))
            words = [slot[0][i] for slot, i in zip(self.slots, picked, strict=True)]
        else:
            words = [values[int(u * len(values))] for (values, _), u in zip(self.slots, draws, strict=False)]
        text = self.text.format(*words)
        return text[0].upper() + text[1:] if text[:1].islower() else text


def _with_article(value: str) -> str:
    # "an" before a vowel, and before "8" ("an 85mm lens", "an 8 km run").
    return ("an " if value[0] in "aeiouAEIOU8" else "a ") + value


def _compile(template: str, slots: dict[str, tuple[str, ...]]) -> _Template:
    text: list[str] = []
    fields: list[tuple[tuple[str, ...], int]] = []
    names: list[str] = []
    for literal, name, _, _ in _FORMATTER.parse(template):
        article = name is not None and (literal in ("a ", "A ") or literal.endswith((" a ", "(a ")))
        if article:
            literal = literal[:-2]
        text.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is None:
            continue
        other = -1
        if name in slots:
            values = slots[name]
        elif name.endswith("2") and name[:-1] in slots:
            if name[:-1] not in names:
                raise ValueError(f"{template!r}: {{{name}}} comes before {{{name[:-1]}}}")
            values, other = slots[name[:-1]], names.index(name[:-1])
            if len(values) < 2:
                raise ValueError(f"{template!r}: {{{name}}} needs two values to choose from")
        else:
            raise ValueError(f"{template!r}: no slot {{{name}}}")
        text.append(f"{{{len(fields)}}}")
        fields.append((tuple(_with_article(v) for v in values) if article else values, other))
        names.append(name)
    if len(fields) > MAX_SLOTS:
        raise ValueError(f"{template!r} has more than {MAX_SLOTS} slots")
    return _Template(text="".join(text), slots=tuple(fields), paired=any(other >= 0 for _, other in fields))


def _feedback_templates(interest: Interest) -> dict[str, tuple[tuple[_Template, ...], ...]]:
    slots = {"thing": interest.slots["thing"], "topic": (interest.name,)}
    pools = {
        "reply": (POSITIVE_REPLIES, NEUTRAL_REPLIES, NEGATIVE_REPLIES),
        "quote": (POSITIVE_QUOTES, NEUTRAL_QUOTES, NEGATIVE_QUOTES),
    }
    return {
        kind: tuple(tuple(_compile(t, slots) for t in pool) for pool in by_tone)
        for kind, by_tone in pools.items()
    }


_POSTS = tuple(tuple(_compile(t, {**COMMON_SLOTS, **i.slots}) for t in i.posts) for i in INTERESTS)
_FEEDBACK = tuple(_feedback_templates(interest) for interest in INTERESTS)
_TAGS = tuple(tuple(f"#{tag}" for tag in interest.tags) for interest in INTERESTS)
_EMOJI = tuple(f" {interest.emoji}" if interest.emoji else "" for interest in INTERESTS)


def interests_draw(*, seed: int, person: np.ndarray) -> np.ndarray:
    """Each identity's two interests (indices into ``INTERESTS``), as an (identities, 2) array:
    the same for every identity of one person, never the same twice."""
    rng = np.random.default_rng([seed, _INTERESTS_STREAM])
    persons = int(person.max()) + 1 if person.size else 0
    weights = np.array(INTEREST_WEIGHTS, dtype=np.float64)
    first = rng.choice(len(INTERESTS), size=persons, p=weights / weights.sum())
    second = (first + 1 + rng.integers(0, len(INTERESTS) - 1, persons)) % len(INTERESTS)
    return np.stack([first, second], axis=1).astype(np.int8)[person]


def bio(interests: tuple[int, int]) -> str:
    """A generated account's bio: labelled demo first, then what it posts about."""
    first, second = (TOPICS[i] for i in interests)
    return f"Synthetic demo account (demo.population); not a real person. Posts about {first} and {second}."


class PopulationTexts:
    """The texts of one generated population's posts, replies and quotes, drawn lazily."""

    def __init__(self, *, seed: int, person: np.ndarray, post_author: np.ndarray) -> None:
        self.seed = seed
        self.interests = interests_draw(seed=seed, person=person)
        rng = np.random.default_rng([seed, _INTERESTS_STREAM, 1])
        # One byte a post: which of its author's two interests it is about.
        second = rng.integers(0, 100, post_author.shape[0], dtype=np.uint8) >= round(100 * FIRST_SHARE)
        self.post_interest = self.interests[post_author, second.astype(np.intp)]

    def bio(self, identity: int) -> str:
        return bio((int(self.interests[identity, 0]), int(self.interests[identity, 1])))

    def posts(self) -> Iterator[str]:
        """Every post's text, in post order."""
        for start in range(0, self.post_interest.shape[0], CHUNK):
            yield from self._post_chunk(start // CHUNK)

    def _post_chunk(self, chunk: int) -> list[str]:
        interest = self.post_interest[chunk * CHUNK : (chunk + 1) * CHUNK]
        size = interest.shape[0]
        rng = np.random.default_rng([self.seed, _POSTS_STREAM, chunk])
        template = rng.random(size).tolist()
        slots = rng.random((size, MAX_SLOTS)).tolist()
        tag = rng.random(size).tolist()
        which = rng.random(size).tolist()
        emoji = (rng.random(size) < EMOJI_SHARE).tolist()
        named, both, other = np.cumsum(TAG_SHARES).tolist()
        texts = []
        for k, i in enumerate(interest.tolist()):
            templates = _POSTS[i]
            text = templates[int(template[k] * len(templates))].fill(slots[k])
            if emoji[k]:
                text += _EMOJI[i]
            u = tag[k]
            if u < both:
                text = f"{text} #{TOPICS[i]}"
            if named <= u < other:
                tags = _TAGS[i]
                text = f"{text} {tags[int(which[k] * len(tags))]}"
            texts.append(text)
        return texts

    def feedback(self, *, interactions: np.ndarray, kinds: list[str], posts: np.ndarray) -> list[str]:
        """The words of replies and quotes: ``interactions`` are their indices in the population,
        ``kinds`` "reply" or "quote" for each, ``posts`` the post each answers."""
        # Drawn per chunk of the population's interactions, so an interaction's words do not
        # depend on which others are asked for with it.
        chunks = interactions // CHUNK
        draws = np.empty((interactions.shape[0], 3))
        for chunk in np.unique(chunks).tolist():
            chosen = chunks == chunk
            rng = np.random.default_rng([self.seed, _FEEDBACK_STREAM, chunk])
            draws[chosen] = rng.random((CHUNK, 3))[interactions[chosen] % CHUNK]
        positive, neutral, _ = TONE_SHARES
        tones = np.where(draws[:, 0] < positive, 0, np.where(draws[:, 0] < positive + neutral, 1, 2))
        texts: list[str] = []
        rows = zip(
            self.post_interest[posts].tolist(), kinds, tones.tolist(), draws[:, 1:].tolist(), strict=True
        )
        for interest, kind, tone, (template, slot) in rows:
            pool = _FEEDBACK[interest][kind][tone]
            texts.append(pool[int(template * len(pool))].fill([slot] * MAX_SLOTS))
        return texts


def feedback_variants() -> Iterator[tuple[str, str, str, str]]:
    """Every text a reply or quote may have, once: (interest, kind, tone, text), each template
    with each value of its slots."""
    for interest, by_kind in zip(INTERESTS, _FEEDBACK, strict=True):
        things = len(interest.slots["thing"])
        for kind, by_tone in by_kind.items():
            for tone, pool in zip(TONES, by_tone, strict=True):
                texts = {
                    template.fill([(u + 0.5) / things] * MAX_SLOTS)
                    for template in pool
                    for u in range(things)
                }
                for text in sorted(texts):
                    yield interest.name, kind, tone, text

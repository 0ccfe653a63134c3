"""A synthetic social network for benchmarks, calibration, evaluation and the demo.

Everything this module produces is invented demo data: identities have handles ``demo_<n>``,
names "Demo account <n>", and bios that say so. Nothing here describes a real person.

The model, per network (identities never interact across networks):

- Every identity has a latent *appeal* (lognormal): how readily others react to what it posts.
  Appeal drifts slowly over the period, so recent activity predicts the future better than old.
- Communities of heavy-tailed size; follows go mostly within one's community, towards accounts
  chosen by appeal times an independent *fame* (old accounts, off-platform celebrity), so
  follower counts are heavy-tailed and correlated with appeal, but not a copy of it. Some
  accounts also carry bought followers that exist only in their follower count.
- Posting rates are lognormal, with a share of near-silent lurkers.
- Each post reaches the author's followers; the number of reactions grows with appeal and the
  audience (sublinearly). Reposts and quotes spread the post to the reposter's followers, who
  react to the original author in turn (cascades up to three hops).
- Bots like random posts by the hundreds and sell campaigns of likes and reposts to a few
  customers; engagement rings (4-15 accounts) react to each other heavily for some weeks.
  Neither spreads anything further: they inflate counts without reaching anyone.

Sizes go from a thousand interactions to tens of millions; everything is vectorised numpy and
seeded, so one seed always gives the same population. What the accounts write (posts about two
interests each, replies of a mostly friendly tone) comes from ``demo.texts``, drawn as the
records are made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from connectors.records import Batch, IdentityRecord, InteractionRecord, PostRecord
from demo.texts import PopulationTexts
from scoring.engine import (
    COUNTED_KINDS,
    DAY,
    KIND_CODE,
    KINDS,
    NETWORK_CODE,
    NETWORKS,
    EdgeList,
    FeatureTable,
    Params,
    counted_reactions,
)
from scoring.engine.counted import reactions_per_post
from scoring.engine.evaluation import ActivityColumns
from scoring.engine.inputs import decayed_counts

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)

# How a genuine reaction is distributed over kinds.
REACTION_KINDS = ("like", "repost", "reply", "quote", "mention")
REACTION_SHARES = (0.66, 0.13, 0.11, 0.03, 0.07)


def _default_network_shares() -> dict[str, float]:
    return {"x": 0.6, "mastodon": 0.25, "bluesky": 0.15}


@dataclass(frozen=True, slots=True)
class PopulationSpec:
    identities: int = 10_000
    # Approximate genuine reactions per identity over the whole period; bots and rings add theirs.
    reactions_per_identity: float = 25.0
    days: float = 180.0
    seed: int = 0
    network_shares: dict[str, float] = field(default_factory=_default_network_shares)
    bot_share: float = 0.005
    customer_share: float = 0.004
    ring_member_share: float = 0.01
    # Share of identities linked, as a second network, to a person already on another one.
    linked_share: float = 0.1
    # Share of the likes, reposts, replies and quotes to posts that reach the engine only as
    # their post's public count, their reactor unknown (as an archive or a network's counts
    # show them): ``Population.hidden``.
    hidden_share: float = 0.0
    start: datetime = DEFAULT_START


@dataclass(slots=True)
class Population:
    """Columns of one generated population. Times are Unix seconds.

    Identities: network, followers, following (as shown on the profile), the person each
    identity belongs to, and the ground truth the tests use (appeal, is_bot, customer, ring).
    Posts: author and time. Interactions: actor, target, kind (``scoring.engine.KINDS`` codes),
    time and the post concerned (-1 for none), and ``hidden``: the reactions known only as part
    of their post's count (``PopulationSpec.hidden_share``). Follows: the follow graph (follower,
    followee).
    """

    spec: PopulationSpec
    network: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    person: np.ndarray
    persons: int
    appeal: np.ndarray
    is_bot: np.ndarray
    customer: np.ndarray
    ring: np.ndarray
    post_author: np.ndarray
    post_time: np.ndarray
    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    time: np.ndarray
    post: np.ndarray
    follower: np.ndarray
    followee: np.ndarray
    hidden: np.ndarray

    @property
    def size(self) -> int:
        return int(self.network.shape[0])

    @property
    def start(self) -> float:
        return self.spec.start.timestamp()

    def day(self, day: float) -> float:
        """Unix time of the given day of the period (0 = its start)."""
        return self.start + day * DAY


def generate(*, spec: PopulationSpec) -> Population:
    rng = np.random.default_rng(spec.seed)
    names = list(spec.network_shares)
    shares = np.array([spec.network_shares[name] for name in names], dtype=np.float64)
    sizes = np.floor(shares / shares.sum() * spec.identities).astype(np.int64)
    sizes[0] += spec.identities - sizes.sum()
    parts = []
    offset = 0
    post_offset = 0
    rings = 0
    for name, size in zip(names, sizes, strict=True):
        part = _generate_network(size=int(size), spec=spec, rng=rng)
        part["network"] = np.full(size, NETWORK_CODE[name], dtype=np.int8)
        for column in ("actor", "target", "follower", "followee", "post_author"):
            part[column] = part[column] + offset
        part["post"] = np.where(part["post"] >= 0, part["post"] + post_offset, -1)
        part["ring"] = np.where(part["ring"] >= 0, part["ring"] + rings, -1)
        rings += int(part["ring"].max()) + 1 if part["ring"].size and part["ring"].max() >= 0 else 0
        offset += int(size)
        post_offset += part["post_author"].shape[0]
        parts.append(part)
    columns = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    order = np.argsort(columns["time"], kind="stable")
    for key in ("actor", "target", "kind", "time", "post"):
        columns[key] = columns[key][order]
    columns["time"] = columns["time"] + spec.start.timestamp()
    columns["post_time"] = columns["post_time"] + spec.start.timestamp()
    person, persons = _link_persons(network=columns["network"], is_bot=columns["is_bot"], spec=spec, rng=rng)
    # A generator of its own, so that hiding reactors leaves the rest of a seed's population as it was.
    hiding = np.random.default_rng([spec.seed, 1])
    countable = np.isin(columns["kind"], [KIND_CODE[k] for k in ("like", "repost", "reply", "quote")])
    hidden = (
        countable & (columns["post"] >= 0) & (hiding.random(columns["kind"].shape[0]) < spec.hidden_share)
    )
    return Population(spec=spec, person=person, persons=persons, hidden=hidden, **columns)


def _generate_network(*, size: int, spec: PopulationSpec, rng: np.random.Generator) -> dict[str, np.ndarray]:
    period = spec.days * DAY
    role = rng.random(size)
    is_bot = role < spec.bot_share
    customer = (role >= spec.bot_share) & (role < spec.bot_share + spec.customer_share)
    in_ring = (role >= spec.bot_share + spec.customer_share) & (
        role < spec.bot_share + spec.customer_share + spec.ring_member_share
    )
    human = ~is_bot

    appeal = rng.lognormal(0.0, 0.9, size)
    # People who buy reactions or join pods are, on the whole, those whose posts draw few.
    appeal[customer | in_ring] = rng.lognormal(-0.7, 0.5, int((customer | in_ring).sum()))
    appeal[is_bot] = 0.0
    drift = rng.normal(0.0, 0.8, size)

    follower, followee = _follow_graph(size=size, appeal=appeal, is_bot=is_bot, rng=rng)
    in_degree = np.bincount(followee, minlength=size)
    out_degree = np.bincount(follower, minlength=size)
    bought = customer | (human & (rng.random(size) < 0.03))
    fake_followers = np.where(bought, rng.lognormal(np.log(400.0), 1.2, size), 0.0).astype(np.int64)

    # Posting: lognormal rates, a third of people nearly silent, bots post little.
    rate = rng.lognormal(np.log(0.08), 1.3, size)
    rate[rng.random(size) < 0.35] *= 0.05
    rate[is_bot] = 0.01
    post_count = rng.poisson(rate * spec.days)
    post_author = np.repeat(np.arange(size, dtype=np.int32), post_count)
    post_time = rng.random(post_author.shape[0]) * period

    # Followers of each account as CSR, to pick reactors among them.
    by_followee = np.argsort(followee, kind="stable")
    follower_list = follower[by_followee]
    follower_ptr = np.concatenate([[0], np.cumsum(in_degree)])

    def appeal_at(who: np.ndarray, when: np.ndarray) -> np.ndarray:
        return appeal[who] * np.exp(drift[who] * (when / period - 0.5))

    def pick_followers(of: np.ndarray) -> np.ndarray:
        choice = follower_ptr[of] + (rng.random(of.shape[0]) * in_degree[of]).astype(np.int64)
        return follower_list[choice]

    # Scale so that the expected first-hop volume is the requested one less the cascades' part.
    exposure = in_degree.astype(np.float64) ** 0.85
    expected = (appeal_at(post_author, post_time) * exposure[post_author]).sum()
    scale = spec.reactions_per_identity * size / 1.35 / max(expected, 1e-9)

    kinds = np.array([KIND_CODE[name] for name in REACTION_KINDS], dtype=np.int8)
    chunks: list[tuple[np.ndarray, ...]] = []
    # Hop 0: the author's followers react to the post.
    lam = scale * appeal_at(post_author, post_time) * exposure[post_author]
    count = rng.poisson(lam)
    post_index = np.repeat(np.arange(post_author.shape[0], dtype=np.int64), count)
    author = post_author[post_index]
    spreader = author
    when = post_time[post_index]
    for hop in range(4):
        if post_index.shape[0] == 0:
            break
        actor = pick_followers(spreader)
        kind = kinds[rng.choice(len(REACTION_KINDS), size=actor.shape[0], p=REACTION_SHARES)]
        when = when + rng.exponential(0.6 * DAY, actor.shape[0])
        chunks.append((actor, author, kind, when, post_index))
        if hop == 3:
            break
        # Reposts and quotes expose the original post to the reposter's own followers.
        spreads = (kind == KIND_CODE["repost"]) | (kind == KIND_CODE["quote"])
        lam = 0.6 * scale * appeal_at(author[spreads], when[spreads]) * exposure[actor[spreads]]
        count = rng.poisson(lam)
        post_index = np.repeat(post_index[spreads], count)
        author = np.repeat(author[spreads], count)
        spreader = np.repeat(actor[spreads], count)
        when = np.repeat(when[spreads], count)

    chunks.extend(
        _bot_activity(
            size=size,
            spec=spec,
            is_bot=is_bot,
            customer=customer,
            post_author=post_author,
            post_time=post_time,
            rng=rng,
        )
    )
    ring, ring_chunk = _rings(size=size, spec=spec, in_ring=in_ring, rng=rng)
    chunks.append(ring_chunk)

    actor = np.concatenate([c[0] for c in chunks]).astype(np.int32)
    target = np.concatenate([c[1] for c in chunks]).astype(np.int32)
    kind = np.concatenate([c[2] for c in chunks]).astype(np.int8)
    time = np.concatenate([c[3] for c in chunks]).astype(np.float64)
    post = np.concatenate([c[4] for c in chunks]).astype(np.int64)
    within = time < period
    return {
        "followers": in_degree + fake_followers,
        "following": out_degree,
        "appeal": appeal,
        "is_bot": is_bot,
        "customer": customer,
        "ring": ring,
        "post_author": post_author,
        "post_time": post_time,
        "actor": actor[within],
        "target": target[within],
        "kind": kind[within],
        "time": time[within],
        "post": post[within],
        "follower": follower,
        "followee": followee,
    }


def _follow_graph(
    *, size: int, appeal: np.ndarray, is_bot: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    communities = max(1, size // 400)
    community_weight = rng.lognormal(0.0, 1.0, communities)
    community = rng.choice(communities, size=size, p=community_weight / community_weight.sum())
    fame = rng.lognormal(0.0, 1.0, size)
    popularity = np.where(is_bot, 0.02, appeal * fame + 1e-3)

    following = np.minimum(rng.lognormal(np.log(25.0), 1.0, size), size / 2).astype(np.int64)
    following[is_bot] = np.minimum(rng.lognormal(np.log(800.0), 0.5, int(is_bot.sum())), size / 2).astype(
        np.int64
    )
    follower = np.repeat(np.arange(size, dtype=np.int64), following)

    # Sampling by popularity, mostly inside one's community: one cumulative table over
    # identities sorted by community, and each community's slice of it.
    order = np.argsort(community, kind="stable")
    cumulative = np.cumsum(popularity[order])
    bounds = np.searchsorted(community[order], np.arange(communities + 1))
    low = np.concatenate([[0.0], cumulative])[bounds[:-1]]
    high = np.concatenate([[0.0], cumulative])[bounds[1:]]
    local = rng.random(follower.shape[0]) < 0.75
    c = community[follower]
    u = rng.random(follower.shape[0])
    point = np.where(local, low[c] + u * (high[c] - low[c]), u * cumulative[-1])
    followee = order[np.minimum(np.searchsorted(cumulative, point, side="right"), size - 1)]

    keep = follower != followee
    key = np.unique(follower[keep] * size + followee[keep])
    return (key // size).astype(np.int32), (key % size).astype(np.int32)


def _bot_activity(
    *,
    size: int,
    spec: PopulationSpec,
    is_bot: np.ndarray,
    customer: np.ndarray,
    post_author: np.ndarray,
    post_time: np.ndarray,
    rng: np.random.Generator,
) -> list[tuple[np.ndarray, ...]]:
    bots = np.flatnonzero(is_bot)
    if bots.size == 0 or post_author.size == 0:
        return []
    # Like-everything bots: a thousand or more likes each on random posts.
    likes = rng.lognormal(np.log(1500.0), 0.6, bots.size).astype(np.int64)
    actor = np.repeat(bots, likes)
    post = rng.integers(0, post_author.size, actor.size)
    time = post_time[post] + rng.exponential(0.3 * DAY, actor.size)
    chunks = [(actor, post_author[post], np.full(actor.size, KIND_CODE["like"]), time, post)]

    # Campaigns: a customer buys two weeks of likes and reposts from the bots.
    buyers = np.flatnonzero(customer)
    campaigns = rng.integers(1, 4, buyers.size)
    buyer = np.repeat(buyers, campaigns)
    begin = rng.random(buyer.size) * max(spec.days - 14.0, 1.0) * DAY
    volume = rng.lognormal(np.log(150.0), 0.6, buyer.size).astype(np.int64)
    campaign = np.repeat(np.arange(buyer.size), volume)
    kind = np.where(rng.random(campaign.size) < 0.8, KIND_CODE["like"], KIND_CODE["repost"])
    chunks.append(
        (
            rng.choice(bots, campaign.size),
            buyer[campaign],
            kind,
            begin[campaign] + rng.random(campaign.size) * 14.0 * DAY,
            np.full(campaign.size, -1),
        )
    )
    return chunks


def _rings(
    *, size: int, spec: PopulationSpec, in_ring: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Engagement pods of 4-15 accounts, each member reacting to every other one about 1.5
    times a week while the pod lasts (30 to 120 days)."""
    ring = np.full(size, -1, dtype=np.int64)
    members = rng.permutation(np.flatnonzero(in_ring))
    if members.size < 4:
        empty = (
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.int8),
            np.zeros(0),
            np.zeros(0, np.int64),
        )
        return ring, empty
    sizes: list[int] = []
    left = members.size
    while left >= 4:
        chosen = int(min(left, rng.integers(4, 16)))
        sizes.append(chosen)
        left -= chosen
    sizes[-1] += left
    ring_size = np.array(sizes)
    starts = np.concatenate([[0], np.cumsum(ring_size)])
    ring_of = np.repeat(np.arange(ring_size.size), ring_size)
    ring[members] = ring_of
    # Every ordered pair of members of the same ring.
    partners = ring_size[ring_of]
    a = np.repeat(members, partners)
    which = np.repeat(ring_of, partners)
    within = np.arange(a.size) - np.repeat(np.cumsum(partners) - partners, partners)
    b = members[starts[which] + within]
    keep = a != b
    a, b, which = a[keep], b[keep], which[keep]
    length = rng.uniform(30.0, 120.0, ring_size.size)
    begin = rng.random(ring_size.size) * np.maximum(spec.days - length, 1.0)
    count = rng.poisson(1.5 * length[which] / 7.0)
    actor = np.repeat(a, count)
    target = np.repeat(b, count)
    which = np.repeat(which, count)
    time = (begin[which] + rng.random(actor.size) * length[which]) * DAY
    draw = rng.random(actor.size)
    kind = np.where(
        draw < 0.6, KIND_CODE["like"], np.where(draw < 0.85, KIND_CODE["reply"], KIND_CODE["repost"])
    )
    return ring, (actor, target, kind, time, np.full(actor.size, -1))


def _link_persons(
    *, network: np.ndarray, is_bot: np.ndarray, spec: PopulationSpec, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """Most identities are their own person; some second-network identities join an X person."""
    size = network.shape[0]
    person = np.arange(size, dtype=np.int64)
    primary = np.flatnonzero((network == network.min()) & ~is_bot)
    secondary = np.flatnonzero((network != network.min()) & ~is_bot)
    linked = secondary[rng.random(secondary.size) < spec.linked_share]
    chosen = min(linked.size, primary.size)
    person[linked[:chosen]] = rng.choice(primary, size=chosen, replace=False)
    # Renumber persons densely.
    _, dense = np.unique(person, return_inverse=True)
    return dense.astype(np.int64), int(dense.max()) + 1 if size else 0


def engine_inputs(
    *, population: Population, now: float, params: Params | None = None
) -> tuple[FeatureTable, EdgeList]:
    """The population as the engine sees it on the given day: only what happened before ``now``,
    its hidden reactions as its posts' counts."""
    params = params or Params()
    before = population.time <= now
    posts = decayed_counts(
        owner=population.post_author,
        time=population.post_time,
        size=population.size,
        now=now,
        window_days=params.window_days,
        half_life_days=params.half_life_days,
    )
    counted = None
    if population.hidden.any():
        counted = counted_reactions(
            owner=population.post_author,
            time=population.post_time,
            counts=_per_post(population, before),
            known=_per_post(population, before & ~population.hidden),
            followers=population.followers,
            size=population.size,
            now=now,
            params=params,
        )
    features = FeatureTable(
        network=population.network,
        followers=population.followers,
        following=population.following,
        posts=posts,
        counted=None if counted is None else counted.counted,
        counted_capped=None if counted is None else counted.capped,
    )
    known = before & ~population.hidden
    edges = EdgeList(
        actor=population.actor[known],
        target=population.target[known],
        kind=population.kind[known],
        time=population.time[known],
        network=population.network[population.target[known]],
    )
    return features, edges


def _per_post(population: Population, chosen: np.ndarray) -> np.ndarray:
    """Per post and ``COUNTED_KINDS`` column, the chosen interactions with it."""
    return reactions_per_post(
        post=population.post[chosen], kind=population.kind[chosen], posts=population.post_author.shape[0]
    )


REPOST, REPLY, QUOTE, LIKE = (COUNTED_KINDS.index(kind) for kind in ("repost", "reply", "quote", "like"))
# The language the generated texts are written in, as a network tags it.
DEMO_LANGUAGE = "en"
_FEEDBACK_KINDS = np.array([KIND_CODE["reply"], KIND_CODE["quote"]], dtype=np.int8)


def population_texts(*, population: Population) -> PopulationTexts:
    """The texts of the population's posts, bios, replies and quotes (demo.texts)."""
    return PopulationTexts(
        seed=population.spec.seed, person=population.person, post_author=population.post_author
    )


def iter_batches(
    *,
    population: Population,
    batch_size: int = 5_000,
    include_follows: bool = False,
    reply_posts: bool = False,
) -> Iterator[Batch]:
    """The population as ingest records: identities first, then posts, then interactions.

    Each post carries its public counts of likes, reposts, replies and quotes over the whole
    period, as a network reports them; the hidden reactions (``Population.hidden``) are in
    those counts only, not among the interactions. Texts and bios come from ``demo.texts``.

    With ``reply_posts``, every reply and quote among the interactions also comes with its own
    post (``demo-reply-<n>``, by the actor, its parent the post it answers), as a network shows
    it: that is where the tone of feedback is read (scoring.tone). They are posts of their
    authors, so they are left out unless asked for: the engine's view of the population
    (``engine_inputs``) has none.
    """

    def when(seconds: float) -> datetime:
        return datetime.fromtimestamp(seconds, tz=UTC)

    # Plain lists: indexing numpy arrays one element at a time costs more than the records.
    network = [NETWORKS[code] for code in population.network.tolist()]
    texts = population_texts(population=population)
    # Records in the batch, counted as they go (Batch.__len__ at every record costs).
    batch, held = Batch(), 0

    followers, following = population.followers.tolist(), population.following.tolist()
    for i in range(population.size):
        batch.identities.append(
            IdentityRecord(
                network=network[i],
                external_id=f"demo-{i}",
                handle=f"demo_{i}",
                name=f"Demo account {i}",
                followers=followers[i],
                following=following[i],
                bio=texts.bio(i),
            )
        )
        held += 1
        if held >= batch_size:
            yield batch
            batch, held = Batch(), 0
    counts = _per_post(population, np.ones(population.kind.shape, dtype=bool)).astype(np.int64)
    columns = zip(
        population.post_author.tolist(),
        population.post_time.tolist(),
        counts[:, REPOST].tolist(),
        counts[:, REPLY].tolist(),
        counts[:, LIKE].tolist(),
        counts[:, QUOTE].tolist(),
        texts.posts(),
        strict=True,
    )
    for j, (author, created, reposts, replies, likes, quotes, text) in enumerate(columns):
        batch.posts.append(
            PostRecord(
                network=network[author],
                external_id=f"demo-post-{j}",
                author_id=f"demo-{author}",
                created_at=when(created),
                text=text,
                language=DEMO_LANGUAGE,
                reposts=reposts,
                replies=replies,
                likes=likes,
                quotes=quotes,
            )
        )
        held += 1
        if held >= batch_size:
            yield batch
            batch, held = Batch(), 0
    visible = np.flatnonzero(~population.hidden)
    for start in range(0, visible.shape[0], batch_size):
        chosen = visible[start : start + batch_size]
        kind, post = population.kind[chosen], population.post[chosen]
        words: dict[int, str] = {}
        if reply_posts:
            answers = np.isin(kind, _FEEDBACK_KINDS) & (post >= 0)
            words = dict(
                zip(
                    chosen[answers].tolist(),
                    texts.feedback(
                        interactions=chosen[answers],
                        kinds=[KINDS[k] for k in kind[answers].tolist()],
                        posts=post[answers],
                    ),
                    strict=True,
                )
            )
        rows = zip(
            chosen.tolist(),
            population.actor[chosen].tolist(),
            population.target[chosen].tolist(),
            kind.tolist(),
            population.time[chosen].tolist(),
            post.tolist(),
            strict=True,
        )
        for e, actor, target, code, occurred, answered in rows:
            occurred_at = when(occurred)
            batch.interactions.append(
                InteractionRecord(
                    network=network[target],
                    kind=KINDS[code],
                    actor_id=f"demo-{actor}",
                    target_id=f"demo-{target}",
                    occurred_at=occurred_at,
                    post_id=f"demo-post-{answered}" if answered >= 0 else "",
                )
            )
            if e in words:
                batch.posts.append(
                    PostRecord(
                        network=network[target],
                        external_id=f"demo-reply-{e}",
                        author_id=f"demo-{actor}",
                        created_at=occurred_at,
                        kind=KINDS[code],
                        text=words[e],
                        language=DEMO_LANGUAGE,
                        parent_id=f"demo-post-{answered}",
                        reposts=0,
                        replies=0,
                        likes=0,
                        quotes=0,
                    )
                )
                held += 1
            held += 1
            if held >= batch_size:
                yield batch
                batch, held = Batch(), 0
    if include_follows:
        rows = zip(population.follower.tolist(), population.followee.tolist(), strict=True)
        for follower, followee in rows:
            batch.interactions.append(
                InteractionRecord(
                    network=network[followee],
                    kind="follow",
                    actor_id=f"demo-{follower}",
                    target_id=f"demo-{followee}",
                    occurred_at=when(population.start),
                )
            )
            held += 1
            if held >= batch_size:
                yield batch
                batch, held = Batch(), 0
    if held:
        yield batch


def activity_columns(*, population: Population) -> ActivityColumns:
    """The whole period's activity, for ``scoring.engine.evaluation.evaluate_split``."""
    return ActivityColumns(
        network=population.network,
        followers=population.followers,
        following=population.following,
        post_author=population.post_author,
        post_time=population.post_time,
        actor=population.actor,
        target=population.target,
        kind=population.kind,
        time=population.time,
        post=population.post,
        hidden=population.hidden,
    )

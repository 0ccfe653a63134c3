"""The versioned constants of the influence model.

Everything that changes what a score means lives here, under one MODEL_VERSION. A change to any
value is a new model version with a line in the changelog of docs/scoring.md, because history
snapshots store the version they were computed with and must stay comparable within it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODEL_VERSION = "v2"

# Codes used in the columnar inputs. They follow connectors.records (a test keeps them in step);
# the engine repeats them rather than importing the connectors package, which belongs to Django.
NETWORKS: tuple[str, ...] = (
    "x", "mastodon", "bluesky", "youtube", "instagram", "facebook", "linkedin", "foursquare",
)  # fmt: skip
KINDS: tuple[str, ...] = ("repost", "reply", "quote", "like", "mention", "follow")
KIND_CODE: dict[str, int] = {name: code for code, name in enumerate(KINDS)}
NETWORK_CODE: dict[str, int] = {name: code for code, name in enumerate(NETWORKS)}

# Reactions a network counts on a post without naming who gave them (its public counts), and
# views where a network reports them. Mentions have no per-post count on any network today;
# the column is there for a source that reports a total of them.
COUNTED_KINDS: tuple[str, ...] = ("repost", "reply", "quote", "like", "mention", "view")

SIGNALS: tuple[str, ...] = (
    "reposts",
    "replies",
    "quotes",
    "likes",
    "mentions",
    "counted_reposts",
    "counted_replies",
    "counted_quotes",
    "counted_likes",
    "counted_mentions",
    "counted_views",
    "authority",
    "listed",
    "efficiency",
    "audience",
)
# The engagement signals and the reaction kind each one counts.
ENGAGEMENT_KIND: dict[str, str] = {
    "reposts": "repost",
    "replies": "reply",
    "quotes": "quote",
    "likes": "like",
    "mentions": "mention",
}
ENGAGEMENT_SIGNALS: tuple[str, ...] = tuple(ENGAGEMENT_KIND)
# The counted signals and the counted kind each one sums.
COUNTED_KIND: dict[str, str] = {
    "counted_reposts": "repost",
    "counted_replies": "reply",
    "counted_quotes": "quote",
    "counted_likes": "like",
    "counted_mentions": "mention",
    "counted_views": "view",
}
COUNTED_SIGNALS: tuple[str, ...] = tuple(COUNTED_KIND)

DAY = 86_400.0


def _default_kind_weights() -> dict[str, float]:
    # Effort and exposure: a repost or quote puts you in front of the reactor's own audience,
    # a reply costs thought, a like costs a tap. A follow is audience, counted by the audience
    # signal from follower counts, not as a reaction.
    return {"repost": 3.0, "reply": 2.0, "quote": 3.0, "like": 1.0, "mention": 1.5, "follow": 0.0}


@dataclass(frozen=True, slots=True)
class Params:
    """The tunable constants of one model version. The defaults are the current model."""

    version: str = MODEL_VERSION
    kind_weights: dict[str, float] = field(default_factory=_default_kind_weights)
    window_days: float = 90.0
    half_life_days: float = 30.0
    # Per (reactor, target) pair: volume v becomes log(1 + v), so a fan's tenth like of the
    # quarter adds far less than a new fan's first.
    # Share of a pair's reciprocated volume removed: engagement that is paid back is exchange,
    # not influence, and is what engagement rings are made of.
    reciprocity_discount: float = 0.9
    # An actor spreading reactions over more than this many distinct targets in the window is
    # less selective than a person following others closely can be: its voice is divided by
    # targets / k, so an account liking everything spreads one vote over everyone it likes.
    selective_targets: float = 100.0
    damping: float = 0.85
    pagerank_tol: float = 1e-7
    pagerank_max_iter: int = 200
    # A reaction counts (1 + log1p(inflow)) times: inflow is what the reactor itself draws in
    # the graph, so the reactions of people who move others count more, but a celebrity's
    # like is not worth a thousand ordinary ones.
    voice_cap: float = 12.0
    authority_weight: float = 1.0
    # Shrinkage for the per-post rate: alpha pseudo-posts at the prior rate (weighted
    # engagement per post), so one post with one like stays ordinary.
    rate_prior: float = 0.5
    rate_pseudo_posts: float = 10.0
    rate_exponent: float = 0.25
    efficiency_floor: float = 0.4
    efficiency_ceiling: float = 2.5
    # Counted reactions (the networks' public counts less the reactions stored with their
    # reactor): no voice is known, so each counts this share of its kind's weight...
    counted_weight: float = 0.5
    # ... and a post's count c of one kind counts s * log(1 + c / s): about c while c is small
    # next to s, then slowly, so that one viral (or bought) post does not make a career.
    counted_saturation: float = 100.0
    # A view is not a reaction: it weighs this much (a like weighs 1).
    view_weight: float = 0.02
    # A post's count of one kind is capped at what its audience and its known reactors make
    # plausible: floor + per_follower * followers + per_known * reactions stored for the post.
    counted_cap_floor: float = 50.0
    counted_cap_per_follower: float = 1.0
    views_cap_per_follower: float = 100.0
    counted_cap_per_known: float = 25.0
    # Audience (followers above a floor) and the authority a network reports (the lists the
    # account is on): weight * ((1 + n) ** power - 1) / power, which is weight * n at power 1
    # and weight * log(1 + n) at power 0 (v1). The 0-100 map is logarithmic in raw influence,
    # so at power 1 each tenfold of followers adds about the same points: 1,000 followers weigh
    # what about one engaged reactor does, 100,000 what a hundred do.
    audience_weight: float = 0.0012
    audience_power: float = 1.0
    # The first followers are friends and family: below this many they count nothing, so that an
    # account nobody reacts to starts low on the scale.
    audience_floor: float = 80.0
    listed_weight: float = 0.02
    # How much of the audience an account addresses, by its decayed posts in the window p:
    # "ratio" is p / (p + audience_posts); "saturating" is 1 - exp(-p / audience_posts), near 1
    # after a few posts whatever the rate.
    audience_addressing: str = "saturating"
    audience_posts: float = 0.5
    # Networks combine as a p-norm: at least the best network, never more than their sum.
    network_norm: float = 2.0
    # A reaction that only a member's own upload reports (a JSON Lines file, an archive: a file
    # anyone can edit) counts this much of one fetched from the network.
    self_reported_weight: float = 0.25
    # A follower or list count that only an upload gives is one number anyone can type: it counts
    # at this weight, and at most this many of it. (A connected account's counts are read from
    # the network.) v1 weighed audience on a log scale, where a typed number could do little.
    self_reported_audience_weight: float = 0.25
    self_reported_followers_max: float = 1_000.0
    self_reported_listed_max: float = 10.0
    # The 0-100 map: score = 100 * (1 - (1 + raw / map_scale) ** -map_exponent), fitted by
    # bench/calibrate.py on its reference population (the active accounts of 200,000 demo
    # identities, seed 2024): median 40.0, p90 60.5, p95 65.0, p99 72.2.
    map_scale: float = 0.0132564
    map_exponent: float = 0.135101

    def kind_weight_array(self) -> list[float]:
        return [self.kind_weights[name] for name in KINDS]

    def counted_weight_array(self) -> list[float]:
        """Per ``COUNTED_KINDS``: what one counted reaction of that kind weighs."""
        return [
            self.counted_weight * (self.view_weight if name == "view" else self.kind_weights[name])
            for name in COUNTED_KINDS
        ]


DEFAULT_PARAMS = Params()

# The previous model, kept to compare with (evaluate_scores, bench/evaluate_population.py) and
# to read its stored days by: it saw no counted reactions and no lists, and weighed audience
# as 0.25 * log(1 + followers) * posts / (posts + 1).
PARAMS_V1 = Params(
    version="v1.1",
    counted_weight=0.0,
    listed_weight=0.0,
    audience_weight=0.25,
    audience_power=0.0,
    audience_floor=0.0,
    audience_addressing="ratio",
    audience_posts=1.0,
    self_reported_audience_weight=1.0,
    self_reported_followers_max=float("inf"),
    self_reported_listed_max=float("inf"),
    map_scale=0.0135598,
    map_exponent=0.141655,
)
MODELS: dict[str, Params] = {PARAMS_V1.version: PARAMS_V1, DEFAULT_PARAMS.version: DEFAULT_PARAMS}

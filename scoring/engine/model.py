"""The versioned constants of the influence model.

Everything that changes what a score means lives here, under one MODEL_VERSION. A change to any
value is a new model version with a line in the changelog of docs/scoring.md, because history
snapshots store the version they were computed with and must stay comparable within it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODEL_VERSION = "v1.1"

# Codes used in the columnar inputs. They follow connectors.records (a test keeps them in step);
# the engine repeats them rather than importing the connectors package, which belongs to Django.
NETWORKS: tuple[str, ...] = ("x", "mastodon", "bluesky", "youtube")
KINDS: tuple[str, ...] = ("repost", "reply", "quote", "like", "mention", "follow")
KIND_CODE: dict[str, int] = {name: code for code, name in enumerate(KINDS)}
NETWORK_CODE: dict[str, int] = {name: code for code, name in enumerate(NETWORKS)}

SIGNALS: tuple[str, ...] = (
    "reposts",
    "replies",
    "quotes",
    "likes",
    "mentions",
    "authority",
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

DAY = 86_400.0


def _default_kind_weights() -> dict[str, float]:
    # Effort and exposure: a repost or quote puts you in front of the reactor's own audience,
    # a reply costs thought, a like costs a tap. A follow is audience, counted by the audience
    # signal from follower counts, not as a reaction.
    return {"repost": 3.0, "reply": 2.0, "quote": 3.0, "like": 1.0, "mention": 1.5, "follow": 0.0}


@dataclass(frozen=True, slots=True)
class Params:
    """The tunable constants of one model version. The defaults are the model."""

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
    audience_weight: float = 0.25
    # Decayed posts at which half the audience weight applies.
    audience_posts: float = 1.0
    # Networks combine as a p-norm: at least the best network, never more than their sum.
    network_norm: float = 2.0
    # A reaction that only a member's own upload reports (a JSON Lines file, an archive: a file
    # anyone can edit) counts this much of one fetched from the network.
    self_reported_weight: float = 0.25
    # The 0-100 map: score = 100 * (1 - (1 + raw / map_scale) ** -map_exponent), fitted by
    # bench/calibrate.py on its reference population (200,000 demo identities, seed 2024):
    # median 40.0, p90 60.3, p95 65.0, p99 72.7.
    map_scale: float = 0.0135598
    map_exponent: float = 0.141655

    def kind_weight_array(self) -> list[float]:
        return [self.kind_weights[name] for name in KINDS]


DEFAULT_PARAMS = Params()

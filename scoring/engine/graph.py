"""The graph step: who reacts to whom, saturated, discounted, and ranked.

All matrices are scipy CSR with rows = reactors and columns = targets, built once per run from
the edge columns; nothing here loops over edges in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


def pair_matrix(*, actor: np.ndarray, target: np.ndarray, value: np.ndarray, size: int) -> sp.csr_matrix:
    """Sum ``value`` per (actor, target) pair; duplicates add up, explicit order is irrelevant."""
    matrix = sp.coo_matrix((value, (actor, target)), shape=(size, size)).tocsr()
    matrix.sum_duplicates()
    return matrix


def saturate(volume: sp.csr_matrix) -> sp.csr_matrix:
    """log(1 + v) per pair: the first reaction of a new reactor outweighs a fan's tenth."""
    return sp.csr_matrix((np.log1p(volume.data), volume.indices, volume.indptr), shape=volume.shape)


def discount_reciprocal(strength: sp.csr_matrix, *, share: float) -> sp.csr_matrix:
    """Remove ``share`` of the part of each pair's strength that the target pays back.

    w'(a, t) = w(a, t) - share * min(w(a, t), w(t, a)). One-way engagement keeps its full
    weight; a mutual pair A <-> B, and every pair of a dense clique, keeps only 1 - share.
    """
    mutual = strength.minimum(strength.T.tocsr())
    discounted = (strength - mutual * share).tocsr()
    discounted.sum_duplicates()
    return discounted


@dataclass(frozen=True, slots=True)
class PageRank:
    rank: np.ndarray  # stationary probability per node; sums to 1 over all nodes
    inflow: np.ndarray  # size * (received part of the rank): 0 for a node nobody points to
    iterations: int


def pagerank(
    *,
    transfer: sp.csr_matrix,
    out_strength: np.ndarray,
    group: np.ndarray | None,
    damping: float,
    tol: float,
    max_iter: int,
) -> PageRank:
    """Power iteration for PageRank with leaks, dangling nodes and per-group teleport.

    A node a passes ``damping * transfer[a, t] / out_strength[a]`` of its rank to t. When the
    transfer row sums to less than ``out_strength`` (discounted edges), the difference leaks;
    leaked mass, dangling nodes' mass and the teleport all return uniformly to the nodes of the
    same ``group`` (network), so each network keeps its share of the mass and a discount removes
    influence instead of moving it elsewhere. With ``transfer`` row sums equal to
    ``out_strength`` and one group this is the textbook PageRank (networkx's).
    """
    size = transfer.shape[0]
    if size == 0:
        empty = np.zeros(0)
        return PageRank(rank=empty, inflow=empty, iterations=0)
    group = np.zeros(size, dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64)
    group_size = np.bincount(group).astype(np.float64)
    present = group_size > 0
    inv_out = np.zeros(size, dtype=np.float64)
    positive = out_strength > 0
    inv_out[positive] = 1.0 / out_strength[positive]
    # Transposed once as CSR: each iteration is then a row-gather SpMV over all stored pairs.
    transfer_t = transfer.T.tocsr()
    rank = np.full(size, 1.0 / size)
    group_mass = np.bincount(group, weights=rank, minlength=group_size.size)
    iterations = 0
    flow = np.zeros(size)
    for iterations in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        flow = damping * (transfer_t @ (rank * inv_out))
        missing = group_mass - np.bincount(group, weights=flow, minlength=group_size.size)
        refill = np.zeros_like(missing)
        refill[present] = missing[present] / group_size[present]
        new_rank = flow + refill[group]
        delta = np.abs(new_rank - rank).sum()
        rank = new_rank
        if delta < tol:
            break
    flow = damping * (transfer_t @ (rank * inv_out))
    return PageRank(rank=rank, inflow=size * flow, iterations=iterations)


def plain_pagerank(*, actor: np.ndarray, target: np.ndarray, size: int, damping: float = 0.85) -> np.ndarray:
    """Unweighted PageRank over distinct (actor, target) pairs, self-loops dropped.

    The evaluation's baseline: what a naive "PageRank of the reaction graph" gives, with no
    decay, weights, saturation or discounts.
    """
    keep = actor != target
    ones = np.ones(int(keep.sum()), dtype=np.float64)
    matrix = pair_matrix(actor=actor[keep], target=target[keep], value=ones, size=size)
    matrix.data[:] = 1.0
    out = np.asarray(matrix.sum(axis=1)).ravel()
    return pagerank(
        transfer=matrix, out_strength=out, group=None, damping=damping, tol=1e-10, max_iter=500
    ).rank

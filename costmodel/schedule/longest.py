"""Longest path (maximum cycle) on a topologically ordered task list: one pass, no graph rebuilt.

A node is ready when all its incoming tasks have finished (MDARTS Sec. III-C: the edges into a
node run in parallel, the node sums their outputs); a task starts when its source node is ready.
Sources (nodes without incoming tasks) are ready at their given time (default 0).

Inputs are plain lists: ``src[t]``, ``dst[t]``, ``weight[t]`` with tasks sorted by ``dst`` and
``src[t] < dst[t]`` (what `dag.DAG` guarantees).
"""
from __future__ import annotations


def finish_times(n_nodes: int, src, dst, weight, ready=None):
    """(finish time of every node, index of the task that last finished into it or -1)."""
    finish = list(ready) if ready is not None else [0.0] * n_nodes
    pred = [-1] * n_nodes
    for t in range(len(src)):
        end = finish[src[t]] + weight[t]
        d = dst[t]
        if pred[d] < 0 or end > finish[d]:  # first incoming task sets the node, later ones may raise it
            finish[d] = end
            pred[d] = t
    return finish, pred


def max_time(n_nodes: int, src, dst, weight) -> float:
    """The latest finish time of any node (the hot path: no predecessor bookkeeping).

    MDARTS: "the cycle of the node that is computed last". Every node is computed, so a task whose
    result nobody uses (e.g. the preprocessing of an input the cell ignores) still counts."""
    finish = [0.0] * n_nodes
    seen = [False] * n_nodes
    for s, d, w in zip(src, dst, weight):
        end = finish[s] + w
        if not seen[d] or end > finish[d]:
            finish[d] = end
            seen[d] = True
    return max(finish)


def last_node(finish, sink: int) -> int:
    """The node computed last: `sink` when it is among the latest, else the first latest node."""
    latest = max(finish)
    return sink if finish[sink] == latest else finish.index(latest)


def critical_tasks(pred, src, sink: int) -> list[int]:
    """The tasks of the critical path into `sink`, first to last (ties: the first task in edge order)."""
    path = []
    node = sink
    while pred[node] >= 0:
        t = pred[node]
        path.append(t)
        node = src[t]
    return path[::-1]

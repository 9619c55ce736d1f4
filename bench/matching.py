"""Matching benchmark: our engine against scipy, OR-Tools, greedy and the `matching` package.

Usage::

    python bench/matching.py --quick        # small sizes, about a minute
    python bench/matching.py                # full run (the sizes of issue 3), several minutes

Every case runs in its own subprocess, so peak memory (``ru_maxrss``) is honest for C
extensions too. Prints a Markdown table: size, method, seconds, peak memory (total and above
the instance), matched mentees, total score and the ratio to the exact optimum of the same
instance (from the same run). The machine is shared, so compare ratios and times within one
run rather than across runs.

Instances:

* ``dense``: uniform random scores, capacities 1-3;
* ``sparse``: a given candidate graph, 40 random candidates per mentee, capacities 1-5;
* ``features``: realistic participants from ``mentorwise.people.generator`` scored by
  ``ScoringModel`` (the time includes scoring, candidates and solving, not generating people);
* ``circles``: members into circles (``solve_circles``): random topic fit, 90% of pairs
  allowed, 8 groups, two forbidden pairs per member on average, sizes 5-15; the ratio is to
  the solver's own proven bound (the bound is on the same objective);
* ``peer``: peer matching (``solve_peers``) on the 20 nearest peers of each participant
  (cosine of random 16-d profiles); the ratio is to the proven bound (fractional matching),
  and networkx's exact blossom runs on the same graph where it finishes in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mentorwise.matching import (  # noqa: E402
    Participants,
    ProgramRules,
    ScoringModel,
    management_chains,
    solve,
)

# --------------------------------------------------------------------------------- instances


def dense_instance(n: int, m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, m)), rng.integers(1, 4, size=m)


def sparse_instance(n: int, m: int, seed: int, per_mentee: int = 40):
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    cols = _random_cols(rng, n, m, per_mentee)
    rows = np.repeat(np.arange(n), per_mentee)
    scores = sp.csr_array((rng.random(n * per_mentee), (rows, cols.ravel())), shape=(n, m))
    return scores, rng.integers(1, 6, size=m)


def _random_cols(rng: np.random.Generator, n: int, m: int, k: int) -> np.ndarray:
    """k distinct random mentors per mentee without an n x m array (retry duplicates)."""
    cols = rng.integers(0, m, size=(n, k))
    while True:
        cols.sort(axis=1)
        dup = np.zeros_like(cols, dtype=bool)
        dup[:, 1:] = cols[:, 1:] == cols[:, :-1]
        if not dup.any():
            return cols
        cols[dup] = rng.integers(0, m, size=int(dup.sum()))


def _utc_offset(zone: str, cache: dict[str, float]) -> float:
    if zone not in cache:
        offset = ZoneInfo(zone).utcoffset(dt.datetime(2026, 1, 15))  # noqa: DTZ001
        cache[zone] = 0.0 if offset is None else offset.total_seconds() / 3600
    return cache[zone]


def feature_instance(n: int, m: int, seed: int) -> tuple[ScoringModel, np.ndarray]:
    """Mentees and mentors from the synthetic organization, scored with the default rules."""
    from mentorwise.people.generator import generate_org, generate_profiles

    org = generate_org(n + m + 10, seed=seed)
    rng = np.random.default_rng(seed)
    # Mentors come from the senior end, mentees from the rest (with some overlap in level).
    order = np.argsort(org.job_level + rng.random(org.n) * 4, kind="stable")
    mentees, mentors = np.sort(order[:n]), np.sort(order[-m:])
    cache: dict[str, float] = {}

    def table(idx: np.ndarray, role: str) -> tuple[Participants, np.ndarray]:
        prof = generate_profiles(org, idx, role, seed=seed + 1)
        at = idx.tolist()
        part = Participants(
            ids=idx,
            names=[f"{org.first_name[i]} {org.last_name[i]}" for i in at],
            job_level=org.job_level[idx],
            function=[org.function[i] for i in at],
            department=[org.department[i] for i in at],
            location=[org.location[i] for i in at],
            utc_offset=np.array([_utc_offset(org.time_zone[i], cache) for i in at]),
            languages=[org.languages[i] for i in at],
            skills=prof.skills_wanted if role == "mentee" else prof.skills_offered,
            text=prof.development_goals if role == "mentee" else prof.expertise,
            chain=management_chains(org.manager_index, idx, 3),
            training_completed=np.ones(len(at), dtype=bool),
        )
        return part, prof.capacity

    mentee_table, _ = table(mentees, "mentee")
    mentor_table, capacity = table(mentors, "mentor")
    started = time.perf_counter()
    model = ScoringModel(mentee_table, mentor_table, ProgramRules())
    model.build_seconds = time.perf_counter() - started  # type: ignore[attr-defined]
    return model, capacity


# ---------------------------------------------------------------------------------- methods


def run_scipy_lsa(scores: np.ndarray, caps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Slot-expanded assignment: one column per mentor seat (every pair allowed)."""
    from scipy.optimize import linear_sum_assignment

    slots = np.repeat(np.arange(scores.shape[1]), caps)
    rows, cols = linear_sum_assignment(scores[:, slots], maximize=True)
    return rows, slots[cols]


def run_ortools_direct(n: int, m: int, rows, cols, vals, caps) -> tuple[np.ndarray, np.ndarray]:
    """OR-Tools min-cost flow on the candidate arcs, called directly (max flow, min cost)."""
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    e = rows.shape[0]
    source, sink = n + m, n + m + 1
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate([rows, np.full(n, source), n + np.arange(m)]),
        np.concatenate([n + cols, np.arange(n), np.full(m, sink)]),
        np.concatenate([np.ones(e + n, np.int64), caps.astype(np.int64)]),
        np.concatenate([-np.rint(vals * 1e6).astype(np.int64), np.zeros(n + m, np.int64)]),
    )
    supply = int(min(n, caps.sum()))
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    flow.solve_max_flow_with_min_cost()
    chosen = flow.flows(np.arange(e)) > 0
    return rows[chosen], cols[chosen]


def run_matching_package(scores: np.ndarray, caps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Hospital-residents (resident-optimal) from the `matching` package, full preferences."""
    # This file is itself called matching.py: drop its folder from the path first.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    from matching.games import HospitalResident

    sys.setrecursionlimit(1_000_000)
    n, m = scores.shape
    mentee_pref = np.lexsort((np.broadcast_to(np.arange(m), scores.shape), -scores), axis=1)
    mentor_pref = np.lexsort((np.broadcast_to(np.arange(n), scores.T.shape), -scores.T), axis=1)
    game = HospitalResident.create_from_dictionaries(
        {i: mentee_pref[i].tolist() for i in range(n)},
        {j: mentor_pref[j].tolist() for j in range(m)},
        {j: int(caps[j]) for j in range(m)},
    )
    result = game.solve(optimal="resident")
    pairs = [(r.name, h.name) for h, residents in result.items() for r in residents]
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return arr[:, 0], arr[:, 1]


# ------------------------------------------------------------------------------------ cases


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def circle_instance(n: int, k: int, seed: int, objective: str):
    from mentorwise.matching.circles import CircleProblem

    rng = np.random.default_rng(seed)
    fit = rng.random((n, k))
    allowed = rng.random((n, k)) < 0.9
    pairs = rng.integers(0, n, size=(n, 2))
    pairs = [(int(a), int(b)) for a, b in pairs if a != b]
    groups = rng.integers(0, 8, size=n)
    return CircleProblem(fit, allowed, 5, 15, pairs, groups, objective, 0.3)


def peer_instance(n: int, seed: int, per_person: int = 20):
    from mentorwise.matching.peer import PeerProblem

    rng = np.random.default_rng(seed)
    emb = rng.standard_normal((n, 16))
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    rows, cols, vals = [], [], []
    for start in range(0, n, 1000):
        block = emb[start : start + 1000] @ emb.T
        block[np.arange(block.shape[0]), np.arange(start, start + block.shape[0])] = -np.inf
        top = np.argpartition(-block, per_person, axis=1)[:, :per_person]
        rows.append(np.repeat(np.arange(start, start + block.shape[0]), per_person))
        cols.append(top.ravel())
        vals.append(np.take_along_axis(block, top, 1).ravel())
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    key, first = np.unique(np.minimum(r, c) * n + np.maximum(r, c), return_index=True)
    return PeerProblem(n, np.column_stack([key // n, key % n]), v[first])


def run_grouping(case: dict[str, Any], out: dict[str, Any]) -> dict[str, Any]:
    """Circle and peer cases: time, value, proven bound."""
    kind, n, m, method, seed = case["kind"], case["n"], case["m"], case["method"], case["seed"]
    if kind == "circles":
        from mentorwise.matching.circles import solve_circles

        problem = circle_instance(n, m, seed, method.removeprefix("ours-"))
        base = _rss_mb()
        started = time.perf_counter()
        sol = solve_circles(problem, time_limit_s=60)
        out.update(matched=sol.placed, total=sol.objective, upper_bound=sol.bound, gap=sol.gap)
    else:
        problem = peer_instance(n, seed)
        base = _rss_mb()
        started = time.perf_counter()
        if method == "networkx":
            import networkx as nx

            graph = nx.Graph()
            graph.add_weighted_edges_from(
                zip(problem.edges[:, 0].tolist(), problem.edges[:, 1].tolist(),
                    problem.weights.tolist(), strict=True)
            )  # fmt: skip
            pairs = nx.max_weight_matching(graph)
            total = sum(graph[a][b]["weight"] for a, b in pairs)
            out.update(matched=len(pairs), total=total)
        else:
            from mentorwise.matching.peer import solve_peers

            sol = solve_peers(problem, method=method.removeprefix("ours-"))
            out.update(matched=sol.matched, total=sol.weight, upper_bound=sol.bound, gap=sol.gap)
    out.update(seconds=time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.update(peak_mb=peak, above_input_mb=max(0.0, peak - base))
    return out


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    """Build the instance, run one method, report time, memory and the assignment's value."""
    kind, n, m, method, seed = case["kind"], case["n"], case["m"], case["method"], case["seed"]
    out: dict[str, Any] = {**case}
    if kind in ("circles", "peer"):
        return run_grouping(case, out)
    if kind == "features":
        model, caps = feature_instance(n, m, seed)
        base = _rss_mb()
        started = time.perf_counter()
        if method == "ours-optimal":
            res = solve(model, caps)
        elif method == "ours-optimal-certified":
            res = solve(model, caps, certify=True)
        else:
            res = solve(model, caps, method=method.removeprefix("ours-"))
        seconds = time.perf_counter() - started + model.build_seconds  # type: ignore[attr-defined]
        out.update(
            seconds=seconds,
            matched=res.matched,
            total=res.total_score,
            upper_bound=res.upper_bound,
            rounds=res.rounds,
        )
    else:
        if kind == "dense":
            scores, caps = dense_instance(n, m, seed)
        else:
            scores, caps = sparse_instance(n, m, seed)
        base = _rss_mb()
        started = time.perf_counter()
        if method.startswith("ours-"):
            res = solve(scores, caps, method=method.removeprefix("ours-"))
            rows, cols = res.pairs[:, 0], res.pairs[:, 1]
            out.update(upper_bound=res.upper_bound, rounds=res.rounds)
        elif method == "scipy-lsa":
            rows, cols = run_scipy_lsa(scores, caps)
        elif method == "ortools-direct":
            if kind == "dense":
                rr, cc = np.nonzero(np.ones(scores.shape, dtype=bool))
                vals = scores.ravel()
            else:
                rr = np.repeat(np.arange(n), np.diff(scores.indptr))
                cc, vals = scores.indices.astype(np.int64), scores.data
            rows, cols = run_ortools_direct(n, m, rr.astype(np.int64), cc, vals, caps)
        elif method == "matching-hr":
            rows, cols = run_matching_package(scores, caps)
        else:
            raise SystemExit(f"unknown method {method}")
        seconds = time.perf_counter() - started
        if kind == "dense":
            total = float(scores[rows, cols].sum())
        else:
            total = float(np.asarray(scores[rows, cols]).sum())
        load = np.bincount(cols, minlength=m)
        assert (load <= caps).all() and len(np.unique(rows)) == len(rows)
        out.update(seconds=seconds, matched=len(rows), total=total)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.update(peak_mb=peak, above_input_mb=max(0.0, peak - base))
    return out


def plan(quick: bool) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []

    def add(kind: str, n: int, m: int, methods: list[str]) -> None:
        cases.extend({"kind": kind, "n": n, "m": m, "method": x, "seed": 7} for x in methods)

    ours = ["ours-optimal", "ours-stable", "ours-greedy"]
    if quick:
        add("dense", 1000, 400, [*ours, "scipy-lsa", "ortools-direct", "matching-hr"])
        add("dense", 2000, 700, [*ours, "scipy-lsa"])
        add("sparse", 10_000, 2_000, ["ours-optimal", "ortools-direct", *ours[1:]])
        add("features", 5_000, 1_000, ["ours-optimal", "ours-optimal-certified", *ours[1:]])
        add("circles", 2_000, 200, ["ours-diversity", "ours-similarity"])
        add("peer", 2_000, 0, ["ours-optimal", "ours-stable"])
        add("peer", 500, 0, ["ours-optimal", "networkx"])
        return cases
    add("dense", 2000, 700, [*ours, "scipy-lsa", "ortools-direct", "matching-hr"])
    add("dense", 5000, 2000, [*ours, "scipy-lsa", "ortools-direct"])
    # The matching package needs minutes here; cap it so the run finishes.
    add("dense", 5000, 2000, ["matching-hr"])
    cases[-1]["timeout"] = 180
    add("dense", 20_000, 8_000, ["ours-optimal", "scipy-lsa"])
    add("sparse", 100_000, 20_000, ["ours-optimal", "ortools-direct", *ours[1:]])
    add("features", 100_000, 20_000, ["ours-optimal", "ours-optimal-certified", *ours[1:]])
    add("circles", 10_000, 1_000, ["ours-diversity", "ours-similarity"])
    add("peer", 10_000, 0, ["ours-optimal", "ours-stable"])
    # networkx's blossom is pure Python: exact, but minutes at this size; capped.
    add("peer", 10_000, 0, ["networkx"])
    cases[-1]["timeout"] = 120
    add("peer", 1_000, 0, ["ours-optimal", "networkx"])
    return cases


EXACT = {"ours-optimal-certified", "ours-optimal", "scipy-lsa", "ortools-direct"}


def table(rows: list[dict[str, Any]]) -> str:
    """Markdown table; the ratio is to the best exact total of the same instance."""
    best: dict[tuple[str, int, int], float] = {}
    for r in rows:
        key = (r["kind"], r["n"], r["m"])
        exact = r["method"] == "ours-optimal-certified" or (
            r["method"] in EXACT and r["kind"] not in ("features", "circles", "peer")
        )
        if exact and "total" in r:
            best[key] = max(best.get(key, -np.inf), r["total"])
    for r in rows:
        if r["kind"] == "peer" and r["method"] == "networkx" and "total" in r:
            best[(r["kind"], r["n"], r["m"])] = r["total"]  # exact blossom
    lines = [
        "| instance | size | method | seconds | peak MB | MB above input | matched | total score "
        "| ratio to optimum | proven bound | ratio to bound |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        size = f"{r['n']:,} x {r['m']:,}" if r["m"] else f"{r['n']:,}"
        if "error" in r:
            lines.append(f"| {r['kind']} | {size} | {r['method']} | {r['error']} | | | | | | | |")
            continue
        opt = best.get((r["kind"], r["n"], r["m"]))
        ratio = f"{r['total'] / opt:.6f}" if opt else "n/a"
        bound = r.get("upper_bound")
        finite = bound is not None and np.isfinite(bound) and bound != 0
        to_bound = f"{r['total'] / bound:.6f}" if finite else "n/a"
        bound_text = f"{bound:,.3f}" if finite else "n/a"
        lines.append(
            f"| {r['kind']} | {size} | {r['method']} | {r['seconds']:.2f} | {r['peak_mb']:,.0f} "
            f"| {r['above_input_mb']:,.0f} | {r['matched']:,} | {r['total']:,.3f} | {ratio} "
            f"| {bound_text} | {to_bound} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, about a minute")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per case")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument(
        "--only", help="run only cases whose label ('kind NxM method') contains this text"
    )
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_case(json.loads(args.run))))
        return
    results = []
    for case in plan(args.quick):
        label = f"{case['kind']} {case['n']}x{case['m']} {case['method']}"
        if args.only and args.only not in label:
            continue
        print(f"running {label} ...", file=sys.stderr, flush=True)
        try:
            proc = subprocess.run(
                [sys.executable, __file__, "--run", json.dumps(case)],
                capture_output=True,
                text=True,
                timeout=case.get("timeout", args.timeout),
                check=False,
            )
            if proc.returncode != 0:
                tail = proc.stderr.strip().splitlines()[-1:] or ["failed"]
                results.append({**case, "error": f"error: {tail[0][:80]}"})
            else:
                results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        except subprocess.TimeoutExpired:
            limit = case.get("timeout", args.timeout)
            results.append({**case, "error": f"timeout > {limit:.0f} s"})
        print(f"  {results[-1].get('seconds', results[-1].get('error'))}", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Splink (DuckDB backend) on the generated UK population: the query task of
`dataward bench linkage --generated P --queries N`, for the speed comparison of issue 3.

Usage: splink_generated.py CSV_DIR [--results FILE] [--threshold 0.999] [--u-pairs 1e7]

CSV_DIR holds base.csv and queries.csv as written by
`dataward bench linkage --generated P --queries N --write-csv CSV_DIR`: the same cleaned records
dataward links, with the truth (the generated person; empty for a query of a person who is not
in the base). The truth column is never shown to Splink.

The queries are linked against the base (`link_only`) with the model of `splink_uk.py`
(comparisons, prediction blocking and label-free training, shared with splink_dedupe.py).

Per query the best-scoring base record at or above the threshold is its answer (as dataward
answers with the best person): a link is right when that record is the query's person, false
otherwise (always false for a person not in the base). Precision = right / links; recall =
right / queries of base persons. Pairwise figures (every predicted pair) are given as well.
Seconds are reported for reading the CSVs, training and prediction separately; peak RSS is the
process's (DuckDB runs in it).
"""

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

import pandas as pd
from splink import DuckDBAPI, Linker

import splink_uk

def read(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in df.columns:
        df[c] = df[c].replace("", None)
    return df


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv_dir", type=Path)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--threshold", type=float, default=0.999)
    parser.add_argument("--u-pairs", type=float, default=1e7, help="max pairs for u by random sampling")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)

    started = time.perf_counter()
    base = read(args.csv_dir / "base.csv")
    queries = read(args.csv_dir / "queries.csv")
    read_seconds = time.perf_counter() - started

    db = DuckDBAPI()
    settings = splink_uk.settings("link_only")
    linker = Linker(
        [
            db.register(base[splink_uk.MODEL_COLUMNS], dataset_display_name="base"),
            db.register(queries[splink_uk.MODEL_COLUMNS], dataset_display_name="queries"),
        ],
        settings,
        log_level=logging.WARNING,
    )

    train_started = time.perf_counter()
    splink_uk.train(linker, args.u_pairs)
    train_seconds = time.perf_counter() - train_started

    predict_started = time.perf_counter()
    pairs = linker.inference.predict(threshold_match_probability=args.threshold).as_pandas_dataframe()
    predict_seconds = time.perf_counter() - predict_started
    total_seconds = time.perf_counter() - started
    peak = peak_rss_mb()

    # Orient every pair as (query, base record).
    left_is_query = pairs["unique_id_l"].str.startswith("q")
    pairs["query"] = pairs["unique_id_l"].where(left_is_query, pairs["unique_id_r"])
    pairs["record"] = pairs["unique_id_r"].where(left_is_query, pairs["unique_id_l"])
    query_truth = dict(zip(queries["unique_id"], queries["truth"]))
    base_truth = dict(zip(base["unique_id"], base["truth"]))
    pairs["right"] = pairs["query"].map(query_truth) == pairs["record"].map(base_truth)
    best = pairs.sort_values(["query", "match_probability"], ascending=[True, False]).drop_duplicates("query")

    from_base = int(queries["truth"].notna().sum())
    outsiders = len(queries) - from_base
    links = len(best)
    right = int(best["right"].sum())
    outsider_links = int(best["query"].map(query_truth).isna().sum())
    # Pairwise: every base record of a query's person is a true pair.
    records_per_person = base["truth"].value_counts()
    true_pairs = int(queries["truth"].map(records_per_person).fillna(0).sum())
    right_pairs = int(pairs["right"].sum())
    result = {
        "set": f"Splink generated, {len(base)} base records, {len(queries)} queries",
        "records": len(queries),
        "base_records": len(base),
        "true": from_base,
        "predicted": links,
        "false": links - right,
        "precision": right / links if links else 1.0,
        "recall": right / from_base if from_base else 1.0,
        "outsiders": outsiders,
        "outsider_links": outsider_links,
        "pairs_predicted": len(pairs),
        "pairs_false": len(pairs) - right_pairs,
        "pairs_true": true_pairs,
        "pairs_recall": right_pairs / true_pairs if true_pairs else 1.0,
        "read_seconds": read_seconds,
        "training_seconds": train_seconds,
        "prediction_seconds": predict_seconds,
        "seconds": train_seconds + predict_seconds,
        "total_seconds": total_seconds,
        "queries_per_second": len(queries) / predict_seconds,
        "end_to_end_records_per_second": len(queries) / (train_seconds + predict_seconds),
        "peak_rss_mb": peak,
    }
    p, r = result["precision"], result["recall"]
    result["f1"] = 2 * p * r / (p + r) if p + r else 0.0
    print(
        f"{result['set']}: base {len(base)} records; queries {from_base} of base persons, {outsiders} outsiders\n"
        f"  read {read_seconds:.1f}s, training {train_seconds:.1f}s, prediction {predict_seconds:.1f}s "
        f"(end to end {train_seconds + predict_seconds:.1f}s; {result['queries_per_second']:.0f} queries/s in "
        f"prediction), peak RSS {peak:.0f} MB\n"
        f"  at {args.threshold}: links {links}, right {right}, false {links - right} ({outsider_links} to outsiders); "
        f"precision {result['precision']:.4f}, recall {result['recall']:.4f}\n"
        f"  pairwise: {len(pairs)} pairs, {len(pairs) - right_pairs} false, recall {result['pairs_recall']:.4f}"
    )
    if args.results:
        args.results.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

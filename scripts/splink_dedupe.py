#!/usr/bin/env python3
"""Splink (DuckDB backend) deduplicating one generated partner file: the ingest task (b) of
issue 3, for comparison with `dataward bench ingest --rows N`.

Usage: splink_dedupe.py PARTNER_CSV [--results FILE] [--threshold 0.999] [--u-pairs 1e7]

PARTNER_CSV is the raw file `dataward bench ingest` generates and loads (the competition-co
layout, with its noise and its malformed rows). Splink gets the same file and does what an
ingest's linking does: it cleans the columns it compares (lower-case names, the date of birth
when it is a date, digits of the mobile, the postcode upper-cased), trains a model without
labels (the prior from deterministic rules, u by random sampling, m by
expectation-maximisation on full name and on date of birth), predicts the pairs at the
threshold and clusters them into persons. It stores nothing: no encryption, no keyed digests,
no ledger or audit, which dataward's ingest does for every row.

The model (comparisons, blocking, training) is `splink_uk.py`, shared with
splink_generated.py. Reported: seconds for reading and cleaning, training, prediction and
clustering, end to end, rows per second end to end, the persons found, and the process's peak
RSS (DuckDB runs in it). There is no truth in the raw
file, so no precision or recall: this is the speed comparison.
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

def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    """The compared columns, normalised about as much as Splink's examples do."""
    def text(column: str) -> pd.Series:
        return raw[column].str.strip().str.lower().replace("", None)

    df = pd.DataFrame({"unique_id": raw["record_id"].where(raw["record_id"] != "", raw.index.astype(str))})
    df["first_name"] = text("first_name")
    df["surname"] = text("surname")
    dob = pd.to_datetime(raw["dob"], format="%Y-%m-%d", errors="coerce")
    df["dob"] = dob.dt.strftime("%Y-%m-%d").where(dob.notna(), None)
    df["email"] = text("email")
    phone = raw["mobile"].str.replace(r"\D", "", regex=True).str.replace(r"^44", "0", regex=True)
    df["phone"] = phone.where(phone.str.len() >= 10, None)
    df["address_1"] = text("address_1")
    df["postcode"] = raw["postcode"].str.strip().str.upper().replace("", None)
    # A partner file may repeat a record id; Splink needs unique ids.
    df = df.drop_duplicates("unique_id")
    return df


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--threshold", type=float, default=0.999)
    parser.add_argument("--u-pairs", type=float, default=1e7, help="max pairs for u by random sampling")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)

    started = time.perf_counter()
    raw = pd.read_csv(args.csv, dtype=str, keep_default_na=False, on_bad_lines="skip", engine="python")
    rows = len(raw)
    records = clean(raw)
    read_seconds = time.perf_counter() - started

    db = DuckDBAPI()
    settings = splink_uk.settings("dedupe_only")
    linker = Linker(db.register(records[splink_uk.MODEL_COLUMNS]), settings, log_level=logging.WARNING)

    train_started = time.perf_counter()
    splink_uk.train(linker, args.u_pairs)
    train_seconds = time.perf_counter() - train_started

    predict_started = time.perf_counter()
    pairs = linker.inference.predict(threshold_match_probability=args.threshold)
    predict_seconds = time.perf_counter() - predict_started

    cluster_started = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pairs, threshold_match_probability=args.threshold
    ).as_pandas_dataframe()
    cluster_seconds = time.perf_counter() - cluster_started
    total_seconds = time.perf_counter() - started
    persons = int(clusters["cluster_id"].nunique())
    peak = peak_rss_mb()

    result = {
        "set": f"Splink dedupe of a {rows}-row partner file",
        "rows": rows,
        "records": len(records),
        "persons": persons,
        "read_seconds": read_seconds,
        "training_seconds": train_seconds,
        "prediction_seconds": predict_seconds,
        "clustering_seconds": cluster_seconds,
        "seconds": total_seconds,
        "rows_per_second": rows / total_seconds,
        "peak_rss_mb": peak,
    }
    print(
        f"{result['set']}: {len(records)} records compared, {persons} persons at {args.threshold}\n"
        f"  read and clean {read_seconds:.1f}s, training {train_seconds:.1f}s, prediction {predict_seconds:.1f}s, "
        f"clustering {cluster_seconds:.1f}s; end to end {total_seconds:.1f}s "
        f"({result['rows_per_second']:.0f} rows/s), peak RSS {peak:.0f} MB"
    )
    if args.results:
        args.results.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

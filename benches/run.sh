#!/usr/bin/env bash
# Times dis-price against baselines measured in the same run, and prints the ratios.
# Usage: bash benches/run.sh [ROWS]   (default 1000000; peak memory is measured at 10 x ROWS)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin=target/release/dis-price

gen() { # gen N FILE: N jobs with varied steps, sizes and counts
  python3 - "$1" "$2" <<'PY'
import random, sys
n, path = int(sys.argv[1]), sys.argv[2]
r = random.Random(1)
with open(path, "w") as f:
    f.write("steps,size,n\n")
    for _ in range(n):
        # Sides the API accepts: 1 to 999, or 1024.
        side = lambda: r.choice((r.randint(1, 999), 1024))
        f.write(f"{r.randint(1, 50)},{side()}x{side()},{r.randint(1, 8)}\n")
PY
}
gen "$rows" "$work/jobs.csv"

# A Rust hello-world, the floor for start-up.
mkdir -p "$work/hello/src"
printf '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n[profile.release]\nopt-level = 3\n' > "$work/hello/Cargo.toml"
printf 'fn main() { println!("hello"); }\n' > "$work/hello/src/main.rs"
cargo build --release --quiet --manifest-path "$work/hello/Cargo.toml" --target-dir "$work/hello/target"
hello="$work/hello/target/release/hello"

# best of N wall-clock seconds of a command
best() {
  local n=$1; shift
  python3 - "$n" "$@" <<'PY'
import subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
best = float("inf")
for _ in range(n):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    best = min(best, time.perf_counter() - t)
print(f"{best:.6f}")
PY
}
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "input: $rows jobs, $(du -h "$work/jobs.csv" | cut -f1)"

py=$(best 1 python3 benches/baseline.py "$work/jobs.csv")
ours=$(best 3 "$bin" batch "$work/jobs.csv" --format csv)
echo "per-job CSV:  dis-price ${ours}s, Python csv+decimal ${py}s: $(ratio "$py" "$ours")x faster (target >= 25)"

wc=$(best 5 wc -l "$work/jobs.csv")
summary=$(best 5 "$bin" batch "$work/jobs.csv" --summary --format json)
echo "--summary:    dis-price ${summary}s, wc -l ${wc}s: $(ratio "$summary" "$wc")x the time of wc -l (target <= 10)"

one=$(best 50 "$bin" --steps 20 --size 512x512 --format plain)
floor=$(best 50 "$hello")
echo "one job:      dis-price ${one}s, hello-world ${floor}s: $(ratio "$one" "$floor")x (target <= 1.5)"

# Peak resident memory (KiB) of a command, its output thrown away.
peak() { { /usr/bin/time -v "$@" > /dev/null; } 2>&1 | awk -F: '/Maximum resident/ {print $2}' | xargs; }

gen $((rows * 10)) "$work/big.csv"
peak=$(peak "$bin" batch "$work/big.csv" --format csv)
peak_summary=$(peak "$bin" batch "$work/big.csv" --summary)
echo "peak memory at $((rows * 10)) jobs: ${peak} KiB per-job CSV, ${peak_summary} KiB --summary (target <= 8192)"

# --- JSON Lines of API request bodies, JSON out, every format streamed (issue 9, batch rows) ---
python3 benches/gen_jsonl.py "$rows" "$work/bodies.jsonl"
echo "input: $rows request bodies, $(du -h "$work/bodies.jsonl" | cut -f1)"
# The Python script must write what dis-price writes, byte for byte, on a sample.
head -n 2000 "$work/bodies.jsonl" > "$work/sample.jsonl"
cmp <(python3 benches/baseline_json.py "$work/sample.jsonl") <("$bin" batch "$work/sample.jsonl" --format csv) \
  || { echo "benches/baseline_json.py and dis-price disagree" >&2; exit 1; }
rows_out=()
row() { rows_out+=("| $1 | $2 | $3 |"); }

pyj=$(best 1 python3 benches/baseline_json.py "$work/bodies.jsonl")
jcsv=$(best 3 "$bin" batch "$work/bodies.jsonl" --format csv)
row "JSONL request bodies -> per-job CSV vs Python json+decimal" "$(ratio "$pyj" "$jcsv")x faster (${jcsv}s vs ${pyj}s)" ">= 30x faster"
wcj=$(best 5 wc -l "$work/bodies.jsonl")
jsum=$(best 5 "$bin" batch "$work/bodies.jsonl" --summary --format json)
row "JSONL request bodies --summary vs wc -l" "$(ratio "$jsum" "$wcj")x (${jsum}s vs ${wcj}s)" "<= 5x"
jjson=$(best 3 "$bin" batch "$work/bodies.jsonl" --format json)
row "per-job --format json vs --format csv, same input" "$(ratio "$jjson" "$jcsv")x (${jjson}s vs ${jcsv}s)" "<= 1.5x"
row "per-job --format table at $rows rows, peak memory" "$(( $(peak "$bin" batch "$work/bodies.jsonl") / 1024 )) MiB" "<= 64 MiB"
# Every batch format at ten times the rows: peak memory must not grow with the input.
for _ in $(seq 10); do cat "$work/bodies.jsonl"; done > "$work/big.jsonl"
for form in table markdown csv json; do
  row "--format $form, peak memory at $rows / $((rows * 10)) rows" \
    "$(peak "$bin" batch "$work/bodies.jsonl" --format "$form") / $(peak "$bin" batch "$work/big.jsonl" --format "$form") KiB" "flat"
done
row "--summary, peak memory at $rows / $((rows * 10)) rows" \
  "$(peak "$bin" batch "$work/bodies.jsonl" --summary) / $(peak "$bin" batch "$work/big.jsonl" --summary) KiB" "flat"
rm -f "$work/big.jsonl"
echo
echo "| path | now | target |"
echo "|---|---|---|"
printf '%s\n' "${rows_out[@]}"
# --- end of the JSON Lines section ---

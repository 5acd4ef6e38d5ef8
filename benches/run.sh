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

# median of N wall-clock seconds of a command (every comparison uses the same N and the median
# on both sides)
median() {
  local n=$1; shift
  python3 - "$n" "$@" <<'PY'
import statistics, subprocess, sys, time
n, cmd = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(n):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
print(f"{statistics.median(times):.6f}")
PY
}
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "input: $rows jobs, $(du -h "$work/jobs.csv" | cut -f1)"

py=$(median 3 python3 benches/baseline.py "$work/jobs.csv")
ours=$(median 3 "$bin" batch "$work/jobs.csv" --format csv)
echo "per-job CSV:  dis-price ${ours}s, Python csv+decimal ${py}s: $(ratio "$py" "$ours")x faster (target >= 25)"

wc=$(median 5 wc -l "$work/jobs.csv")
summary=$(median 5 "$bin" batch "$work/jobs.csv" --summary --format json)
echo "--summary:    dis-price ${summary}s, wc -l ${wc}s: $(ratio "$summary" "$wc")x the time of wc -l (target <= 10)"

one=$(median 50 "$bin" --steps 20 --size 512x512 --format plain)
floor=$(median 50 "$hello")
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

# Both sides run three times and keep their median.
pyj=$(median 3 python3 benches/baseline_json.py "$work/bodies.jsonl")
jcsv=$(median 3 "$bin" batch "$work/bodies.jsonl" --format csv)
row "JSONL request bodies -> per-job CSV vs Python json+decimal" "$(ratio "$pyj" "$jcsv")x faster (${jcsv}s vs ${pyj}s)" ">= 25x faster"
wcj=$(median 5 wc -l "$work/bodies.jsonl")
jsum=$(median 5 "$bin" batch "$work/bodies.jsonl" --summary --format json)
row "JSONL request bodies --summary vs wc -l" "$(ratio "$jsum" "$wcj")x (${jsum}s vs ${wcj}s)" "<= 5x"
jjson=$(median 3 "$bin" batch "$work/bodies.jsonl" --format json)
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

# grid ---------------------------------------------------------------------------------------
# `table` and `diff` over 1000 steps x 999 sizes (999,000 cells), in every format. Baseline in
# the same run: `wc -l` reading the same output back from the page cache, the floor for any
# program that writes those bytes. Peak memory is the child's max RSS (getrusage). Targets
# (issue 9): --format json <= 2 s and <= 64 MiB; one warning per distinct out-of-range value.
grid_bin=${bin:-target/release/dis-price}
grid_dir=$(mktemp -d)
grid_sizes=$(python3 -c "print(','.join(f'{w}x{1000 - w}' for w in range(1, 1000)))")
cp tariffs/distribute.toml "$grid_dir/old.toml"
sed 's/^rate = "0.001206"/rate = "0.0013266"/' tariffs/distribute.toml > "$grid_dir/new.toml"
grid_run() { # grid_run OUT CMD...: "<median-of-3 wall s> <median-of-3 CPU s> <peak KiB>", stdout to OUT
  local timing
  timing=$(python3 - "$@" <<'PY'
import resource, statistics, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
walls, cpus = [], []
cpu_of = lambda r: r.ru_utime + r.ru_stime
for _ in range(3):
    with open(out, "wb") as f:
        before, t = cpu_of(resource.getrusage(resource.RUSAGE_CHILDREN)), time.perf_counter()
        subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, check=True)
        walls.append(time.perf_counter() - t)
        cpus.append(cpu_of(resource.getrusage(resource.RUSAGE_CHILDREN)) - before)
wall, cpu = statistics.median(walls), statistics.median(cpus)
# Max RSS of the children: an upper bound (it can count the forked Python before exec).
print(f"{wall:.3f} {cpu:.3f} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
PY
)
  if [ -x /usr/bin/time ]; then
    shift
    /usr/bin/time -f %M -o "$grid_dir/peak" "$@" > /dev/null 2> /dev/null
    timing="${timing% *} $(cat "$grid_dir/peak")"
  fi
  echo "$timing"
}
grid_wc() { python3 - "$1" <<'PY'
import statistics, subprocess, sys, time
times = []
for _ in range(3):
    t = time.perf_counter()
    subprocess.run(["wc", "-l", sys.argv[1]], stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
print(f"{statistics.median(times):.4f}")
PY
}
echo
echo "grid: 1000 steps x 999 sizes (999,000 cells); median of 3; x = wall time / wc -l's on the output"
printf '%-7s %-9s %8s %8s %8s %10s %8s   %s\n' command format "wall s" "CPU s" "x wc -l" "peak KiB" output target
for grid_cmd in table diff; do
  for grid_format in json table markdown csv; do
    if [ "$grid_cmd" = table ]; then
      grid_args=("$grid_bin" table --allow-out-of-range)
    else
      grid_args=("$grid_bin" diff "$grid_dir/old.toml" "$grid_dir/new.toml")
    fi
    read -r grid_s grid_cpu grid_kib < <(grid_run "$grid_dir/out" "${grid_args[@]}" --steps 1..1000 --sizes "$grid_sizes" --format "$grid_format")
    grid_floor=$(grid_wc "$grid_dir/out")
    grid_target=""
    [ "$grid_format" = json ] && grid_target="<= 2 s, <= 65536 KiB (was 6.9 s, 2.8 GB)"
    printf '%-7s %-9s %8s %8s %8s %10s %8s   %s\n' "$grid_cmd" "$grid_format" "$grid_s" "$grid_cpu" \
      "$(python3 -c "print(f'{$grid_s / $grid_floor:.1f}')")" "$grid_kib" \
      "$(du -h "$grid_dir/out" | cut -f1)" "$grid_target"
  done
done
grid_warnings=$("$grid_bin" table --allow-out-of-range --steps 1..1000 --sizes "$grid_sizes" --format csv 2>&1 >/dev/null | wc -l)
echo "table --allow-out-of-range warnings: $grid_warnings lines for 949,050 out-of-range cells (target: one per distinct breach, 950; was one per cell)"
rm -rf "$grid_dir"

# --- mixed workloads: chat, speech and images in one file ------------------------------------
# A mixed JSON Lines file (a quarter each: image bodies, chat results, chat requests with
# max_tokens, speech with seconds) against an image-only file of as many lines, per-job CSV,
# median of 5 on both sides; then peak memory at N and 10 N lines in every format.
mixed_dir=$(mktemp -d)
mixed_n=$rows
python3 benches/gen_mixed.py "$mixed_n" "$mixed_dir/mixed.jsonl"
head -n "$mixed_n" "$work/bodies.jsonl" > "$mixed_dir/images.jsonl"
mixed_s=$(median 5 "$bin" batch "$mixed_dir/mixed.jsonl" --format csv)
images_s=$(median 5 "$bin" batch "$mixed_dir/images.jsonl" --format csv)
echo
echo "mixed file vs image-only file of $mixed_n lines, per-job CSV: ${mixed_s}s vs ${images_s}s: $(ratio "$mixed_s" "$images_s")x (target <= 2)"
for _ in $(seq 10); do cat "$mixed_dir/mixed.jsonl"; done > "$mixed_dir/big.jsonl"
mixed_peak() { /usr/bin/time -f %M -o "$mixed_dir/peak" "$@" > /dev/null 2> /dev/null; cat "$mixed_dir/peak"; }
echo "mixed workload, peak KiB at $mixed_n / $((mixed_n * 10)) lines (target <= 16384 at 10 N):"
for mixed_args in "--format table" "--format csv" "--format json" "--format markdown" "--summary"; do
  # shellcheck disable=SC2086
  printf '  %-10s %10s %10s\n' "${mixed_args#--format }" \
    "$(mixed_peak "$bin" batch "$mixed_dir/mixed.jsonl" $mixed_args)" \
    "$(mixed_peak "$bin" batch "$mixed_dir/big.jsonl" $mixed_args)"
done
# The first row is written as the input is read: the time to the first byte of output of
# per-job CSV on the 10 N file, against the whole run.
first_byte=$(python3 - "$bin" "$mixed_dir/big.jsonl" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen([sys.argv[1], "batch", sys.argv[2], "--format", "csv"], stdout=subprocess.PIPE)
p.stdout.read(1)
first = time.perf_counter() - t
p.stdout.read()
p.wait()
print(f"{first:.3f}s to the first byte, {time.perf_counter() - t:.3f}s in all")
PY
)
echo "first per-job row at $((mixed_n * 10)) lines: $first_byte"
rm -rf "$mixed_dir"
# --- end of the mixed workloads section ---

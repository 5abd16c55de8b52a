#!/usr/bin/env bash
# File I/O benchmark: Loomring's FileChannel (on carried threads and on ordinary virtual threads)
# against the JDK's FileChannel on virtual threads, in interleaved rounds of one run, each
# measurement in a JVM of its own (io.loomring.bench.files.FileBench). Workloads:
#   random-direct    256 threads read 4 KiB at random offsets of a 2 GiB file, O_DIRECT
#   random-buffered  the same through the page cache, dropped before each measurement and kept
#                    cold during it (posix_fadvise DONTNEED every 20 ms), so reads keep going to the
#                    disk (root only, for the drop; skipped with a note otherwise)
#   append           64 threads append 512-byte records to one file, each followed by force(false)
# Prints a table: per stack and workload, ops/s, p50/p99 µs, CPU µs per op, peak platform threads,
# and per round the ratio of each Loomring row to the JDK row of the same round.
#
# Settings (environment, all optional): ROUNDS=3 SECONDS_PER_STACK=10 READERS=256 APPENDERS=64 FILE_MIB=2048
# DATA=benchmarks/target/files (where the big file lives: a real disk, not tmpfs, for O_DIRECT)
# OUT=benchmarks/target/files-results
# STACKS="jdk carried virtual" WORKLOADS="random-direct random-buffered append" SKIP_BUILD=1
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
# Not SECONDS: bash keeps the seconds since the shell started there (an unset one reads 0).
SECONDS_EACH="${SECONDS_PER_STACK:-10}"
READERS="${READERS:-256}"
APPENDERS="${APPENDERS:-64}"
DATA="${DATA:-$HERE/target/files}"
FILE_MIB="${FILE_MIB:-2048}"
STACKS="${STACKS:-jdk carried virtual}"
WORKLOADS="${WORKLOADS:-random-direct random-buffered append}"
JAR="$HERE/target/benchmarks.jar"
OUT="${OUT:-$HERE/target/files-results}"

. "$ROOT/scripts/lib.sh"
JAVA="$(loomring_require_java run-files.sh)"
JAVA_OPTS=(--enable-native-access=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED)

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building (library install, then benchmarks)"
    (cd "$ROOT" && mvn -q -B -ntp install -DskipTests 2>&1 | loomring_strip_colour)
    (cd "$HERE" && mvn -q -B -ntp package 2>&1 | loomring_strip_colour)
fi
[[ -f "$JAR" ]] || { echo "run-files: $JAR missing (build failed?)" >&2; exit 1; }
mkdir -p "$DATA" "$OUT"

BIG="$DATA/random-${FILE_MIB}m.dat"
if [[ ! -f "$BIG" || "$(stat -c %s "$BIG")" -ne $((FILE_MIB * 1024 * 1024)) ]]; then
    echo "== writing $BIG ($FILE_MIB MiB of real blocks, so reads go to the disk)"
    dd if=/dev/urandom of="$BIG" bs=1M count="$FILE_MIB" oflag=direct status=none
fi

can_drop() { [[ "$(id -u)" == 0 && -w /proc/sys/vm/drop_caches ]]; }
drop_caches() { sync; echo 3 > /proc/sys/vm/drop_caches; }

echo "== Loomring $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo '?'), $("$JAVA" -version 2>&1 | head -1)," \
     "$(nproc) CPUs, kernel $(uname -r), $(df -h --output=source,fstype "$DATA" | tail -1)"
TSV="$OUT/files.tsv"
printf 'round\tstack\tworkload\tops\tseconds\tops_per_s\tp50_us\tp99_us\tcpu_us_per_op\tpeak_platform_threads\n' > "$TSV"
for round in $(seq 1 "$ROUNDS"); do
    for workload in $WORKLOADS; do
        for stack in $STACKS; do
            args=(stack="$stack" seconds="$SECONDS_EACH")
            case "$workload" in
                random-direct) args+=(workload=random direct=true file="$BIG" threads="$READERS") ;;
                random-buffered)
                    if ! can_drop; then
                        echo "   random-buffered skipped: dropping the page cache needs root"; continue
                    fi
                    drop_caches
                    args+=(workload=random direct=false cold=true file="$BIG" threads="$READERS") ;;
                append)
                    rm -f "$DATA/wal.log"
                    args+=(workload=append file="$DATA/wal.log" threads="$APPENDERS") ;;
                *) echo "run-files: unknown workload $workload" >&2; exit 2 ;;
            esac
            line="$("$JAVA" "${JAVA_OPTS[@]}" -cp "$JAR" io.loomring.bench.files.FileBench "${args[@]}")"
            # FileBench names the direct read workload random-direct and the buffered one random.
            line="$(sed "s/\trandom\t/\trandom-buffered\t/" <<< "$line")"
            printf '%s\t%s\n' "$round" "$line" | tee -a "$TSV" | cut -f2- | sed 's/^/   /'
        done
    done
done
rm -f "$DATA/wal.log"

echo "== ratios to the JDK row of the same round (ops/s; CPU per op)"
awk -F'\t' 'NR > 1 { key = $1 FS $3; if ($2 == "jdk") { jops[key] = $6; jcpu[key] = $9 } else { rows[NR] = $0 } }
    END { for (i in rows) { split(rows[i], f, FS); key = f[1] FS f[3];
          if (key in jops) printf "   round %s  %-16s %-8s ops/s %.2fx  CPU/op %.2fx\n", f[1], f[3], f[2], f[6] / jops[key], f[9] / jcpu[key] } }' "$TSV" | sort
echo "== raw figures: $TSV"

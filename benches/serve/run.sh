#!/usr/bin/env bash
# Load test of `consulta serve` (issue 20), quoted in the README's `consulta serve` section:
# a release server over the 5,000-file bench corpus, warmed with each of the 64 bench queries
# once, then two bounded wrk runs of 8 connections on 2 threads sending GET /api/search with
# those queries in turn. It prints wrk's figures, the count of answers other than 200 and of
# socket errors (both must be 0: the script fails otherwise), and the server's resident memory
# before, between and after the runs.
#
#   benches/serve/run.sh [CORPUS] [SECONDS]
#
# CORPUS defaults to target/bench-corpus-5000, generated when missing with
# `python3 ../shared/bench/gen_corpus.py --docs 5000 --seed 1`; its index goes to CORPUS.index.
# Needs Debian's `wrk` and a release build (`cargo build --release`; $CONSULTA overrides it).
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${1:-target/bench-corpus-5000}
seconds=${2:-15}
bin=${CONSULTA:-target/release/consulta}
queries=$(realpath ../shared/bench/queries.txt)
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -x $bin ]] || { echo "needs $bin (cargo build --release)" >&2; exit 2; }
if [[ ! -d $corpus ]]; then
    python3 ../shared/bench/gen_corpus.py --docs 5000 --seed 1 --out "$corpus"
fi
index=$corpus.index
if [[ ! -d $index ]]; then
    /usr/bin/time -f "index built in %e s, peak RSS %M KB" "$bin" index --corpus "$corpus" --index "$index" >/dev/null
fi

log=$(mktemp)
"$bin" serve --addr 127.0.0.1:0 --corpus "$corpus" --index "$index" 2>"$log" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
    grep -q 'http://' "$log" && break
    sleep 0.1
done
url=$(grep -o 'http://[^/ ]*' "$log" | head -1)
[[ -n $url ]] || { cat "$log" >&2; exit 1; }
rss() { awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status"; }

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo); $(uname -sr)"
echo "server: $url, $("$bin" --version), corpus $corpus ($(find "$corpus" -type f | wc -l) files)"
echo "RSS after start: $(rss)"
while IFS= read -r q; do
    [[ -n ${q// } ]] || continue
    code=$(curl -s -o /dev/null -w '%{http_code}' -G "$url/api/search" --data-urlencode "q=$q")
    [[ $code == 200 ]] || { echo "warm-up: $q answered $code" >&2; exit 1; }
done <"$queries"
echo "RSS after warm-up (64 queries once): $(rss)"
failed=0
for run in 1 2; do
    out=$(QUERIES=$queries wrk -t2 -c8 -d"${seconds}s" --latency -s benches/serve/queries.lua "$url")
    echo "$out" | grep -E 'Latency|Req/Sec|requests in|Socket|Non-2xx|RESULT'
    echo "RSS after run $run: $(rss)"
    result=$(echo "$out" | grep RESULT)
    [[ $result == *" non200=0 socket_errors=0 "* ]] || failed=1
done
((failed == 0)) || { echo "FAILED: answers other than 200 or socket errors" >&2; exit 1; }

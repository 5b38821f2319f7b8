#!/usr/bin/env bash
# Prints the longest module and the longest function of the product code (src/**/*.rs), the
# two size figures issue 11 asks to measure before and after a refactoring.
#
# Usage: scripts/code-stats.sh [--top N] [DIR...]   (default: src; N rows of each list, default 1)
#
# A function is counted from its `fn` line to the line of the brace that closes its body (a
# simple brace-matching scan: string literals, char literals and // comments are blanked first,
# so braces inside them do not count). Functions nested in a function count towards the outer
# one. Lines of a module are the file's lines, tests included.
set -euo pipefail
top=1
if [[ "${1:-}" == "--top" ]]; then
    top="$2"
    shift 2
fi
cd "$(dirname "$0")/.."
dirs=("${@:-src}")
mapfile -t files < <(find "${dirs[@]}" -name '*.rs' -type f | sort)

echo "longest module (lines):"
wc -l "${files[@]}" | grep -v ' total$' | sort -rn | head -n "$top" | awk '{printf "  %6d  %s\n", $1, $2}'

echo "longest function (lines):"
awk '
    FNR == 1 { depth = 0; infn = 0 }
    {
        line = $0
        # Blank what can hold a brace that is not code: escaped chars, string and char literals,
        # then a line comment.
        gsub(/\\./, "", line)
        gsub(/"[^"]*"/, "\"\"", line)
        gsub(/'"'"'[^'"'"']'"'"'/, "", line)
        sub(/\/\/.*/, "", line)
        if (!infn && match(line, /(^|[^A-Za-z0-9_])fn +[A-Za-z0-9_]+/)) {
            name = substr(line, RSTART, RLENGTH)
            sub(/.*fn +/, "", name)
            infn = 1; start = FNR; fndepth = depth; opened = 0
        }
        n = length(line)
        for (i = 1; i <= n; i++) {
            c = substr(line, i, 1)
            if (c == "{") { depth++; if (infn) opened = 1 }
            else if (c == "}") {
                depth--
                if (infn && opened && depth == fndepth) {
                    printf "%d %s:%d %s\n", FNR - start + 1, FILENAME, start, name
                    infn = 0
                }
            } else if (c == ";" && infn && !opened && depth == fndepth) {
                infn = 0   # a declaration without a body (trait method)
            }
        }
    }
' "${files[@]}" | sort -rn | head -n "$top" | awk '{printf "  %6d  %s  %s\n", $1, $2, $3}'

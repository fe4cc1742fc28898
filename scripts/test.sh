#!/usr/bin/env bash
# The README's test command: builds everything (the Functions app included), runs every test project, and prints
# one closing line "N passed, N failed, N skipped" summed over the test runs. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! dotnet build Serverless.sln -c Release 2>&1 | tee "$log" | grep -E "error|notice|Warn|Elapsed"; then :; fi
if grep -qE "Build FAILED|[1-9][0-9]* Error\(s\)" "$log"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test --solution Serverless.sln -c Release --no-build 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform prints one "Test run summary" block; sum its counters.
passed=$(grep -E '^\s+succeeded:' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -E '^\s+failed:' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -E '^\s+skipped:' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no test ran"
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi

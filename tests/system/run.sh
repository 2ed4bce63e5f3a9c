#!/usr/bin/env bash
# Runs the process-level tests and ends with "N passed, M failed".
cd "$(dirname "$0")"
out=$(timeout 300 /usr/bin/python3 -m unittest -v test_process test_rooms_demo test_im_durability 2>&1)
rc=$?
echo "$out"
ran=$(sed -nE 's/^Ran ([0-9]+) tests?.*/\1/p' <<<"$out")
failed=$(sed -nE 's/.*FAILED \((.*)\)/\1/p' <<<"$out" | grep -oE '[0-9]+' | paste -sd+ | bc 2>/dev/null)
ran=${ran:-0}; failed=${failed:-0}
if [ "$ran" -eq 0 ] || { [ $rc -ne 0 ] && [ "$failed" -eq 0 ]; }; then failed=$((failed + 1)); fi
echo "$((ran - failed < 0 ? 0 : ran - failed)) passed, $failed failed"

#!/usr/bin/env bash
# Builds cgats-tr002-newsprint.icc, the output profile for coldset printing on newsprint, from the
# characterization data of ANSI CGATS/SNAP TR 002-2007 (TR002.ti3, as Debian's icc-profiles-free
# ships it; "profiles based on these data may be distributed", naming TR 002 as their source) with
# ArgyllCMS's colprof (Debian's argyll).
#
# Ink limit 240 % (total area coverage, as newsprint plants ask) and black 95 %; black generation
# starting at a fifth of the way from white and reaching full at the darkest, so greys and shadows
# of pictures print mostly on the black plate, where newsprint holds register best.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data=/usr/share/color/icc/TR002.ti3
[ -r "$data" ] || { echo "$data is not there: apt-get install icc-profiles-free" >&2; exit 2; }
command -v colprof >/dev/null || { echo "colprof is not there: apt-get install argyll" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$data" "$work/TR002.ti3"
(cd "$work" && colprof -qm -kp 0 0.2 1.0 1.0 1.0 -l240 -L95 \
  -D "Coldset newsprint (CGATS TR 002-2007), TAC 240%" \
  -C "Built from ANSI CGATS/SNAP TR 002-2007 characterization data (NPES); the source of the data is that Technical Report" \
  -O newsprint.icc TR002 >/dev/null)
mv "$work/newsprint.icc" "$here/cgats-tr002-newsprint.icc"
echo "$here/cgats-tr002-newsprint.icc"

#!/usr/bin/env bash
# Run PyNN's own system test scenarios (from the PyNN sdist on PyPI) against a backend.
# usage: run.sh BACKEND [pytest args...]      e.g.  scenarios/run.sh neurochip -x
# Run it inside the environment where PyNN and pyNN.BACKEND are installed; needs pytest,
# scipy and matplotlib importable there. Set PYNN_VERSION to match the pinned PyNN.
# PYNN_ONLY_EXTRA=0 also runs the scenarios on the backends they name (e.g. nest).
set -euo pipefail
BACKEND=${1:?backend name, e.g. neurochip}; shift
VERSION=${PYNN_VERSION:-0.13.0}
WORK=${PYNN_TESTS_DIR:-$(dirname "$(mktemp -u)")/pynn-scenarios-$VERSION}
HERE=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$WORK/test/system/scenarios" ]; then
  mkdir -p "$WORK/dl"
  python -m pip download "PyNN==$VERSION" --no-deps --no-binary :all: -d "$WORK/dl" -q
  tar xzf "$WORK"/dl/[Pp]y[Nn][Nn]-"$VERSION".tar.gz -C "$WORK/dl"
  cp -r "$WORK"/dl/[Pp]y[Nn][Nn]-"$VERSION"/test "$WORK/test"   # tests only: a pyNN/ folder here would shadow the installed PyNN
fi
cp "$HERE/conftest_adapter.py" "$WORK/test/system/scenarios/conftest.py"
cd "$WORK"
PYNN_EXTRA_BACKENDS="$BACKEND" PYNN_ONLY_EXTRA=${PYNN_ONLY_EXTRA:-1} PYNN_LIKE=${PYNN_LIKE:-nest} \
  python -m pytest test/system/scenarios -p no:cacheprovider -q "$@"

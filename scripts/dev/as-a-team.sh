#!/usr/bin/env bash
# The harness as a team uses it: installed as a tool from a wheel of this checkout into a fresh
# environment that holds nothing else (uv tool; the lock's versions as constraints), and run from a
# scratch copy of examples/tidy-todo made into a git repository of its own, outside this checkout,
# in a folder whose path has a space. CI runs its gates so (.ci/run, make test-cluster).
set -euo pipefail

usage() {
  cat <<USAGE
usage: scripts/dev/as-a-team.sh install|run [TODO_HARNESS_ARGS...]|path

  install  build the harness's wheel, install it with its charts extra as a uv tool into
           \$TEAM_TOOL_DIR (made anew), and copy examples/tidy-todo to a new git repository there
  run      cd into that repository and run todo-harness with the arguments given
  path     print the repository's path

environment:
  TEAM_TOOL_DIR  where the tool and the team's repository go (default \${TMPDIR:-/tmp}/todo-harness-tool)
USAGE
}

CHECKOUT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${TEAM_TOOL_DIR:-${TMPDIR:-/tmp}/todo-harness-tool}
TEAM="$DIR/team repo/tidy-todo"  # the space is on purpose: paths are quoted all the way through
UV=${UV:-$CHECKOUT/.tools/bin/uv}

install() {
  [ -x "$UV" ] || { echo "as-a-team.sh: $UV is missing; run \`make harness\` first" >&2; exit 1; }
  rm -rf "$DIR" && mkdir -p "$DIR/dist"
  "$UV" build --project "$CHECKOUT" --wheel --quiet -o "$DIR/dist"
  local wheel
  wheel=$(find "$DIR/dist" -name 'todo_harness-*.whl' | head -n 1)
  [ -n "$wheel" ] || { echo "as-a-team.sh: uv build made no wheel" >&2; exit 1; }
  "$UV" export --project "$CHECKOUT" --frozen --no-dev --all-extras --no-emit-project --no-hashes --quiet \
    -o "$DIR/constraints.txt"
  UV_TOOL_DIR="$DIR/tools" UV_TOOL_BIN_DIR="$DIR/bin" "$UV" tool install --quiet --refresh-package todo-harness \
    -c "$DIR/constraints.txt" "todo-harness[charts] @ file://$wheel"
  # The tool runs its own copy of the checks, not this checkout's (asked outside it: `python -c` reads
  # the working directory first).
  (cd "$DIR" && "$DIR/tools/todo-harness/bin/python" -c 'import fixtures.shipped as s, sys; sys.exit(0 if s.INSTALLED else 1)') ||
    { echo "as-a-team.sh: the tool imports the harness from the checkout, not from its wheel" >&2; exit 1; }
  mkdir -p "$(dirname "$TEAM")"
  cp -r "$CHECKOUT/examples/tidy-todo" "$TEAM"
  git -C "$TEAM" init -q
  git -C "$TEAM" add -A
  git -C "$TEAM" -c user.name=team -c user.email=team@localhost commit -qm "the team's app"
  echo "as-a-team.sh: todo-harness in $DIR/bin, the team's repository in $TEAM"
}

case "${1:-}" in
  install) install ;;
  run)
    shift
    [ -x "$DIR/bin/todo-harness" ] || { echo "as-a-team.sh: no tool in $DIR; run \`$0 install\` first" >&2; exit 1; }
    cd "$TEAM"
    exec "$DIR/bin/todo-harness" "$@"
    ;;
  path) echo "$TEAM" ;;
  -h | --help) usage ;;
  *) usage >&2; exit 2 ;;
esac

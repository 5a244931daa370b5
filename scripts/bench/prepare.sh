# Sourced by the benchmarks that drive the release dashboard in tmux (bench-poll.sh, bench-terminal.sh).
#   bench_prepare NAME COMMAND…   installs the test dependencies and each missing COMMAND (its Debian package has
#                                 the same name), builds the release binary ($bin), makes a scratch folder ($work)
#                                 and a tmux socket name ($socket); on exit, that tmux server and the process whose
#                                 pid is in $background are stopped and $work removed.
bench_prepare() {
  local name=$1; shift
  scripts/ensure-deps.sh --tests
  local as_root=(); [ "$(id -u)" -ne 0 ] && as_root=(sudo)
  local command
  for command in "$@"; do
    command -v "$command" >/dev/null || "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$command" >/dev/null
  done
  swift build -c release --product lookout >/dev/null 2>&1
  bin=$PWD/.build/release/lookout
  work=$(mktemp -d)
  socket="lookout-$name-$$"
  trap bench_cleanup EXIT
}

bench_cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  [ -n "${background:-}" ] && kill "$background" 2>/dev/null || true
  rm -rf "$work"
}

#!/usr/bin/env bash
# Install aiguard for the GitHub Action: a cached binary, a release binary checked against its
# published sha256, or a build of the action's own checkout. Inputs come from the environment
# (INPUT_VERSION, AIGUARD_BIN_DIR), never from text pasted into the script.
set -euo pipefail

bin_dir="${AIGUARD_BIN_DIR:-${RUNNER_TEMP:-/tmp}/aiguard-bin}"
version="${INPUT_VERSION:-source}"
action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
exe="aiguard"
[ "${RUNNER_OS:-}" = "Windows" ] && exe="aiguard.exe"

publish() {
  echo "$bin_dir" >> "${GITHUB_PATH:-/dev/null}"
  "$bin_dir/$exe" --version
}

if [ -x "$bin_dir/$exe" ]; then
  echo "aiguard: using the cached binary"
  publish
  exit 0
fi
mkdir -p "$bin_dir"

if [ "$version" != "source" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) target="x86_64-unknown-linux-musl" ;;
    Linux-aarch64) target="aarch64-unknown-linux-musl" ;;
    Darwin-arm64) target="aarch64-apple-darwin" ;;
    Darwin-x86_64) target="x86_64-apple-darwin" ;;
    *) target="" ;;
  esac
  if [ -n "$target" ]; then
    base="https://github.com/aiguard-dev/aiguard/releases/download/v${version#v}"
    archive="aiguard-${target}.tar.gz"
    tmp="$(mktemp -d)"
    if curl -fsSL "$base/$archive" -o "$tmp/$archive" && curl -fsSL "$base/$archive.sha256" -o "$tmp/$archive.sha256"; then
      want="$(cut -d' ' -f1 < "$tmp/$archive.sha256")"
      got="$(sha256sum "$tmp/$archive" 2>/dev/null || shasum -a 256 "$tmp/$archive")"
      if [ "${got%% *}" = "$want" ]; then
        tar -xzf "$tmp/$archive" -C "$bin_dir"
        publish
        exit 0
      fi
      echo "aiguard: checksum mismatch for $archive; building from source instead" >&2
    else
      echo "aiguard: no release $version for $target; building from source instead" >&2
    fi
  fi
fi

cargo install --locked --path "$action_path" --root "$bin_dir.root" --quiet
cp "$bin_dir.root/bin/$exe" "$bin_dir/$exe"
publish

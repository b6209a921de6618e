#!/usr/bin/env bash
# Checks `make install` end to end, as CI runs it after the tests: installs into a temporary
# DESTDIR, then checks that the binary links nothing from the Swift toolchain and runs with the
# toolchain hidden (a private mount namespace with an empty directory over it, where the kernel
# allows one; else with the toolchain's library directories off every search path), that the man
# page renders, and that the completion scripts parse and complete model, family and file names
# (bash by calling its completion function; zsh and fish through a terminal, tools/check_completion.py).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make install DESTDIR="$dest" PREFIX=/usr/local >/dev/null
bin="$dest/usr/local/bin/opcat"
toolchain=$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")
fail() { echo "check_install: $*" >&2; exit 1; }

if ldd "$bin" | grep -q "$toolchain"; then fail "the binary links the toolchain: $(ldd "$bin" | grep "$toolchain")"; fi
ldd "$bin" | grep -qi swift && fail "the binary links a Swift library: $(ldd "$bin" | grep -i swift)"

run_hidden() {
    if unshare --mount --map-root-user true 2>/dev/null; then
        unshare --mount --map-root-user sh -c 'mount -t tmpfs tmpfs "$1" && shift && exec "$@"' _ "$toolchain" "$@"
    else
        echo "check_install: no mount namespace here; running with the toolchain off the library path" >&2
        env -i PATH=/usr/bin:/bin LD_LIBRARY_PATH= "$@"
    fi
}
out=$(run_hidden "$bin" count data/zoo/resnet18_v1-symbol.json --format csv)
echo "$out" | grep -q '^resnet18_v1,.*,11689512,1814073344,' || fail "the installed binary counted wrong: $out"
# The toolchain really was out of reach in that run.
if unshare --mount --map-root-user true 2>/dev/null; then
    run_hidden sh -c "test ! -e '$toolchain/bin/swift'" || fail "the toolchain was not hidden"
fi

man_page="$dest/usr/local/share/man/man1/opcat.1"
grep -q '^\.Nm opcat' "$man_page" || fail "no man page"
for sub in count ingest table pareto best layers diff export; do
    grep -q "$sub" "$man_page" || fail "the man page lacks $sub"
done
if command -v mandoc >/dev/null; then mandoc -T lint -W error "$man_page" >/dev/null || true; fi
if command -v man >/dev/null; then MANWIDTH=100 man -l "$man_page" >/dev/null 2>&1 || fail "man cannot render it"; fi

bash -n "$dest/usr/local/share/bash-completion/completions/opcat" || fail "the bash completion does not parse"
if command -v zsh >/dev/null; then zsh -n "$dest/usr/local/share/zsh/site-functions/_opcat" || fail "zsh completion"; fi
if command -v fish >/dev/null; then fish -n "$dest/usr/local/share/fish/vendor_completions.d/opcat.fish" || fail "fish completion"; fi
db="$dest/zoo.sqlite"
"$bin" ingest data/zoo --db "$db" >/dev/null 2>&1
words=$(OPCAT="$bin" DB="$db" bash -c '
    source "$(dirname "$OPCAT")/../share/bash-completion/completions/opcat"
    COMP_WORDS=("$OPCAT" layers --db "$DB" vit_); COMP_CWORD=4; COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
    _opcat "$OPCAT" vit_ "$DB"; printf "%s\n" "${COMPREPLY[@]}"')
[ "$words" = "vit_b_16" ] || fail "bash completion of a model name gave: $words"
# zsh and fish, driven through a terminal as a person uses them (skipped where not installed).
if command -v python3 >/dev/null; then
    python3 tools/check_completion.py "$dest/usr/local" "$db" || fail "zsh/fish completion (above)"
else
    echo "check_install: python3 not found; zsh and fish completion not driven" >&2
fi
echo "check_install: ok ($(du -h "$bin" | cut -f1) binary; $(ldd "$bin" | wc -l) shared libraries, none from the toolchain)"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# tools/readme-check.sh [README]: every command README.md shows is run by a
# test (make readme-check, part of make unit).
#
# Which lines are commands: the lines of the README's ```sh fenced blocks
# (output and listings go in ```text blocks, which are not read).  A
# trailing backslash continues a command on the next line; a leading "$ "
# is dropped; blank lines and lines starting with "#" are skipped; a
# comment (" # ...") after a command is dropped, and a comment that starts
# with "exit N" says the command exits N instead of 0.
#
# Each command is either run (from the top of the tree, with bash, at most
# TIMEOUT seconds; it must exit 0 or the N its comment gives):
#   make ARGS                 as make -n ARGS (unless -C names a directory
#                             outside the tree: then it must be found)
#   build/idreg ARGS          the native idreg, on the committed profiles
#   any command whose last word is --help, or ./run_tests.sh --list
# or found: a line of the recipes make check runs (make -n check) or of the
# tree's shell scripts (git ls-files: *.sh, tools/emu/run-on-host) calls the
# same program (by its file name) with every option the command gives
# (words starting with "-", cut at "="), every variable it assigns (words
# NAME=...) and, for make and idreg, the same targets or subcommand.
# A command neither run nor found fails, naming its line of the README.
#
# A fence other than ```sh or ```text, or an indented code block, fails:
# every command shown is in a ```sh block.
#
# --self-test: each kind of failure is caught (a command not found, a wrong
# exit status, an unknown make target, a file without commands, a code
# block of another kind).
#
# Exit: 0 every command passed, 1 one did not, 2 usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
TIMEOUT=${TIMEOUT:-120}

# The commands of ```sh blocks: "LINE<TAB>COMMAND" per command; a code
# block that could hide a command from the check (a fence other than
# ```sh or ```text, an indented block) is "!LINE<TAB>why".
readme_commands() {
	awk '
	/^```/ {
		if (infence) { infence = 0; insh = 0; next }
		infence = 1
		insh = ($0 ~ /^```sh[ \t]*$/)
		if (!insh && $0 !~ /^```text[ \t]*$/)
			printf "!%d\ta code block must be ```sh (commands) or ```text\n", NR
		next
	}
	!infence && blank && /^(    |\t)/ && !inlist {
		printf "!%d\tan indented code block: use ```sh or ```text\n", NR
	}
	!infence {
		if ($0 ~ /^[ \t]*([-*]|[0-9]+\.) /) inlist = 1
		else if ($0 ~ /^[^ \t]/) inlist = 0
		blank = ($0 ~ /^[ \t]*$/)
		next
	}
	!insh { next }
	{
		line = $0
		if (cont == "") start = NR
		sub(/^\$ /, "", line)
		if (line ~ /\\$/) { sub(/\\$/, "", line); cont = cont line " "; next }
		line = cont line; cont = ""
		if (line ~ /^[ \t]*(#|$)/) next
		printf "%d\t%s\n", start, line
	}' "$1"
}

# The expected exit status from a "# exit N" comment (0 without one).
expected_status() {
	local c
	c=$(sed -n 's/.*[[:space:]]#[[:space:]]*exit \([0-9][0-9]*\).*/\1/p' <<<"$1")
	echo "${c:-0}"
}

strip_comment() {
	sed 's/[[:space:]][[:space:]]*#[[:space:]].*$//; s/[[:space:]]*$//' <<<"$1"
}

# The words of a command up to its first redirection, pipe or list operator.
command_words() {
	local w out=() cw
	read -ra cw <<<"$1"
	for w in "${cw[@]}"; do
		case "$w" in
		'|'*|'>'*|'<'*|'2>'*|'&&'|';') break ;;
		esac
		out+=("$w")
	done
	echo "${out[*]}"
}

# make's -C directory, if the command gives one.
make_dir() {
	local prev='' w
	for w in $1; do
		[ "$prev" = -C ] && { echo "$w"; return; }
		prev=$w
	done
}

in_tree() {
	local d
	d=$(cd "$TOP" && realpath -m "$1")
	case "$d/" in "$TOP"/*) [ -d "$d" ] ;; *) return 1 ;; esac
}

# How a command is run, or nothing if it must be found.
run_form() {
	local words=$1 last d
	last=${words##* }
	case "$words" in
	make|make\ *)
		d=$(make_dir "$words")
		if [ -z "$d" ] || in_tree "$d"; then
			echo "env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n${words#make}"
		fi
		return ;;
	build/idreg\ *|'./run_tests.sh --list')
		echo "$2"; return ;;
	esac
	[ "$last" = --help ] && echo "$2"
}

# Run $3 for the README's command $2 (line $1); it must exit $4.
run_one() {
	local line=$1 shown=$2 cmd=$3 want=$4 out rc
	out=$(cd "$TOP" && timeout "$TIMEOUT" bash -c "$cmd" 2>&1 >/dev/null)
	rc=$?
	[ "$cmd" = "$shown" ] || shown="$shown (as ${cmd#env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL })"
	if [ "$rc" != "$want" ]; then
		echo "README.md:$line: '$shown' exited $rc, not $want${out:+: $(tail -n 3 <<<"$out" | tr '\n' ' ')}"
		return 1
	fi
	echo "ok README.md:$line: ran: $shown"
}

# What make check runs and the tree's shell scripts, a logical line each
# (continuations joined).
build_corpus() {
	local f
	(cd "$TOP" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -n check 2>/dev/null)
	(cd "$TOP" && git ls-files '*.sh' tools/emu/run-on-host) | while read -r f; do
		cat "$TOP/$f"
	done
}

# The tokens a corpus line must hold: the program's file name first, then
# options, assignments and (make, idreg) targets or the subcommand.
signature() {
	local words=$1 prog w skip=0 sub=0 sig=() ws
	read -ra ws <<<"$words"
	prog=${ws[0]##*/}
	sig=("$prog")
	case "$prog" in make|idreg) sub=1 ;; esac
	for w in "${ws[@]:1}"; do
		if [ "$skip" = 1 ]; then
			skip=0
			continue
		fi
		case "$w" in
		-C|-f|-o) sig+=("$w"); skip=1 ;;
		-*) sig+=("${w%%=*}") ;;
		[A-Za-z_]*=*) sig+=("${w%%=*}=") ;;
		*) if [ "$sub" = 1 ]; then
			sig+=("=$w")
			[ "$prog" = idreg ] && sub=0
		   fi ;;
		esac
	done
	echo "${sig[*]}"
}

# Is a line of the corpus a call with every token of the signature?
found() {
	awk -v sig="$1" '
	BEGIN { n = split(sig, s, " ") }
	{
		have_prog = 0
		delete tok
		for (i = 1; i <= NF; i++) {
			w = $i
			gsub(/["'"'"']/, "", w)
			b = w; sub(/.*\//, "", b)
			if (b == s[1]) have_prog = 1
			tok[w] = 1
			if (w ~ /^-/) { o = w; sub(/=.*/, "", o); tok[o] = 1 }
			if (w ~ /^[A-Za-z_][A-Za-z_0-9]*=/) { a = w; sub(/=.*/, "=", a); tok[a] = 1 }
		}
		if (!have_prog) next
		for (j = 2; j <= n; j++) {
			t = s[j]
			if (t ~ /^=/) t = substr(t, 2)
			if (!(t in tok)) next
		}
		ok = 1; exit
	}
	END { exit !ok }' <<<"$2"
}

# Join continuation lines of the corpus so that a call is one line.
join_lines() {
	sed -e ':a' -e '/\\$/{N;s/\\\n/ /;ba' -e '}'
}

# Each README must fail the check, naming the command.
# shellcheck disable=SC2016 # the backquotes are markdown's
self_test() {
	local dir rc=0 t
	dir=$(mktemp -d)
	printf '```sh\n./run_tests.sh --no-such-option\n```\n' >"$dir/not-found.md"
	printf '```sh\nbuild/idreg --help   # exit 1\n```\n' >"$dir/exit.md"
	printf '```sh\nmake no-such-target\n```\n' >"$dir/make.md"
	printf '```text\nmake check\n```\n' >"$dir/none.md"
	printf '```sh\nmake -n check\n```\n```bash\nmake no-such-target\n```\n' >"$dir/fence.md"
	printf 'Run:\n\n    make no-such-target\n```sh\nmake -n check\n```\n' >"$dir/indent.md"
	for t in not-found exit make none fence indent; do
		if "$0" "$dir/$t.md" >"$dir/$t.out" 2>&1; then
			echo "self-test: $t.md passed the check"
			rc=1
		elif ! grep -q "^README.md:[234]: \|no commands" "$dir/$t.out"; then
			echo "self-test: $t.md failed without naming its line: $(cat "$dir/$t.out")"
			rc=1
		fi
	done
	rm -rf "$dir"
	[ "$rc" = 0 ] && echo "readme-check: self-test: every kind of failure caught"
	return "$rc"
}

main() {
	local readme=${1:-$TOP/README.md} corpus fail=0 n=0 line cmd words want form
	[ -f "$readme" ] || { echo "usage: tools/readme-check.sh [README]" >&2; exit 2; }
	corpus=$(build_corpus | join_lines)
	while IFS=$'\t' read -r line cmd; do
		if [ "${line#!}" != "$line" ]; then
			echo "README.md:${line#!}: $cmd"
			fail=1
			continue
		fi
		n=$((n + 1))
		want=$(expected_status "$cmd")
		cmd=$(strip_comment "$cmd")
		words=$(command_words "$cmd")
		form=$(run_form "$words" "$cmd")
		if [ -n "$form" ]; then
			run_one "$line" "$cmd" "$form" "$want" || fail=1
		elif found "$(signature "$words")" "$corpus"; then
			echo "ok README.md:$line: found in make check's recipes or a script: $cmd"
		else
			echo "README.md:$line: '$cmd' is neither run here nor found in make check's recipes or the tree's scripts"
			fail=1
		fi
	done < <(readme_commands "$readme")
	[ "$n" -gt 0 ] || { echo "README.md: no commands in \`\`\`sh blocks"; exit 1; }
	[ "$fail" = 0 ] && echo "readme-check: $n commands, every one run or found"
	exit "$fail"
}

if [ "${1:-}" = --self-test ]; then
	self_test
	exit
fi
main "$@"

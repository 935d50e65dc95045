// SPDX-License-Identifier: GPL-2.0-only
/*
 * idreg explore and idreg replay: see idregs/explore_cmd.h and
 * docs/explore.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idregs/explore_cmd.h"
#include "idregs/sequence.h"
#include "idregs/util.h"

enum { EXIT_YES, EXIT_NO, EXIT_USAGE, EXIT_KVM };

#define DEFAULT_STEPS		10000
#define DEFAULT_LENGTH		40
#define SHRINK_BUDGET		400
#define PROGRESS_SECONDS	10

/* replay's FILE, parsed (the same with and without KVM); -1 said why. */
static int read_sequence(int argc, char **argv, struct idreg_seq *s)
{
	char err[IDREG_ERR_LEN];
	size_t len;
	char *text;

	if (argc != 2) {
		fprintf(stderr, "usage: idreg %s", IDREG_REPLAY_USAGE);
		return -1;
	}
	text = idreg_read_file(argv[1], &len, err);
	if (!text || idreg_seq_parse(s, text, err)) {
		fprintf(stderr, "idreg replay: %s: %s\n", argv[1], err);
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

#ifdef IDREG_HAVE_KVM

#include "idregs/explore.h"

struct explore_args {
	unsigned long long seed;
	unsigned long steps;
	unsigned int length;
	const char *out;
};

static int explore_usage(void)
{
	fprintf(stderr, "usage: idreg %s", IDREG_EXPLORE_USAGE);
	return EXIT_USAGE;
}

static int parse_explore(int argc, char **argv, struct explore_args *a)
{
	int i;

	a->seed = 1;
	a->steps = DEFAULT_STEPS;
	a->length = DEFAULT_LENGTH;
	a->out = NULL;
	for (i = 1; i < argc; i++) {
		char *end = NULL;
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!val)
			return -1;
		i++;
		if (!strcmp(opt, "--seed"))
			a->seed = strtoull(val, &end, 0);
		else if (!strcmp(opt, "--steps"))
			a->steps = strtoul(val, &end, 0);
		else if (!strcmp(opt, "--length"))
			a->length = strtoul(val, &end, 0);
		else if (!strcmp(opt, "--out"))
			a->out = val;
		else
			return -1;
		if (end && *end)
			return -1;
	}
	return a->length && a->length <= IDREG_SEQ_MAX_STEPS ? 0 : -1;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The reproducer: comments saying where it came from, then the sequence. */
static void print_reproducer(FILE *f, const struct idreg_explorer *x, const struct idreg_seq *s,
			     const struct explore_args *a, unsigned int index)
{
	char *text = idreg_seq_format(s);

	fprintf(f, "# idreg explore --seed %llu --length %u: sequence %u, shrunk to %u steps\n",
		a->seed, a->length, index, s->nr);
	fprintf(f, "# kernel %s: %s\n# run it: idreg replay FILE\n", x->release, x->why);
	fputs(text ? text : "(out of memory)\n", f);
	free(text);
}

/* The failing sequence as generated, up to the failing step, on stderr. */
static void print_unshrunk(struct idreg_seq *s, unsigned int failed_at)
{
	char *text;

	if (failed_at + 1 < s->nr)
		s->nr = failed_at + 1;
	text = idreg_seq_format(s);
	fprintf(stderr, "explore: the sequence up to the failing step:\n%s", text ? text : "");
	free(text);
}

/*
 * The distinct sequences run: each one's text hashed (FNV-1a, 64 bits),
 * the hashes kept and counted once sorted at the end.
 */
static struct {
	uint64_t *hash;
	unsigned int nr, size;
} seen;

static void seen_add(const struct idreg_seq *s)
{
	char *text = idreg_seq_format(s), *p;
	uint64_t h = 0xcbf29ce484222325ULL;

	if (!text)
		return;
	for (p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	free(text);
	if (seen.nr == seen.size) {
		unsigned int size = seen.size ? seen.size * 2 : 1024;
		uint64_t *more = realloc(seen.hash, size * sizeof(*more));

		if (!more)
			return;
		seen.hash = more;
		seen.size = size;
	}
	seen.hash[seen.nr++] = h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static unsigned int seen_distinct(void)
{
	unsigned int i, n = 0;

	qsort(seen.hash, seen.nr, sizeof(seen.hash[0]), cmp_u64);
	for (i = 0; i < seen.nr; i++)
		n += !i || seen.hash[i] != seen.hash[i - 1];
	return n;
}

static void summary(const struct idreg_explorer *x, unsigned int sequences, double secs,
		    bool failed)
{
	unsigned int k, distinct = seen_distinct();

	/* The record (docs/results.md) tools/bench.sh reads. */
	printf("# idregs-explore: steps=%lu skipped=%lu sequences=%u distinct=%u seconds=%.2f steps_per_min=%.0f failed=%d\n",
	       x->steps, x->skipped, sequences, distinct, secs,
	       secs > 0 ? x->steps * 60 / secs : 0, failed);
	fflush(stdout);
	fprintf(stderr, "explore: %lu steps (%lu skipped) in %u sequences (%u distinct), %.1f s, %.0f steps/min; kernel %s\n",
		x->steps, x->skipped, sequences, distinct, secs,
		secs > 0 ? x->steps * 60 / secs : 0, x->release);
	fprintf(stderr, "explore: by kind:");
	for (k = 0; k < IDREG_NR_STEP_KINDS; k++)
		fprintf(stderr, " %s %lu", idreg_step_kind_name(k), x->kind[k]);
	fprintf(stderr, "\nexplore: kernel log %s; %s\n",
		x->kmsg_fd >= 0 ? "watched" : "NOT watched", failed ? "a step failed" :
		"every step as predicted, the kernel clean");
	if (x->kmsg_fd < 0)
		fprintf(stderr, "explore: /dev/kmsg: %s\n", x->kmsg_why);
}

int idreg_cmd_explore(int argc, char **argv)
{
	static struct idreg_explorer x;
	static struct idreg_seq s;
	struct explore_args a;
	char err[IDREG_ERR_LEN];
	double start, last;
	unsigned int index = 0;
	FILE *out;

	if (parse_explore(argc, argv, &a))
		return explore_usage();
	if (idreg_explorer_open(&x, err)) {
		fprintf(stderr, "idreg explore: %s\n", err);
		return EXIT_KVM;
	}
	start = last = now_seconds();
	while (x.steps < a.steps) {
		unsigned long left = a.steps - x.steps;

		idreg_seq_generate_kinds(&s, &x.d, a.seed, index, left < a.length ? left : a.length,
					 IDREG_SEQ_ALL_KINDS | IDREG_SEQ_TAINTING_WRITES);
		seen_add(&s);
		if (!idreg_explorer_run(&x, &s, NULL)) {
			fprintf(stderr, "explore: sequence %u failed: %s; shrinking\n", index, x.why);
			print_unshrunk(&s, x.failed_at);
			idreg_explorer_shrink(&x, &s, x.failed_at, SHRINK_BUDGET);
			summary(&x, index + 1, now_seconds() - start, true);
			print_reproducer(stdout, &x, &s, &a, index);
			out = a.out ? fopen(a.out, "w") : NULL;
			if (out) {
				print_reproducer(out, &x, &s, &a, index);
				fclose(out);
			} else if (a.out) {
				perror(a.out);
			}
			idreg_explorer_close(&x);
			return EXIT_NO;
		}
		index++;
		if (now_seconds() - last >= PROGRESS_SECONDS) {
			last = now_seconds();
			fprintf(stderr, "explore: %lu of %lu steps, %u sequences, %.0f s\n", x.steps,
				a.steps, index, last - start);
		}
	}
	summary(&x, index, now_seconds() - start, false);
	idreg_explorer_close(&x);
	return EXIT_YES;
}

int idreg_cmd_replay(int argc, char **argv)
{
	static struct idreg_explorer x;
	static struct idreg_seq s;
	char err[IDREG_ERR_LEN];
	bool ok;

	if (read_sequence(argc, argv, &s))
		return EXIT_USAGE;
	if (idreg_explorer_open(&x, err)) {
		fprintf(stderr, "idreg replay: %s\n", err);
		return EXIT_KVM;
	}
	printf("kernel %s, %u steps, kernel log %s\n", x.release, s.nr,
	       x.kmsg_fd >= 0 ? "watched" : "NOT watched");
	ok = idreg_explorer_run(&x, &s, stdout);
	if (ok)
		printf("every step as predicted, the kernel clean\n");
	else
		printf("FAILED: %s\n", x.why);
	idreg_explorer_close(&x);
	return ok ? EXIT_YES : EXIT_NO;
}

#else /* !IDREG_HAVE_KVM */

static int no_kvm(const char *name)
{
	fprintf(stderr, "idreg: %s needs KVM: this build has none (use the arm64 build on an arm64 host)\n",
		name);
	return EXIT_KVM;
}

int idreg_cmd_explore(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return no_kvm("explore");
}

int idreg_cmd_replay(int argc, char **argv)
{
	static struct idreg_seq s;

	if (read_sequence(argc, argv, &s))
		return EXIT_USAGE;
	return no_kvm("replay");
}

#endif /* IDREG_HAVE_KVM */

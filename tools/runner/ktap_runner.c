// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktap_runner: run selftest binaries one after another and print one KTAP
 * stream with the lines kselftest's runner.sh prints for them: each test's
 * own output indented with "# ", its exit code 0 "ok", 4 "ok ... # SKIP",
 * 2 "ok ... # XFAIL", a timeout "not ok ... # TIMEOUT N seconds", any other
 * status (a signal as a shell reports it, 128 + N) "not ok ... # exit=N",
 * and the "# Totals" line counted.  Also watches the kernel taint flags: a
 * WARN or BUG inside the host kernel while a test runs fails that test even
 * if the test passed.
 *
 * As PID 1 of the emulated host's initramfs it also mounts devtmpfs, proc
 * and sysfs, takes the test list from /tests.list and powers off at the end.
 *
 *   ktap_runner LIST          LIST lines: NAME TIMEOUT_S PATH [ARGS...]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "idregs/kernel_log.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A test's exit codes, as kselftest.h defines them. */
#define KSFT_PASS	0
#define KSFT_XFAIL	2
#define KSFT_SKIP	4
#define MAX_ARGS	32
#define LINE_MAX_LEN	4096

struct totals {
	int pass, fail, xfail, skip;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A kernel log line that explains a taint: a bad word, or its trace. */
static int explains_taint(const char *line)
{
	static const char *const words[] = {
		IDREG_KERNEL_BAD_WORDS, "Call trace", "cut here", " at ",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strstr(line, words[i]))
			return 1;
	return 0;
}

/* Show the kernel log lines that explain a taint: its splats and traces. */
static void print_kernel_log_tail(void)
{
	static char buf[1 << 18];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	char *line, *save;
	int shown = 0;

	if (n <= 0) {
		printf("# (kernel log unreadable: %s)\n", strerror(errno));
		return;
	}
	buf[n] = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (explains_taint(line) && shown++ < 60)
			printf("# dmesg: %s\n", line);
	}
}

/*
 * Wait for the test, still bound by its deadline: one that closed its
 * output and went on running must not escape the timeout.
 */
static int reap(pid_t pid, double deadline, int *timed_out)
{
	int status = 0;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now() >= deadline) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(10000);
	}
	return status;
}

/* Copy the child's output line by line, indented; kill it at the deadline. */
static int pump_output(int fd, pid_t pid, double deadline, int *timed_out)
{
	char buf[LINE_MAX_LEN];
	size_t used = 0;

	*timed_out = 0;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((deadline - now()) * 1000);
		ssize_t n;

		if (left <= 0) {
			*timed_out = 1;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, left) <= 0)
			continue;
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n <= 0)
			break;
		used += n;
		for (;;) {
			char *nl = memchr(buf, '\n', used);
			size_t len;

			if (!nl && used < sizeof(buf) - 1)
				break;
			len = nl ? (size_t)(nl - buf) + 1 : used;
			printf("# %.*s%s", (int)len, buf, nl ? "" : "\n");
			memmove(buf, buf + len, used - len);
			used -= len;
		}
		fflush(stdout);
	}
	if (used)
		printf("# %.*s\n", (int)used, buf);
	return reap(pid, deadline, timed_out);
}

/*
 * One KTAP result line as runner.sh prints it ("ok"/"not ok", the number,
 * "selftests: idregs: NAME", " # " and the directive if any), counted.
 */
static void result(int nr, const char *name, int ok, const char *directive, int *count)
{
	printf("%s %d selftests: idregs: %s%s%s\n", ok ? "ok" : "not ok", nr, name,
	       directive[0] ? " # " : "", directive);
	(*count)++;
}

/*
 * A finished test's status as runner.sh reads it: its exit code, or for a
 * signal the code a shell gives it (128 + N), explained in a comment.
 */
static void report_status(int nr, const char *name, int status, struct totals *t)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	char directive[32];

	if (WIFSIGNALED(status))
		printf("# %s: killed by signal %d\n", name, WTERMSIG(status));
	if (code == KSFT_PASS) {
		result(nr, name, 1, "", &t->pass);
	} else if (code == KSFT_SKIP) {
		result(nr, name, 1, "SKIP", &t->skip);
	} else if (code == KSFT_XFAIL) {
		result(nr, name, 1, "XFAIL", &t->xfail);
	} else {
		snprintf(directive, sizeof(directive), "exit=%d", code);
		result(nr, name, 0, directive, &t->fail);
	}
}

/* A test that could not start: a comment says why, then "not ok". */
static void not_started(int nr, const char *name, const char *what, struct totals *t)
{
	printf("# %s: %s: %s\n", name, what, strerror(errno));
	result(nr, name, 0, "", &t->fail);
}

static int run_one(int nr, char *name, int timeout_s, char **argv, struct totals *t)
{
	unsigned long taint_before = idreg_kernel_taint(), taint_after;
	double start = now();
	int pipefd[2], status, timed_out;
	char directive[64];
	pid_t pid;

	printf("# timeout set to %d\n", timeout_s);
	printf("# selftests: idregs: %s\n", name);
	fflush(stdout);
	if (access(argv[0], F_OK)) {
		printf("# Warning: file %s is missing!\n", name);
		result(nr, name, 0, "", &t->fail);
		return 0;
	}
	if (pipe(pipefd)) {
		not_started(nr, name, "pipe", t);
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		not_started(nr, name, "fork", t);
		return 0;
	}
	status = pump_output(pipefd[0], pid, start + timeout_s, &timed_out);
	close(pipefd[0]);
	taint_after = idreg_kernel_taint();

	if (timed_out) {
		snprintf(directive, sizeof(directive), "TIMEOUT %d seconds", timeout_s);
		result(nr, name, 0, directive, &t->fail);
	} else if (taint_after != taint_before) {
		printf("# kernel taint changed 0x%lx -> 0x%lx during %s\n",
		       taint_before, taint_after, name);
		print_kernel_log_tail();
		result(nr, name, 0, "kernel tainted", &t->fail);
	} else {
		report_status(nr, name, status, t);
	}
	printf("# %s: %.2f s\n", name, now() - start);
	fflush(stdout);
	return 0;
}

static int count_lines(FILE *f)
{
	char line[LINE_MAX_LEN];
	int n = 0;

	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' && line[0] != '\n')
			n++;
	rewind(f);
	return n;
}

static int run_list(const char *list, struct totals *t)
{
	char line[LINE_MAX_LEN];
	FILE *f = fopen(list, "r");
	int nr = 0, total;

	if (!f) {
		printf("Bail out! cannot open test list %s: %s\n", list, strerror(errno));
		return -1;
	}
	total = count_lines(f);
	printf("TAP version 13\n1..%d\n", total);
	while (fgets(line, sizeof(line), f)) {
		char *argv[MAX_ARGS + 1], *name, *tmo, *save;
		int argc = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = 0;
		name = strtok_r(line, " \t", &save);
		tmo = strtok_r(NULL, " \t", &save);
		while (argc < MAX_ARGS && (argv[argc] = strtok_r(NULL, " \t", &save)))
			argc++;
		argv[argc] = NULL;
		if (!name || !tmo || !argc) {
			printf("not ok %d malformed test list line\n", ++nr);
			t->fail++;
			continue;
		}
		run_one(++nr, name, atoi(tmo), argv, t);
	}
	fclose(f);
	return 0;
}

/* The closing lines of runner.sh's stream (ktap_helpers.sh). */
static void print_totals(const struct totals *t)
{
	if (t->skip)
		printf("# %d skipped test(s) detected.  Consider enabling relevant config options to improve coverage.\n",
		       t->skip);
	printf("# Totals: pass:%d fail:%d xfail:%d xpass:0 skip:%d error:0\n",
	       t->pass, t->fail, t->xfail, t->skip);
}

static void init_mounts(void)
{
	int fd;

	mkdir("/dev", 0755);
	mkdir("/proc", 0555);
	mkdir("/sys", 0555);
	mkdir("/tmp", 01777);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (f) {
		if (fgets(buf, size, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

/* The uptime says how long the kernel took to reach us (tools/bench.sh). */
static void print_host(void)
{
	char release[256], uptime[64];

	read_line("/proc/sys/kernel/osrelease", release, sizeof(release));
	read_line("/proc/uptime", uptime, sizeof(uptime));
	uptime[strcspn(uptime, " ")] = 0;
	printf("# host kernel: %s (uptime %s s)\n", release, uptime);
}

int main(int argc, char **argv)
{
	int as_init = getpid() == 1;
	const char *list = as_init ? "/tests.list" : argv[1];
	struct totals t = { 0 };
	double start;

	if (as_init)
		init_mounts();
	else if (argc != 2) {
		fprintf(stderr, "usage: %s TEST_LIST\n", argv[0]);
		return 2;
	}
	start = now();
	print_host();
	run_list(list, &t);
	/* "# Totals:" ends the run: the emulated host's runners wait for it. */
	print_totals(&t);
	printf("# run: %.2f s\n", now() - start);
	fflush(stdout);
	if (as_init) {
		sync();
		reboot(RB_POWER_OFF);
	}
	if (t.fail)
		return 1;
	return t.pass + t.xfail ? 0 : KSFT_SKIP;
}

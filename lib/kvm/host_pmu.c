// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host PMU's counter width through perf (idregs/host_pmu.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "idregs/host_pmu.h"

#define MAX_GROUP		40
#define EVENT_SW_INCR		0x00	/* any raw event: never the cycle counter */
#define SPIN			200000

static int open_event(int leader, bool longs)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_RAW;
	a.config = EVENT_SW_INCR;
	a.config1 = longs ? 1 : 0;	/* arm_pmuv3.c: "long" is config1:0 */
	a.disabled = leader < 0;
	a.pinned = leader < 0;
	a.read_format = PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED |
			PERF_FORMAT_TOTAL_TIME_RUNNING;
	return syscall(SYS_perf_event_open, &a, 0, -1, leader, 0);
}

/* 1: a group of @k events ran, 0: it did not, -errno: perf refused to open one. */
static int group_runs(unsigned int k, bool longs)
{
	uint64_t buf[3 + MAX_GROUP];
	int fd[MAX_GROUP], r = 0;
	volatile unsigned long x = 0;
	unsigned int i, n = 0;
	ssize_t got;

	for (i = 0; i < k; i++) {
		fd[i] = open_event(i ? fd[0] : -1, longs);
		if (fd[i] < 0) {
			r = -errno;
			goto out;
		}
		n++;
	}
	ioctl(fd[0], PERF_EVENT_IOC_ENABLE, 0);
	for (i = 0; i < SPIN; i++)
		x += i;
	ioctl(fd[0], PERF_EVENT_IOC_DISABLE, 0);
	got = read(fd[0], buf, sizeof(buf));
	/* nr, time enabled, time running: a group never scheduled reads 0 bytes */
	r = got >= 24 && buf[2] > 0;
out:
	for (i = 0; i < n; i++)
		close(fd[i]);
	return r;
}

static int largest_group(bool longs, unsigned int *k)
{
	unsigned int i;
	int r;

	*k = 0;
	for (i = 1; i <= MAX_GROUP; i++) {
		r = group_runs(i, longs);
		if (r < 0)
			return i == 1 ? r : 0;
		if (!r)
			break;
		*k = i;
	}
	return 0;
}

enum idreg_host_pmu idreg_host_pmu_probe(unsigned int *plain, unsigned int *longs,
					 char *why, size_t size)
{
	int r = largest_group(false, plain) ?: largest_group(true, longs);

	if (r) {
		snprintf(why, size, "perf_event_open of a raw event: %s", strerror(-r));
		return IDREG_HOST_PMU_UNKNOWN;
	}
	snprintf(why, size, "perf schedules %u plain and %u 64-bit events at once",
		 *plain, *longs);
	if (*plain < 2)
		return IDREG_HOST_PMU_UNKNOWN;
	return *longs == *plain ? IDREG_HOST_PMU_64BIT : IDREG_HOST_PMU_CHAINED;
}

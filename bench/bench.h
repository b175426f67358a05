/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared parts of shmdev-bench: the clock, the rounds, the statistics and
 * the results every workload reports.
 *
 * Every workload measures shmdev and its peers in the same round, one
 * after the other, for several rounds. A comparison is the ratio of a
 * peer's time to shmdev's time in each round (a "speed-up": above 1,
 * shmdev is faster), reported as the median over the rounds with the
 * lowest and highest round. Pairing the ratio by round cancels the slow
 * drift of an emulated machine, where absolute times mean little.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>

#define MAX_ROUNDS	31
#define MAX_SERIES	96
#define MAX_RATIOS	48
#define MAX_NOTES	16

/* The workloads' sizes: the full run, or a quick run that checks it works. */
struct bench_params {
	bool quick;
	int rounds;
	long trips;		/* ping-pong round trips per round */
	long pairs;		/* uncontended post+wait pairs per round */
	long cycles[3];		/* lifecycle cycles of 4 KiB, 64 KiB, 16 MiB */
	size_t touch_bytes;	/* first-touch region */
	size_t stream_bytes;	/* bytes streamed per peer per round */
	long populations[3];	/* scale: regions present */
	long opens;		/* scale: OPENs timed per round */
	int waiters;		/* scale: tasks woken at once */
};

/**
 * struct series - one implementation's measurement, one value per round
 * @workload: the workload's id, e.g. "pingpong"
 * @impl: what was measured, e.g. "sem_t"
 * @unit: the unit of @v, e.g. "us"
 * @v: the value of each round
 * @n: rounds recorded
 */
struct series {
	const char *workload;
	const char *impl;
	const char *unit;
	double v[MAX_ROUNDS];
	int n;
};

/**
 * struct ratio - a comparison: @peer's value over @subject's, per round
 * @workload: the workload's id
 * @label: what the row says, e.g. "ping-pong round trip vs sem_t"
 * @subject: the shmdev series
 * @peer: the series it is compared with
 * @target: the least speed-up the project aims at; 0 for none
 * @target_text: the target as the issue states it, e.g. "<= 1.2x sem_t"
 */
struct ratio {
	const char *workload;
	const char *label;
	const struct series *subject;
	const struct series *peer;
	double target;
	const char *target_text;
};

extern struct bench_params P;
extern bool warming_up;

/*
 * The rounds of a workload: a warm-up round, whose values series_add()
 * drops (the first touch of guest memory also costs QEMU a host page
 * fault), then P.rounds.
 */
#define for_each_round(r)	for (int r = -1; round_begin(r); r++)

bool round_begin(int r);

/*
 * The process runs on CPU 0, and the other process of a pair on CPU 1, so
 * that every round of every peer crosses CPUs alike rather than as the
 * scheduler happens to place them. Without a second CPU nothing is pinned.
 */
void pin_to_cpu(int cpu);
void unpin(void);

double now(void);
void die(const char *what);
void die_errno(const char *what, int err);

struct series *series_new(const char *workload, const char *impl,
			  const char *unit);
void series_add(struct series *s, double v);
double series_median(const struct series *s);
void ratio_add(const char *workload, const char *label,
	       const struct series *subject, const struct series *peer,
	       double target, const char *target_text);
void note_add(const char *workload, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));


/* The workloads, each in its own file. */
void bench_pingpong(void);
void bench_uncontended(void);
void bench_wakeup(void);
void bench_epoll(void);
void bench_lifecycle(void);
void bench_first_touch(void);
void bench_stream(void);
void bench_scale(void);
void bench_python(void);

#endif

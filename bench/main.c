// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev-bench: shmdev against the mechanisms a user would pick instead,
 * measured side by side in one run (see bench.h for the method, and
 * Documentation/benchmarks.rst for the workloads).
 *
 * usage: shmdev-bench [--quick] [--rounds N] [WORKLOAD...]
 *
 * Progress goes to stderr. The results go to stdout in three sections,
 * each between "#BEGIN name" and "#END name" lines: json (every round of
 * every series, and every comparison), md (the tables of the README) and
 * dat (the chart's data for gnuplot).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct bench_params P = {
	.rounds = 7,
	.trips = 10000,
	.pairs = 20000,
	.cycles = { 2000, 1000, 10 },
	.touch_bytes = 256UL << 20,
	.stream_bytes = 1UL << 30,
	.populations = { 10, 1000, 100000 },
	.opens = 2000,
	.waiters = 1000,
};

static const struct bench_params quick = {
	.quick = true,
	.rounds = 3,
	.trips = 50,
	.pairs = 200,
	.cycles = { 50, 20, 2 },
	.touch_bytes = 8UL << 20,
	.stream_bytes = 8UL << 20,
	.populations = { 10, 100, 1000 },
	.opens = 100,
	.waiters = 20,
};

bool warming_up;

static struct series all_series[MAX_SERIES];
static int nseries;
static struct ratio ratios[MAX_RATIOS];
static int nratios;
static char *notes[MAX_NOTES];
static const char *note_workload[MAX_NOTES];
static int nnotes;

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void die(const char *what)
{
	die_errno(what, errno);
}

void die_errno(const char *what, int err)
{
	fprintf(stderr, "shmdev-bench: %s: %s\n", what, strerror(err));
	exit(1);
}

struct series *series_new(const char *workload, const char *impl,
			  const char *unit)
{
	struct series *s;

	if (nseries == MAX_SERIES)
		die_errno("too many series", ENOSPC);
	s = &all_series[nseries++];
	s->workload = workload;
	s->impl = impl;
	s->unit = unit;
	return s;
}

bool round_begin(int r)
{
	warming_up = r < 0;
	return r < P.rounds;
}

void pin_to_cpu(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void unpin(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	for (long i = 0; i < sysconf(_SC_NPROCESSORS_ONLN) && i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void series_add(struct series *s, double v)
{
	if (!warming_up && s->n < MAX_ROUNDS)
		s->v[s->n++] = v;
}

void ratio_add(const char *workload, const char *label,
	       const struct series *subject, const struct series *peer,
	       double target, const char *target_text)
{
	if (nratios == MAX_RATIOS)
		die_errno("too many comparisons", ENOSPC);
	ratios[nratios++] = (struct ratio){
		.workload = workload, .label = label, .subject = subject,
		.peer = peer, .target = target, .target_text = target_text,
	};
}

void note_add(const char *workload, const char *fmt, ...)
{
	va_list ap;

	if (nnotes == MAX_NOTES)
		die_errno("too many notes", ENOSPC);
	va_start(ap, fmt);
	if (vasprintf(&notes[nnotes], fmt, ap) < 0)
		die("vasprintf");
	va_end(ap);
	note_workload[nnotes++] = workload;
}

/* --- statistics ------------------------------------------------------------ */

struct stats {
	double median, min, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct stats stats_of(const double *v, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return (struct stats){
		.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2,
		.min = s[0], .max = s[n - 1],
	};
}

static struct stats series_stats(const struct series *s)
{
	return stats_of(s->v, s->n);
}

double series_median(const struct series *s)
{
	return series_stats(s).median;
}

/* The per-round speed-ups of a comparison: peer's value over subject's. */
static struct stats ratio_stats(const struct ratio *q)
{
	double v[MAX_ROUNDS];
	int n = q->subject->n < q->peer->n ? q->subject->n : q->peer->n;

	for (int r = 0; r < n; r++)
		v[r] = q->peer->v[r] / q->subject->v[r];
	return stats_of(v, n);
}

/* --- output ---------------------------------------------------------------- */

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

static void print_json_series(void)
{
	printf("  \"series\": [\n");
	for (int i = 0; i < nseries; i++) {
		const struct series *s = &all_series[i];
		struct stats st = series_stats(s);

		printf("    {\"workload\": ");
		json_string(s->workload);
		printf(", \"impl\": ");
		json_string(s->impl);
		printf(", \"unit\": ");
		json_string(s->unit);
		printf(", \"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"values\": [",
		       st.median, st.min, st.max);
		for (int r = 0; r < s->n; r++)
			printf("%s%.6g", r ? ", " : "", s->v[r]);
		printf("]}%s\n", i + 1 < nseries ? "," : "");
	}
	printf("  ],\n");
}

static void print_json_ratios(void)
{
	printf("  \"ratios\": [\n");
	for (int i = 0; i < nratios; i++) {
		const struct ratio *q = &ratios[i];
		struct stats st = ratio_stats(q);

		printf("    {\"workload\": ");
		json_string(q->workload);
		printf(", \"label\": ");
		json_string(q->label);
		printf(", \"subject\": ");
		json_string(q->subject->impl);
		printf(", \"peer\": ");
		json_string(q->peer->impl);
		printf(", \"speedup\": {\"median\": %.4f, \"min\": %.4f, \"max\": %.4f}",
		       st.median, st.min, st.max);
		if (q->target > 0) {
			printf(", \"target\": %.4f, \"target_text\": ", q->target);
			json_string(q->target_text);
			printf(", \"met\": %s", st.median >= q->target ? "true" : "false");
		} else {
			printf(", \"target\": null, \"met\": null");
		}
		printf("}%s\n", i + 1 < nratios ? "," : "");
	}
	printf("  ],\n");
}

static void print_json(const char *kernel)
{
	printf("#BEGIN json\n{\n  \"kernel\": ");
	json_string(kernel);
	printf(",\n  \"cpus\": %ld,\n  \"quick\": %s,\n  \"rounds\": %d,\n",
	       sysconf(_SC_NPROCESSORS_ONLN), P.quick ? "true" : "false",
	       P.rounds);
	printf("  \"params\": {\"trips\": %ld, \"pairs\": %ld, \"touch_bytes\": %zu, "
	       "\"stream_bytes\": %zu, \"populations\": [%ld, %ld, %ld], "
	       "\"opens\": %ld, \"waiters\": %d},\n",
	       P.trips, P.pairs, P.touch_bytes, P.stream_bytes,
	       P.populations[0], P.populations[1], P.populations[2], P.opens,
	       P.waiters);
	print_json_series();
	print_json_ratios();
	printf("  \"notes\": [\n");
	for (int i = 0; i < nnotes; i++) {
		printf("    {\"workload\": ");
		json_string(note_workload[i]);
		printf(", \"text\": ");
		json_string(notes[i]);
		printf("}%s\n", i + 1 < nnotes ? "," : "");
	}
	printf("  ]\n}\n#END json\n");
}

static void print_md_header(const char *kernel)
{
	printf("Kernel %s under QEMU (TCG), %ld CPUs, %d rounds%s. Speed-up is "
	       "the peer's time divided by shmdev's in the same round (above "
	       "1: shmdev is faster): the median round, and the lowest and "
	       "highest.\n\n", kernel, sysconf(_SC_NPROCESSORS_ONLN), P.rounds,
	       P.quick ? ", quick sizes" : "");
}

static void print_md_ratios(void)
{
	printf("| Comparison | Speed-up | Spread | Target | |\n");
	printf("|---|---:|---|---|---|\n");
	for (int i = 0; i < nratios; i++) {
		const struct ratio *q = &ratios[i];
		struct stats st = ratio_stats(q);

		printf("| %s | %.2f | %.2f–%.2f | %s | %s |\n", q->label,
		       st.median, st.min, st.max,
		       q->target > 0 ? q->target_text : "",
		       q->target <= 0 ? "" :
		       st.median >= q->target ? "met" : "**missed**");
	}
}

static void print_md_series(void)
{
	printf("\n| Workload | Implementation | Median | Lowest | Highest |\n");
	printf("|---|---|---:|---:|---:|\n");
	for (int i = 0; i < nseries; i++) {
		const struct series *s = &all_series[i];
		struct stats st = series_stats(s);

		printf("| %s | %s | %.4g %s | %.4g | %.4g |\n", s->workload,
		       s->impl, st.median, s->unit, st.min, st.max);
	}
}

static void print_md_notes(void)
{
	if (nnotes)
		printf("\n");
	for (int i = 0; i < nnotes; i++)
		printf("- %s: %s\n", note_workload[i], notes[i]);
}

/* The full tables, and the README's part: the comparisons and the notes. */
static void print_md(const char *kernel)
{
	printf("#BEGIN md\n");
	print_md_header(kernel);
	print_md_ratios();
	print_md_series();
	print_md_notes();
	printf("#END md\n#BEGIN readme\n");
	print_md_header(kernel);
	print_md_ratios();
	print_md_notes();
	printf("#END readme\n");
}

/*
 * The chart's data, one line per comparison: index, median, lowest,
 * highest, target (0 for none) and label.
 */
static void print_dat(void)
{
	printf("#BEGIN dat\n");
	for (int i = 0; i < nratios; i++) {
		const struct ratio *q = &ratios[i];
		struct stats st = ratio_stats(q);

		printf("%d %.4f %.4f %.4f ", i, st.median, st.min, st.max);
		printf("%.4f ", q->target > 0 ? q->target : 0);
		json_string(q->label);
		printf("\n");
	}
	printf("#END dat\n");
}

static void print_results(const char *kernel)
{
	print_json(kernel);
	print_md(kernel);
	print_dat();
}

/* --- main ------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*run)(void);
} workloads[] = {
	{ "pingpong", bench_pingpong },
	{ "uncontended", bench_uncontended },
	{ "lifecycle", bench_lifecycle },
	{ "touch", bench_first_touch },
	{ "stream", bench_stream },
	{ "scale", bench_scale },
	{ "wakeup", bench_wakeup },
	{ "epoll", bench_epoll },
	{ "python", bench_python },
};

#define NWORKLOADS (sizeof(workloads) / sizeof(workloads[0]))

static int usage(void)
{
	fprintf(stderr, "usage: shmdev-bench [--quick] [--rounds N] [WORKLOAD...]\n"
		"workloads:");
	for (unsigned int i = 0; i < NWORKLOADS; i++)
		fprintf(stderr, " %s", workloads[i].name);
	fprintf(stderr, "\n");
	return 2;
}

int main(int argc, char **argv)
{
	bool chosen[NWORKLOADS] = { false };
	bool any = false;
	struct rlimit rl;
	struct utsname u;
	int rounds = 0;

	for (int i = 1; i < argc; i++) {
		unsigned int w;

		if (!strcmp(argv[i], "--quick")) {
			P = quick;
			continue;
		}
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			rounds = atoi(argv[++i]);
			if (rounds < 1 || rounds > MAX_ROUNDS)
				return usage();
			continue;
		}
		for (w = 0; w < NWORKLOADS; w++)
			if (!strcmp(argv[i], workloads[w].name))
				break;
		if (w == NWORKLOADS)
			return usage();
		chosen[w] = any = true;
	}
	if (rounds)
		P.rounds = rounds;
	/* The scale workload holds many descriptors at once. */
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	pin_to_cpu(0);
	for (unsigned int w = 0; w < NWORKLOADS; w++) {
		double t0 = now();

		if (any && !chosen[w])
			continue;
		fprintf(stderr, "shmdev-bench: %s...\n", workloads[w].name);
		workloads[w].run();
		fprintf(stderr, "shmdev-bench: %s took %.1f s\n",
			workloads[w].name, now() - t0);
	}
	uname(&u);
	print_results(u.release);
	return 0;
}

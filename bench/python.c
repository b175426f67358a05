// SPDX-License-Identifier: GPL-2.0
/*
 * The Python package moving numpy frames between two processes, against
 * multiprocessing.shared_memory with multiprocessing.Semaphore and
 * against a multiprocessing.Pipe (python/bench/frames.py, one round per
 * run, all three ways in the same run).
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

/* The package as the guest carries it, beside Debian's numpy. */
#define FRAMES_SCRIPT	"PYTHONPATH=/tests/python /usr/bin/python3 " \
			"/tests/python/bench/frames.py"

/* One round: the three ways' milliseconds per frame, into @s[0..2]. */
static void frames_round(int mib, int frames, struct series *s[3])
{
	static const char *const ways[3] = { "shmdev", "shared_memory", "pipe" };
	char cmd[128], way[32];
	double ms;
	int got = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), FRAMES_SCRIPT " %d %d", mib, frames);
	f = popen(cmd, "r");
	if (!f)
		die("popen");
	while (fscanf(f, "%31s %lf", way, &ms) == 2)
		for (int i = 0; i < 3; i++)
			if (!strcmp(way, ways[i]) && !(got & 1 << i)) {
				series_add(s[i], ms);
				got |= 1 << i;
			}
	if (pclose(f) != 0 || got != 7)
		die("python/bench/frames.py");
}

static void frames_of(const char *w, int mib, int frames,
		      const char *vs_shm, const char *vs_pipe, double pipe_target)
{
	struct series *s[3] = {
		series_new(w, "shmdev region, 2 semaphores", "ms"),
		series_new(w, "multiprocessing shared_memory, 2 Semaphores", "ms"),
		series_new(w, "multiprocessing Pipe", "ms"),
	};

	for_each_round(r)
		frames_round(mib, frames, s);
	ratio_add(w, vs_shm, s[0], s[1], 1.0,
		  "≥ 1.0× shared_memory's throughput");
	ratio_add(w, vs_pipe, s[0], s[2], pipe_target,
		  pipe_target ? "≥ 5× a Pipe's throughput" : NULL);
}

void bench_python(void)
{
	frames_of("python 1 MiB", 1, P.quick ? 4 : 64,
		  "Python, 1 MiB numpy frames vs shared_memory",
		  "Python, 1 MiB numpy frames vs a Pipe", 0);
	frames_of("python 16 MiB", 16, P.quick ? 2 : 16,
		  "Python, 16 MiB numpy frames vs shared_memory",
		  "Python, 16 MiB numpy frames vs a Pipe", 5.0);
}

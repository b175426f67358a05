// SPDX-License-Identifier: MIT
/*
 * shmdevctl - administer shmdev regions: list, inspect, create and remove
 * them, change their ACLs, modes and owners, drive their semaphores and
 * look at their contents. In the habits of ipcs, ipcrm and setfacl.
 *
 * Exit status: 0 success, 1 an operation failed, 2 bad usage, 3 a
 * semaphore wait timed out or would block.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "libshmdev.h"

#define EXIT_USAGE	2
#define EXIT_TIMEOUT	3

static const char usage_text[] =
"usage: shmdevctl COMMAND [ARGS]\n"
"\n"
"  list [--all-namespaces] [--json]    the regions of this IPC namespace, or of\n"
"                                      every one (CAP_SYS_ADMIN)\n"
"  stat NAME [--json]                  one region in detail\n"
"  create NAME SIZE [--mode MODE] [--sems N] [--populate]\n"
"                                      a persistent region (SIZE: bytes, or K, M, G)\n"
"  create NAME SIZE --transient [...] -- COMMAND [ARGS]\n"
"                                      a transient region that lives while COMMAND\n"
"                                      runs; COMMAND finds its handle in $SHMDEV_FD\n"
"  rm NAME...                          remove names (ipcrm)\n"
"  rm --orphaned                       remove the regions of IPC namespaces that\n"
"                                      are gone (CAP_SYS_ADMIN)\n"
"  acl NAME [--numeric]                show the ACL (names, or ids)\n"
"  acl NAME --set SPEC                 replace it (SPEC: u:1000:rw,g:video:x)\n"
"  acl NAME --modify SPEC              add or change entries\n"
"  acl NAME --remove SPEC              remove entries (u:1000,g:44)\n"
"  chmod MODE NAME                     change the permission bits\n"
"  chown OWNER[:GROUP] NAME            change the owner and group\n"
"  sem NAME get [--index I]            semaphore values\n"
"  sem NAME post [--index I] [--count N]\n"
"  sem NAME wait [--index I] [--timeout SECONDS] [--undo]\n"
"  sem NAME set --value V [--index I]\n"
"  cat NAME                            write the contents to stdout\n"
"  write NAME                          copy stdin into the region\n"
"  version                             module and library versions\n"
"\n"
"Rights in SPEC: r read, w write, x semaphores, a admin, - none.\n"
"SIZE, N, I and V are decimal digits (SIZE with a K, M or G suffix), MODE is\n"
"octal; SECONDS is a decimal number, and inf (or one past 2^31) waits forever.\n"
"Exit status: 0 ok, 1 failed, 2 bad usage, 3 wait timed out.\n";

static const char *prog = "shmdevctl";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'shmdevctl --help'.\n");
	return EXIT_USAGE;
}

/* Report -@err about @what in words, with a hint where one helps. */
static int fail(const char *what, int err)
{
	switch (err) {
	case -ENODEV:
		fprintf(stderr, "%s: %s: no such device — is the module loaded? (modprobe shmdev)\n",
			prog, SHMDEV_DEVICE_PATH);
		break;
	case -EPROTONOSUPPORT:
	case -EOPNOTSUPP:
		fprintf(stderr, "%s: %s: the loaded shmdev module is too old for this tool (needs API %d)\n",
			prog, SHMDEV_DEVICE_PATH, SHMDEV_LIB_API_VERSION);
		break;
	case -ENOENT:
		fprintf(stderr, "%s: %s: no such region\n", prog, what);
		break;
	case -EEXIST:
		fprintf(stderr, "%s: %s: a region of that name exists\n", prog, what);
		break;
	case -EACCES:
		fprintf(stderr, "%s: %s: permission denied by the region's mode or ACL\n",
			prog, what);
		break;
	default:
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-err));
	}
	return EXIT_FAILURE;
}

/*
 * A decimal number at the start of @s, digits only (no sign, no space, no
 * base prefix: "010" is ten), at most @max; @end gets what follows it.
 * -1 if there is none or it is too large.
 */
static int parse_decimal(const char *s, unsigned long long max,
			 unsigned long long *out, char **end)
{
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, end, 10);
	if (errno || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A size with an optional K, M or G (binary) suffix; -1 if malformed. */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (parse_decimal(s, ULLONG_MAX, &v, &end))
		return -1;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	else if (*end)
		return -1;
	if (shift && end[1])
		return -1;
	if (v > UINT64_MAX >> shift)
		return -1;
	*out = v << shift;
	return 0;
}

/* A decimal count or index, at most @max; -1 if malformed. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long long v;
	char *end;

	if (parse_decimal(s, max, &v, &end) || *end)
		return -1;
	*out = v;
	return 0;
}

/*
 * A wait's timeout in seconds: a decimal number, or "inf"/"infinity"; one
 * so large that its deadline would be more than 2^31 s away waits
 * forever, as does inf (*@forever set). -1 if malformed.
 */
static int parse_timeout(const char *s, double *out, int *forever)
{
	char *end;
	double v;

	*forever = !strcasecmp(s, "inf") || !strcasecmp(s, "infinity");
	if (*forever)
		return 0;
	/* Digits, a point and an exponent: no sign, space or hex float. */
	if (((*s < '0' || *s > '9') && *s != '.') || strpbrk(s, "xX"))
		return -1;
	v = strtod(s, &end);
	if (*end || end == s || !isfinite(v))
		return -1;
	*forever = v >= 2147483648.0;
	*out = v;
	return 0;
}

static int parse_mode(const char *s, unsigned int *mode)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '7')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 8);
	if (errno || *end || v > 0777)
		return -1;
	*mode = v;
	return 0;
}

static void state_text(unsigned int state, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s",
		 state & SHMDEV_STATE_TRANSIENT ? "transient," : "",
		 state & SHMDEV_STATE_POPULATED ? "populated," : "",
		 state & SHMDEV_STATE_UNLINKED ? "unlinked," : "",
		 state & SHMDEV_STATE_ORPHANED ? "orphaned," : "",
		 state ? "" : "-");
	if (state)
		buf[strlen(buf) - 1] = '\0';
}

/* @s as a JSON string: names are printable ASCII without '/' or space. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
}

/* One row of a listing; @all adds the IPC namespace column. */
static void list_row(const struct shmdev_list_entry *e, int json, int all,
		     int first)
{
	char state[64];

	state_text(e->state, state, sizeof(state));
	if (!json) {
		if (all)
			printf("%10u ", e->ipc_ns);
		printf("%6" PRIu64 " %-24s %12" PRIu64 " %6u %6u %04o %s\n",
		       (uint64_t)e->id, e->name, (uint64_t)e->size, e->uid,
		       e->gid, e->mode, state);
		return;
	}
	printf("%s\n  {\"id\": %" PRIu64 ", \"ipc_ns\": %u, \"name\": ",
	       first ? "" : ",", (uint64_t)e->id, e->ipc_ns);
	json_string(e->name);
	printf(", \"size\": %" PRIu64 ", \"uid\": %u, \"gid\": %u, \"mode\": \"%04o\", \"state\": \"%s\"}",
	       (uint64_t)e->size, e->uid, e->gid, e->mode, state);
}

static int cmd_list(int json, int all)
{
	struct shmdev_list_iter *it;
	struct shmdev_list_entry e;
	int ret, n = 0;

	ret = shmdev_list_open_flags(&it, all ? SHMDEV_LIST_ALL_NAMESPACES : 0);
	if (ret < 0)
		return fail(SHMDEV_DEVICE_PATH, ret);
	if (json)
		putchar('[');
	else
		printf("%s%6s %-24s %12s %6s %6s %4s %s\n",
		       all ? "    IPC-NS " : "", "ID", "NAME", "SIZE", "UID",
		       "GID", "MODE", "STATE");
	while ((ret = shmdev_list_next(it, &e)) > 0)
		list_row(&e, json, all, !n++);
	shmdev_list_close(it);
	if (json)
		printf("%s]\n", n ? "\n" : "");
	return ret < 0 ? fail(SHMDEV_DEVICE_PATH, ret) : 0;
}

static void time_text(uint64_t ns, char *buf, size_t size)
{
	time_t t = ns / 1000000000ULL;
	struct tm tm;

	if (!ns || !gmtime_r(&t, &tm)) {
		snprintf(buf, size, "-");
		return;
	}
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The ACL of region @name as text into @buf; 0 or -errno. */
static int acl_text_of(const char *name, char *buf, size_t size)
{
	struct shmdev_acl_entry e[SHMDEV_ACL_MAX];
	int fd = shmdev_open(name, SHMDEV_ACCESS_READ), n;

	if (fd < 0)
		return fd;
	n = shmdev_acl_get(fd, e, SHMDEV_ACL_MAX);
	close(fd);
	if (n < 0)
		return n;
	return shmdev_acl_format(e, n, 0, buf, size);
}

static int cmd_stat(const char *name, int json)
{
	char state[64], ct[32], at[32], mt[32], acl[SHMDEV_ACL_MAX * 24] = "";
	struct shmdev_stat st;
	int ret = shmdev_stat_name(name, &st);

	if (ret < 0)
		return fail(name, ret);
	if (acl_text_of(name, acl, sizeof(acl)) < 0)
		snprintf(acl, sizeof(acl), "?");
	state_text(st.state, state, sizeof(state));
	time_text(st.create_time, ct, sizeof(ct));
	time_text(st.attach_time, at, sizeof(at));
	time_text(st.change_time, mt, sizeof(mt));
	if (json) {
		printf("{\"name\": ");
		json_string(st.name_out);
		printf(", \"id\": %llu, \"size\": %llu, \"uid\": %u, \"gid\": %u, \"cuid\": %u, \"cgid\": %u, \"mode\": \"%04o\", \"state\": \"%s\", \"creator_pid\": %u, \"sems\": %u, \"acl\": \"%s\", \"handles\": %llu, \"mappings\": %llu, \"resident_pages\": %llu, \"created\": \"%s\", \"attached\": \"%s\", \"changed\": \"%s\"}\n",
		       (unsigned long long)st.id, (unsigned long long)st.size,
		       st.uid, st.gid, st.cuid, st.cgid, st.mode, state,
		       st.creator_pid, st.nsems, acl,
		       (unsigned long long)st.handles,
		       (unsigned long long)st.mappings,
		       (unsigned long long)st.resident_pages, ct, at, mt);
		return 0;
	}
	printf("name:      %s\nid:        %llu\nsize:      %llu\n"
	       "owner:     %u:%u\ncreator:   %u:%u (pid %u)\nmode:      %04o\n"
	       "acl:       %s\nstate:     %s\nsems:      %u\n"
	       "handles:   %llu\nmappings:  %llu\nresident:  %llu pages\n"
	       "created:   %s\nattached:  %s\nchanged:   %s\n",
	       st.name_out, (unsigned long long)st.id,
	       (unsigned long long)st.size, st.uid, st.gid, st.cuid, st.cgid,
	       st.creator_pid, st.mode, *acl ? acl : "-", state, st.nsems,
	       (unsigned long long)st.handles, (unsigned long long)st.mappings,
	       (unsigned long long)st.resident_pages, ct, at, mt);
	return 0;
}

/* create NAME SIZE [--mode M] [--sems N] [--populate] [--transient -- CMD] */
static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "sems", required_argument, NULL, 's' },
		{ "transient", no_argument, NULL, 't' },
		{ "populate", no_argument, NULL, 'p' },
		{ 0 }
	};
	unsigned int mode = 0600, flags = 0;
	unsigned long nsems = 0;
	char fdtext[16];
	uint64_t size;
	int c, fd;

	while ((c = getopt_long(argc, argv, "m:s:tp", opts, NULL)) != -1) {
		if (c == 'm' && parse_mode(optarg, &mode) == 0)
			continue;
		if (c == 's' && parse_uint(optarg, SHMDEV_SEMS_MAX, &nsems) == 0)
			continue;
		if (c == 't' || c == 'p') {
			flags |= c == 't' ? SHMDEV_CREATE_TRANSIENT :
					    SHMDEV_CREATE_POPULATE;
			continue;
		}
		return usage_error("create: bad option or value '%s'",
				   optarg ? optarg : argv[optind - 1]);
	}
	if (argc - optind < 2)
		return usage_error("%s", "create: NAME and SIZE are needed");
	if (parse_size(argv[optind + 1], &size))
		return usage_error("create: bad size '%s'", argv[optind + 1]);
	if (flags & SHMDEV_CREATE_TRANSIENT && argc - optind < 3)
		return usage_error("%s", "create --transient: give the COMMAND that keeps it, after --");
	if (!(flags & SHMDEV_CREATE_TRANSIENT) && argc - optind > 2)
		return usage_error("create: unexpected '%s'", argv[optind + 2]);
	fd = shmdev_create(argv[optind], size, mode, flags, nsems);
	if (fd < 0)
		return fail(argv[optind], fd);
	if (!(flags & SHMDEV_CREATE_TRANSIENT)) {
		close(fd);
		return 0;
	}
	/* The command inherits the handle, which keeps the region. */
	snprintf(fdtext, sizeof(fdtext), "%d", fd);
	if (fcntl(fd, F_SETFD, 0) || setenv("SHMDEV_FD", fdtext, 1))
		return fail("SHMDEV_FD", -errno);
	execvp(argv[optind + 2], argv + optind + 2);
	fprintf(stderr, "%s: %s: %s\n", prog, argv[optind + 2], strerror(errno));
	return 127;
}

static int cmd_rm(int argc, char **argv)
{
	int i, ret, status = 0;

	if (argc < 2)
		return usage_error("%s", "rm: NAME is needed");
	if (!strcmp(argv[1], "--orphaned")) {
		if (argc != 2)
			return usage_error("%s", "rm --orphaned takes no NAME");
		ret = shmdev_unlink(NULL, SHMDEV_UNLINK_ORPHANED);
		if (ret < 0)
			return fail(SHMDEV_DEVICE_PATH, ret);
		printf("%d namespace%s ended\n", ret, ret == 1 ? "" : "s");
		return 0;
	}
	for (i = 1; i < argc; i++) {
		ret = shmdev_unlink(argv[i], 0);
		if (ret < 0)
			status = fail(argv[i], ret);
	}
	return status;
}

/* Index of the entry of @e[0..@n) with @key's tag and id, or -1. */
static int acl_find(const struct shmdev_acl_entry *e, int n,
		    const struct shmdev_acl_entry *key)
{
	int i;

	for (i = 0; i < n; i++)
		if (e[i].tag == key->tag && e[i].id == key->id)
			return i;
	return -1;
}

/* Parse a --remove SPEC, whose entries may leave out the rights. */
static int parse_remove_spec(const char *spec, struct shmdev_acl_entry *e)
{
	char *text = malloc(strlen(spec) * 3 + 3), *out = text;
	const char *s;
	int colons = 0, ret;

	if (!text)
		return -ENOMEM;
	for (s = spec;; s++) {
		if (*s == ',' || *s == '\0') {
			if (colons == 1) {
				*out++ = ':';
				*out++ = '-';
			}
			colons = 0;
		} else if (*s == ':') {
			colons++;
		}
		*out++ = *s;
		if (!*s)
			break;
	}
	ret = shmdev_acl_parse(text, e, SHMDEV_ACL_MAX);
	free(text);
	return ret;
}

/* Apply --set, --modify or --remove @spec to the @n entries of @e. */
static int acl_edit(int op, const char *spec, struct shmdev_acl_entry *e,
		    int n)
{
	struct shmdev_acl_entry in[SHMDEV_ACL_MAX];
	int m, i, j;

	m = op == 'r' ? parse_remove_spec(spec, in) :
			shmdev_acl_parse(spec, in, SHMDEV_ACL_MAX);
	if (m < 0)
		return m;
	if (op == 's') {
		memcpy(e, in, m * sizeof(*in));
		return m;
	}
	for (i = 0; i < m; i++) {
		j = acl_find(e, n, &in[i]);
		if (op == 'r' && j >= 0)
			e[j] = e[--n];
		else if (op == 'm' && j >= 0)
			e[j].rights = in[i].rights;
		else if (op == 'm' && n == SHMDEV_ACL_MAX)
			return -ENOSPC;
		else if (op == 'm')
			e[n++] = in[i];
	}
	return n;
}

/* "u:WHO:RIGHTS" of entry @e, WHO a name unless @numeric. */
static void acl_line(const struct shmdev_acl_entry *e, int numeric,
		     char *buf, size_t size)
{
	if (shmdev_acl_format(e, 1, numeric ? 0 : SHMDEV_ACL_FORMAT_NAMES,
			      buf, size) < 0)
		snprintf(buf, size, "?");
}

/* The name of user or group @id (@tag), or its number. */
static void who(uint32_t tag, uint32_t id, int numeric, char *buf,
		size_t size)
{
	struct shmdev_acl_entry e = { .tag = tag, .id = id };
	char line[SHMDEV_NAME_MAX + 16];

	acl_line(&e, numeric, line, sizeof(line));
	/* Between "u:" and ":-". */
	if (strlen(line) > 4)
		snprintf(buf, size, "%.*s", (int)strlen(line) - 4, line + 2);
	else
		snprintf(buf, size, "%u", id);
}

static int acl_show(const char *name, int fd, int numeric)
{
	char line[SHMDEV_NAME_MAX + 16], owner[SHMDEV_NAME_MAX];
	char group[SHMDEV_NAME_MAX];
	struct shmdev_acl_entry e[SHMDEV_ACL_MAX];
	struct shmdev_stat st;
	int n, i;

	n = shmdev_stat(fd, &st);
	if (n >= 0)
		n = shmdev_acl_get(fd, e, SHMDEV_ACL_MAX);
	if (n < 0)
		return fail(name, n);
	who(SHMDEV_ACL_USER, st.uid, numeric, owner, sizeof(owner));
	who(SHMDEV_ACL_GROUP, st.gid, numeric, group, sizeof(group));
	printf("# region: %s\n# owner: %s\n# group: %s\n# mode: %04o\n", name,
	       owner, group, st.mode);
	for (i = 0; i < n; i++) {
		acl_line(&e[i], numeric, line, sizeof(line));
		printf("%s\n", line);
	}
	return 0;
}

static int cmd_acl(int argc, char **argv)
{
	struct shmdev_acl_entry e[SHMDEV_ACL_MAX];
	const char *name;
	int fd, n, ret;
	int op;

	if (argc == 2 || (argc == 3 && !strcmp(argv[2], "--numeric"))) {
		fd = shmdev_open(argv[1], SHMDEV_ACCESS_READ);
		if (fd < 0)
			fd = shmdev_open(argv[1], SHMDEV_ACCESS_ADMIN);
		if (fd < 0)
			return fail(argv[1], fd);
		ret = acl_show(argv[1], fd, argc == 3);
		close(fd);
		return ret;
	}
	if (argc != 4 || (strcmp(argv[2], "--set") &&
			  strcmp(argv[2], "--modify") &&
			  strcmp(argv[2], "--remove")))
		return usage_error("%s", "acl: NAME [--numeric | --set|--modify|--remove SPEC]");
	name = argv[1];
	op = argv[2][2];
	fd = shmdev_open(name, SHMDEV_ACCESS_ADMIN);
	if (fd < 0)
		return fail(name, fd);
	n = op == 's' ? 0 : shmdev_acl_get(fd, e, SHMDEV_ACL_MAX);
	if (n >= 0) {
		n = acl_edit(op, argv[3], e, n);
		if (n < 0) {
			close(fd);
			fprintf(stderr, "%s: bad ACL '%s': %s\n", prog, argv[3],
				n == -ENOENT ? "no such user or group" :
				n == -ERANGE || n == -ENOSPC ?
				"more than 64 entries" : "expected u:ID:RIGHTS,g:ID:RIGHTS with rights from rwxa-");
			return EXIT_USAGE;
		}
		n = shmdev_acl_set(fd, e, n);
	}
	close(fd);
	return n < 0 ? fail(name, n) : 0;
}

static int cmd_chmod(int argc, char **argv)
{
	unsigned int mode;
	int fd, ret;

	if (argc != 3 || parse_mode(argv[1], &mode))
		return usage_error("%s", "chmod: MODE NAME (MODE in octal, up to 0777)");
	fd = shmdev_open(argv[2], SHMDEV_ACCESS_ADMIN);
	if (fd < 0)
		return fail(argv[2], fd);
	ret = shmdev_chmod(fd, mode);
	close(fd);
	return ret < 0 ? fail(argv[2], ret) : 0;
}

/* A user or group id, by number or by name; -1 if unknown. */
static int parse_owner_id(const char *s, uint32_t tag, uint32_t *id)
{
	struct shmdev_acl_entry e;
	char spec[SHMDEV_NAME_MAX + 8];

	snprintf(spec, sizeof(spec), "%c:%s:-", tag == SHMDEV_ACL_USER ? 'u' : 'g', s);
	if (strchr(s, ',') || strchr(s, ':') || shmdev_acl_parse(spec, &e, 1) != 1)
		return -1;
	*id = e.id;
	return 0;
}

static int cmd_chown(int argc, char **argv)
{
	uint32_t uid = (uint32_t)-1, gid = (uint32_t)-1;
	char *owner, *group;
	int fd, ret;

	if (argc != 3)
		return usage_error("%s", "chown: OWNER[:GROUP] NAME");
	owner = strdupa(argv[1]);
	group = strchr(owner, ':');
	if (group)
		*group++ = '\0';
	if ((*owner && parse_owner_id(owner, SHMDEV_ACL_USER, &uid)) ||
	    (group && *group && parse_owner_id(group, SHMDEV_ACL_GROUP, &gid)))
		return usage_error("chown: unknown user or group in '%s'", argv[1]);
	fd = shmdev_open(argv[2], SHMDEV_ACCESS_ADMIN);
	if (fd < 0)
		return fail(argv[2], fd);
	ret = shmdev_chown(fd, uid, gid);
	close(fd);
	return ret < 0 ? fail(argv[2], ret) : 0;
}

struct sem_args {
	unsigned long index;
	unsigned long count;
	unsigned long value;
	int has_index;
	int has_value;
	int undo;
	double timeout;
	int forever;
};

static int sem_options(int argc, char **argv, struct sem_args *a)
{
	static const struct option opts[] = {
		{ "index", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "value", required_argument, NULL, 'v' },
		{ "timeout", required_argument, NULL, 't' },
		{ "undo", no_argument, NULL, 'u' },
		{ 0 }
	};
	int c;

	*a = (struct sem_args){ .count = 1, .forever = 1 };
	while ((c = getopt_long(argc, argv, "i:c:v:t:u", opts, NULL)) != -1) {
		if (c == 'i' && !parse_uint(optarg, UINT32_MAX, &a->index)) {
			a->has_index = 1;
		} else if (c == 'c' && !parse_uint(optarg, INT_MAX, &a->count) &&
			   a->count) {
		} else if (c == 'v' &&
			   !parse_uint(optarg, SHMDEV_SEM_VALUE_MAX, &a->value)) {
			a->has_value = 1;
		} else if (c == 't') {
			if (parse_timeout(optarg, &a->timeout, &a->forever))
				return usage_error("sem: bad timeout '%s'", optarg);
		} else if (c == 'u') {
			a->undo = 1;
		} else {
			return usage_error("sem: bad option or value '%s'",
					   optarg ? optarg : argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_error("sem: unexpected '%s'", argv[optind]);
	return 0;
}

static int sem_get_all(const char *name, int fd, const struct sem_args *a)
{
	struct shmdev_sem_info info;
	struct shmdev_stat st;
	unsigned int i;
	int ret;

	if (a->has_index) {
		ret = shmdev_sem_get(fd, a->index, &info);
		if (ret < 0)
			return fail(name, ret);
		printf("%u\n", info.value);
		return 0;
	}
	ret = shmdev_stat(fd, &st);
	if (ret < 0)
		return fail(name, ret);
	printf("%5s %10s %8s %s\n", "INDEX", "VALUE", "WAITERS", "UNDONE");
	for (i = 0; i < st.nsems; i++) {
		ret = shmdev_sem_get(fd, i, &info);
		if (ret < 0)
			return fail(name, ret);
		printf("%5u %10u %8u %s\n", i, info.value, info.waiters,
		       info.status & SHMDEV_SEM_UNDONE ? "yes" : "no");
	}
	return 0;
}

static int sem_wait_cmd(const char *name, int fd, const struct sem_args *a)
{
	unsigned int flags = a->undo ? SHMDEV_SEM_UNDO : 0;
	struct timespec ts;
	int ret;

	if (a->forever) {
		ret = shmdev_sem_wait(fd, a->index, flags);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += (time_t)a->timeout;
		ts.tv_nsec += (long)((a->timeout - (time_t)a->timeout) * 1e9);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		ret = shmdev_sem_timedwait(fd, a->index, flags,
					   CLOCK_MONOTONIC, &ts);
	}
	if (ret == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: semaphore %lu: timed out\n", prog,
			name, a->index);
		return EXIT_TIMEOUT;
	}
	if (ret < 0)
		return fail(name, ret);
	if (ret == SHMDEV_SEM_UNDONE)
		fprintf(stderr, "%s: %s: semaphore %lu: the previous holder died holding it\n",
			prog, name, a->index);
	return 0;
}

static int cmd_sem(int argc, char **argv)
{
	static const char *const ops[] = { "get", "post", "wait", "set" };
	unsigned int access[] = {
		SHMDEV_ACCESS_READ, SHMDEV_ACCESS_SYNC, SHMDEV_ACCESS_SYNC,
		SHMDEV_ACCESS_ADMIN,
	};
	struct sem_args a;
	int op, fd, ret;

	if (argc < 3)
		return usage_error("%s", "sem: NAME get|post|wait|set [OPTIONS]");
	for (op = 0; op < 4; op++)
		if (!strcmp(argv[2], ops[op]))
			break;
	if (op == 4)
		return usage_error("sem: unknown operation '%s'", argv[2]);
	optind = 1;
	ret = sem_options(argc - 2, argv + 2, &a);
	if (ret)
		return ret;
	if (op == 3 && !a.has_value)
		return usage_error("%s", "sem set: --value V is needed");
	fd = shmdev_open(argv[1], access[op]);
	if (fd < 0)
		return fail(argv[1], fd);
	if (op == 0)
		ret = sem_get_all(argv[1], fd, &a);
	else if (op == 2)
		ret = sem_wait_cmd(argv[1], fd, &a);
	else if (op == 1)
		ret = shmdev_sem_post(fd, a.index, a.count, 0);
	else
		ret = shmdev_sem_set(fd, a.index, a.value);
	close(fd);
	return ret < 0 ? fail(argv[1], ret) : ret;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= w;
	}
	return 0;
}

static int cmd_cat(int argc, char **argv)
{
	struct shmdev_map m;
	int fd, ret;

	if (argc != 2)
		return usage_error("%s", "cat: NAME");
	fd = shmdev_open(argv[1], SHMDEV_ACCESS_READ);
	if (fd < 0)
		return fail(argv[1], fd);
	ret = shmdev_map(fd, PROT_READ, &m);
	close(fd);
	if (ret < 0)
		return fail(argv[1], ret);
	ret = write_all(STDOUT_FILENO, m.addr, m.size);
	shmdev_unmap(&m);
	return ret < 0 ? fail("stdout", ret) : 0;
}

/* Read stdin into the mapping @m; -EFBIG if it holds more. */
static int read_into(struct shmdev_map *m, size_t *total)
{
	char extra;
	ssize_t r;

	*total = 0;
	while (*total < m->size) {
		r = read(STDIN_FILENO, (char *)m->addr + *total,
			 m->size - *total);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (!r)
			return 0;
		*total += r;
	}
	r = read(STDIN_FILENO, &extra, 1);
	return r > 0 ? -EFBIG : 0;
}

static int cmd_write(int argc, char **argv)
{
	struct shmdev_map m;
	size_t total;
	int fd, ret;

	if (argc != 2)
		return usage_error("%s", "write: NAME (the data comes on stdin)");
	fd = shmdev_open(argv[1], SHMDEV_ACCESS_READ | SHMDEV_ACCESS_WRITE);
	if (fd < 0)
		return fail(argv[1], fd);
	ret = shmdev_map(fd, PROT_READ | PROT_WRITE, &m);
	close(fd);
	if (ret < 0)
		return fail(argv[1], ret);
	ret = read_into(&m, &total);
	shmdev_unmap(&m);
	if (ret == -EFBIG) {
		fprintf(stderr, "%s: %s: the input is larger than the region (%zu bytes); the first %zu were written\n",
			prog, argv[1], m.size, total);
		return EXIT_FAILURE;
	}
	return ret < 0 ? fail("stdin", ret) : 0;
}

static int cmd_version(void)
{
	struct shmdev_version v;
	int ret = shmdev_version(&v);

	printf("libshmdev %d.%d (API %d)\n", SHMDEV_LIB_MAJOR, SHMDEV_LIB_MINOR,
	       SHMDEV_LIB_API_VERSION);
	if (ret < 0)
		return fail(SHMDEV_DEVICE_PATH, ret);
	printf("module API %u, features 0x%llx, names up to %u bytes, semaphore values up to %u\n",
	       v.api_version, (unsigned long long)v.features, v.name_max - 1,
	       v.sem_value_max);
	ret = shmdev_check(SHMDEV_LIB_FEATURES);
	return ret < 0 ? fail(SHMDEV_DEVICE_PATH, ret) : 0;
}

/* list [--all-namespaces] [--json], in either order. */
static int cmd_list_args(int argc, char **argv)
{
	int i, json = 0, all = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && !json)
			json = 1;
		else if (!strcmp(argv[i], "--all-namespaces") && !all)
			all = 1;
		else
			return usage_error("%s",
					   "list [--all-namespaces] [--json]");
	}
	return cmd_list(json, all);
}

static int json_flag(int argc, char **argv, int max)
{
	if (argc == max && !strcmp(argv[max - 1], "--json"))
		return 1;
	return argc == max - 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	int json;

	if (!cmd)
		return usage_error("%s", "a COMMAND is needed");
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	argc--;
	argv++;
	if (!strcmp(cmd, "list"))
		return cmd_list_args(argc, argv);
	if (!strcmp(cmd, "stat")) {
		json = argc > 1 ? json_flag(argc, argv, 3) : -1;
		return json < 0 ? usage_error("%s", "stat NAME [--json]") :
				  cmd_stat(argv[1], json);
	}
	if (!strcmp(cmd, "create"))
		return cmd_create(argc, argv);
	if (!strcmp(cmd, "rm"))
		return cmd_rm(argc, argv);
	if (!strcmp(cmd, "acl"))
		return cmd_acl(argc, argv);
	if (!strcmp(cmd, "chmod"))
		return cmd_chmod(argc, argv);
	if (!strcmp(cmd, "chown"))
		return cmd_chown(argc, argv);
	if (!strcmp(cmd, "sem"))
		return cmd_sem(argc, argv);
	if (!strcmp(cmd, "cat"))
		return cmd_cat(argc, argv);
	if (!strcmp(cmd, "write"))
		return cmd_write(argc, argv);
	if (!strcmp(cmd, "version") && argc == 1)
		return cmd_version();
	return usage_error("unknown command '%s'", cmd);
}

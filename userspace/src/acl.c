// SPDX-License-Identifier: MIT
/*
 * libshmdev: access-control lists, and their text form
 * "u:1000:rw,g:video:x": a tag (u, user, g, group), a user or group given
 * by id or name, and rights as letters r (READ), w (WRITE), x (SYNC) and
 * a (ADMIN), "-" for none; entries separated by commas or white space.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libshmdev.h"
#include "private.h"

/* Room for getpwnam_r()/getgrnam_r(); grown on ERANGE. */
#define NSS_BUF_START	1024
#define NSS_BUF_MAX	(1 << 20)

static const char rights_letters[] = "rwxa";

int shmdev_acl_get(int fd, struct shmdev_acl_entry *entries, unsigned int max)
{
	struct shmdev_acl a = {
		.entries = (uint64_t)(uintptr_t)entries, .count = max,
	};
	int ret;

	if (!entries && max)
		return -EFAULT;
	ret = __shmdev_ioctl(fd, SHMDEV_IOC_GET_ACL, &a);
	/* With no buffer, the caller asks how many entries there are. */
	if (ret == -ERANGE && !entries)
		return a.count;
	return ret < 0 ? ret : (int)a.count;
}

int shmdev_acl_set(int fd, const struct shmdev_acl_entry *entries,
		   unsigned int count)
{
	struct shmdev_acl a = {
		.entries = (uint64_t)(uintptr_t)entries, .count = count,
	};

	if (!entries && count)
		return -EFAULT;
	return __shmdev_ioctl(fd, SHMDEV_IOC_SET_ACL, &a);
}

/* Rights from the letters in [@s, @end); -EINVAL if malformed. */
static int rights_from(const char *s, const char *end)
{
	unsigned int rights = 0;
	const char *l;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s == '-')
			continue;
		l = memchr(rights_letters, *s, sizeof(rights_letters) - 1);
		if (!l || rights & (1u << (l - rights_letters)))
			return -EINVAL;
		rights |= 1u << (l - rights_letters);
	}
	return rights;
}

int shmdev_rights_parse(const char *text)
{
	if (!text)
		return -EFAULT;
	return rights_from(text, text + strlen(text));
}

int shmdev_rights_format(unsigned int rights, char *buf, size_t size)
{
	size_t n = 0, i;
	char out[8];

	if (rights & ~(unsigned int)SHMDEV_OPEN_ACCESS_VALID)
		return -EINVAL;
	for (i = 0; i < sizeof(rights_letters) - 1; i++)
		if (rights & (1u << i))
			out[n++] = rights_letters[i];
	if (!n)
		out[n++] = '-';
	if (!buf || size <= n)
		return -ERANGE;
	memcpy(buf, out, n);
	buf[n] = '\0';
	return n;
}

/* A decimal id in [@s, @end), below (u32)-1; -EINVAL if not a number. */
static int id_from_number(const char *s, const char *end, uint32_t *id)
{
	unsigned long long v = 0;

	if (s == end || end - s > 10)
		return -EINVAL;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	if (v >= UINT32_MAX)
		return -EINVAL;
	*id = v;
	return 0;
}

/* The id of user or group @name; -ENOENT if there is none. */
static int id_from_name(uint32_t tag, const char *name, uint32_t *id)
{
	size_t size = NSS_BUF_START;
	int saved = errno, ret;

	for (;;) {
		char *buf = malloc(size);
		struct passwd pw, *pwp = NULL;
		struct group gr, *grp = NULL;

		if (!buf) {
			errno = saved;
			return -ENOMEM;
		}
		if (tag == SHMDEV_ACL_USER)
			ret = getpwnam_r(name, &pw, buf, size, &pwp);
		else
			ret = getgrnam_r(name, &gr, buf, size, &grp);
		if (pwp)
			*id = pwp->pw_uid;
		if (grp)
			*id = grp->gr_gid;
		free(buf);
		if (ret == ERANGE && size < NSS_BUF_MAX) {
			size *= 2;
			continue;
		}
		/* NSS may leave errno changed even when it succeeds. */
		errno = saved;
		if (ret)
			return -ret;
		return pwp || grp ? 0 : -ENOENT;
	}
}

static int tag_from(const char *s, size_t len, uint32_t *tag)
{
	if ((len == 1 && *s == 'u') || (len == 4 && !memcmp(s, "user", 4)))
		*tag = SHMDEV_ACL_USER;
	else if ((len == 1 && *s == 'g') || (len == 5 && !memcmp(s, "group", 5)))
		*tag = SHMDEV_ACL_GROUP;
	else
		return -EINVAL;
	return 0;
}

/* One entry "tag:who:rights" in [@s, @end). */
static int entry_from(const char *s, const char *end,
		      struct shmdev_acl_entry *e)
{
	const char *c1 = memchr(s, ':', end - s), *c2;
	char name[SHMDEV_NAME_MAX];
	int ret;

	if (!c1)
		return -EINVAL;
	c2 = memchr(c1 + 1, ':', end - c1 - 1);
	if (!c2 || c2 == c1 + 1)
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	ret = tag_from(s, c1 - s, &e->tag);
	if (ret < 0)
		return ret;
	ret = rights_from(c2 + 1, end);
	if (ret < 0)
		return ret;
	e->rights = ret;
	if (isdigit((unsigned char)c1[1]) || c1[1] == '-')
		return id_from_number(c1 + 1, c2, &e->id);
	if ((size_t)(c2 - c1 - 1) >= sizeof(name))
		return -EINVAL;
	memcpy(name, c1 + 1, c2 - c1 - 1);
	name[c2 - c1 - 1] = '\0';
	return id_from_name(e->tag, name, &e->id);
}

static int is_sep(char c)
{
	return c == ',' || isspace((unsigned char)c);
}

int shmdev_acl_parse(const char *text, struct shmdev_acl_entry *entries,
		     unsigned int max)
{
	struct shmdev_acl_entry e;
	unsigned int n = 0, i;
	const char *s = text, *end;
	int ret;

	if (!text || (!entries && max))
		return -EFAULT;
	for (;;) {
		while (is_sep(*s))
			s++;
		if (!*s)
			return n;
		for (end = s; *end && !is_sep(*end); end++)
			;
		ret = entry_from(s, end, &e);
		if (ret < 0)
			return ret;
		for (i = 0; i < n; i++)
			if (entries[i].tag == e.tag && entries[i].id == e.id)
				return -EINVAL;
		if (n == max)
			return -ERANGE;
		entries[n++] = e;
		s = end;
	}
}

/* The name of user or group @id into @out, or its number. */
static void who_format(const struct shmdev_acl_entry *e, unsigned int flags,
		       char *out, size_t size)
{
	char buf[NSS_BUF_START * 4];
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;
	int saved = errno;

	if (flags & SHMDEV_ACL_FORMAT_NAMES) {
		if (e->tag == SHMDEV_ACL_USER &&
		    !getpwuid_r(e->id, &pw, buf, sizeof(buf), &pwp) && pwp) {
			snprintf(out, size, "%s", pwp->pw_name);
			errno = saved;
			return;
		}
		if (e->tag == SHMDEV_ACL_GROUP &&
		    !getgrgid_r(e->id, &gr, buf, sizeof(buf), &grp) && grp) {
			snprintf(out, size, "%s", grp->gr_name);
			errno = saved;
			return;
		}
	}
	errno = saved;
	snprintf(out, size, "%u", e->id);
}

int shmdev_acl_format(const struct shmdev_acl_entry *entries,
		      unsigned int count, unsigned int flags, char *buf,
		      size_t size)
{
	char who[SHMDEV_NAME_MAX], rights[8];
	size_t len = 0;
	unsigned int i;
	int n;

	if ((!entries && count) || !buf)
		return -EFAULT;
	if (flags & ~SHMDEV_ACL_FORMAT_NAMES)
		return -EINVAL;
	if (!size)
		return -ERANGE;
	buf[0] = '\0';
	for (i = 0; i < count; i++) {
		const struct shmdev_acl_entry *e = &entries[i];

		if ((e->tag != SHMDEV_ACL_USER && e->tag != SHMDEV_ACL_GROUP) ||
		    shmdev_rights_format(e->rights, rights, sizeof(rights)) < 0)
			return -EINVAL;
		who_format(e, flags, who, sizeof(who));
		n = snprintf(buf + len, size - len, "%s%c:%s:%s", i ? "," : "",
			     e->tag == SHMDEV_ACL_USER ? 'u' : 'g', who, rights);
		if (n < 0 || (size_t)n >= size - len)
			return -ERANGE;
		len += n;
	}
	return len;
}

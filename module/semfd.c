// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev semaphore fds: one semaphore of a region as a file that poll,
 * epoll, select and io_uring wait on beside sockets, with the semantics
 * of an eventfd(EFD_SEMAPHORE). It is readable while the semaphore's
 * value is above 0; read() of 8 bytes takes one unit, sleeping in the
 * semaphore's queue with SEM_WAIT's sleepers (same order, same hand-off)
 * unless the file is non-blocking, and reads the __u64 1; write() of a
 * __u64 count posts it.
 *
 * The file holds the region fd it was made from, as a mapping does, so
 * the region lives while it is open, and every read and write checks
 * SYNC among that region fd's rights now, so an ACL change revokes it at
 * once (a sleeping reader wakes with EACCES). A semaphore fd keeps no
 * undo: a reader that dies holding a unit keeps it. Its reads leave the
 * semaphore's "undone" mark for SEM_WAIT and SEM_GET to report.
 */

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "shmdev.h"

/**
 * struct shmdev_semfd - a semaphore fd, the private data of its file
 * @handle: the region fd it was made from, referenced
 * @sem: the semaphore, in @handle's region
 * @index: its index, for fdinfo
 *
 * Set before the file is installed and never changed.
 */
struct shmdev_semfd {
	struct file *handle;
	struct shmdev_sem *sem;
	u32 index;
};

/* 0 while the region fd holds SYNC, else -EACCES. */
static int shmdev_semfd_allowed(struct shmdev_semfd *sfd)
{
	struct shmdev_file *sf = sfd->handle->private_data;

	return shmdev_handle_rights(sf) & SHMDEV_ACCESS_SYNC ? 0 : -EACCES;
}

static ssize_t shmdev_semfd_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct shmdev_semfd *sfd = iocb->ki_filp->private_data;
	bool nonblock = iocb->ki_filp->f_flags & O_NONBLOCK ||
			iocb->ki_flags & IOCB_NOWAIT;
	u64 one = 1;
	int ret;

	if (iov_iter_count(to) < sizeof(one))
		return -EINVAL;
	ret = shmdev_semfd_allowed(sfd);
	if (ret)
		return ret;
	ret = shmdev_sem_take(sfd->sem, sfd->handle->private_data, nonblock);
	if (ret < 0)
		return ret;
	if (copy_to_iter(&one, sizeof(one), to) != sizeof(one)) {
		/* Nobody learnt of the unit: it goes back. */
		shmdev_sem_untake(sfd->sem);
		return -EFAULT;
	}
	return sizeof(one);
}

static ssize_t shmdev_semfd_write_iter(struct kiocb *iocb,
				       struct iov_iter *from)
{
	struct shmdev_semfd *sfd = iocb->ki_filp->private_data;
	u64 count;
	int ret;

	if (iov_iter_count(from) < sizeof(count))
		return -EINVAL;
	if (copy_from_iter(&count, sizeof(count), from) != sizeof(count))
		return -EFAULT;
	if (!count || count > SHMDEV_SEM_VALUE_MAX)
		return -EINVAL;
	ret = shmdev_semfd_allowed(sfd);
	if (!ret)
		ret = shmdev_sem_give(sfd->sem, count);
	return ret ? ret : sizeof(count);
}

static __poll_t shmdev_semfd_poll(struct file *file, poll_table *wait)
{
	struct shmdev_semfd *sfd = file->private_data;
	__poll_t mask = shmdev_sem_poll(sfd->sem, file, wait);

	return shmdev_semfd_allowed(sfd) ? EPOLLERR : mask;
}

static int shmdev_semfd_release(struct inode *inode, struct file *file)
{
	struct shmdev_semfd *sfd = file->private_data;

	fput(sfd->handle);
	kfree(sfd);
	return 0;
}

/* /proc/PID/fdinfo: the region and the semaphore. */
static void shmdev_semfd_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct shmdev_semfd *sfd = file->private_data;
	struct shmdev_file *sf = sfd->handle->private_data;

	seq_printf(m, "shmdev-id:\t%u\nshmdev-name:\t%s\nshmdev-sem:\t%u\n",
		   sf->region->id, sf->region->name, sfd->index);
}

static const struct file_operations shmdev_semfd_fops = {
	.owner		= THIS_MODULE,
	.release	= shmdev_semfd_release,
	.read_iter	= shmdev_semfd_read_iter,
	.write_iter	= shmdev_semfd_write_iter,
	.poll		= shmdev_semfd_poll,
	.llseek		= noop_llseek,
	.show_fdinfo	= shmdev_semfd_show_fdinfo,
};

/* A semaphore fd's file for semaphore @index of region fd @file. */
static struct file *shmdev_semfd_new(struct file *file, u32 index,
				     u32 flags)
{
	struct shmdev_sem *sem;
	struct shmdev_semfd *sfd;
	struct file *semf;

	sem = shmdev_sem_lookup(file->private_data, index, SHMDEV_ACCESS_SYNC);
	if (IS_ERR(sem))
		return ERR_CAST(sem);
	sfd = kzalloc(sizeof(*sfd), GFP_KERNEL_ACCOUNT);
	if (!sfd)
		return ERR_PTR(-ENOMEM);
	sfd->handle = get_file(file);
	sfd->sem = sem;
	sfd->index = index;
	semf = anon_inode_getfile("[shmdev-sem]", &shmdev_semfd_fops, sfd,
				  O_RDWR | (flags & SHMDEV_SEM_FD_NONBLOCK ?
					    O_NONBLOCK : 0));
	if (IS_ERR(semf)) {
		fput(sfd->handle);
		kfree(sfd);
		return semf;
	}
	/* io_uring may try a read without sleeping, then poll. */
	semf->f_mode |= FMODE_NOWAIT;
	return semf;
}

/**
 * shmdev_ioc_sem_fd - SHMDEV_IOC_SEM_FD: a pollable fd for one semaphore
 * @file: the region fd, which needs SYNC
 * @uarg: user pointer to struct shmdev_sem_fd
 *
 * Return: the new file descriptor, or a negative errno.
 */
int shmdev_ioc_sem_fd(struct file *file, void __user *uarg)
{
	struct shmdev_sem_fd args;
	struct file *semf;
	int fd;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_SEM_FD_FLAGS_VALID ||
	    memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;
	fd = get_unused_fd_flags(args.flags & SHMDEV_SEM_FD_NOCLOEXEC ?
				 0 : O_CLOEXEC);
	if (fd < 0)
		return fd;
	semf = shmdev_semfd_new(file, args.index, args.flags);
	if (IS_ERR(semf)) {
		put_unused_fd(fd);
		return PTR_ERR(semf);
	}
	fd_install(fd, semf);
	return fd;
}

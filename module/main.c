// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev - the control device /dev/shmdev: the ioctls that create, open,
 * find and list regions, the debugfs statistics, and module init and exit.
 * The control device holds no state; CREATE and OPEN return a region fd
 * (handle.c), on which everything else about a region is done. Regions and
 * their limits are in region.c.
 */

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "shmdev.h"

struct shmdev_stats shmdev_stats;

static struct dentry *shmdev_debugfs_dir;

static int shmdev_open(struct inode *inode, struct file *file)
{
	return nonseekable_open(inode, file);
}

/**
 * shmdev_ioc_version - SHMDEV_IOC_VERSION: the ABI revision and features
 * @uarg: user pointer to struct shmdev_version
 *
 * Return: 0 or a negative errno.
 */
int shmdev_ioc_version(void __user *uarg)
{
	struct shmdev_version args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags & ~SHMDEV_VERSION_FLAGS_VALID)
		return -EINVAL;
	if (memchr_inv(args.reserved, 0, sizeof(args.reserved)))
		return -EINVAL;

	args.api_version = SHMDEV_API_VERSION;
	args.features = SHMDEV_FEATURES;
	args.name_max = SHMDEV_NAME_MAX;
	args.sem_value_max = SHMDEV_SEM_VALUE_MAX;
	if (copy_to_user(uarg, &args, sizeof(args)))
		return -EFAULT;
	return 0;
}

static long shmdev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case SHMDEV_IOC_VERSION:
		return shmdev_ioc_version(argp);
	case SHMDEV_IOC_CREATE:
		return shmdev_ioc_create(argp);
	case SHMDEV_IOC_OPEN:
		return shmdev_ioc_open(argp);
	case SHMDEV_IOC_UNLINK:
		return shmdev_ioc_unlink(NULL, argp);
	case SHMDEV_IOC_STAT:
		return shmdev_ioc_stat(NULL, argp);
	case SHMDEV_IOC_LIST:
		return shmdev_ioc_list(argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations shmdev_fops = {
	.owner		= THIS_MODULE,
	.open		= shmdev_open,
	.unlocked_ioctl	= shmdev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice shmdev_misc = {
	.minor		= MISC_DYNAMIC_MINOR,
	.name		= SHMDEV_DEVNAME,
	.fops		= &shmdev_fops,
	.mode		= 0666,
};

static int shmdev_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "handles %ld\n", atomic_long_read(&shmdev_stats.handles));
	seq_printf(m, "regions %ld\n", atomic_long_read(&shmdev_stats.regions));
	seq_printf(m, "mappings %ld\n",
		   atomic_long_read(&shmdev_stats.mappings));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shmdev_stats);

static int __init shmdev_init(void)
{
	int ret;

	ret = shmdev_handle_init();
	if (ret)
		return ret;

	ret = shmdev_region_init();
	if (ret)
		goto err_handle_exit;

	ret = misc_register(&shmdev_misc);
	if (ret)
		goto err_region_exit;

	/* Statistics are best effort: a debugfs failure is not fatal. */
	shmdev_debugfs_dir = debugfs_create_dir(SHMDEV_DEVNAME, NULL);
	debugfs_create_file("stats", 0444, shmdev_debugfs_dir, NULL,
			    &shmdev_stats_fops);
	return 0;

err_region_exit:
	shmdev_region_exit();
err_handle_exit:
	shmdev_handle_exit();
	return ret;
}

static void __exit shmdev_exit(void)
{
	debugfs_remove(shmdev_debugfs_dir);
	misc_deregister(&shmdev_misc);
	shmdev_region_exit();
	shmdev_handle_exit();
}

module_init(shmdev_init);
module_exit(shmdev_exit);

MODULE_AUTHOR("shmdev developers");
MODULE_DESCRIPTION("Named shared-memory regions with ACLs and kernel semaphores");
MODULE_LICENSE("GPL");

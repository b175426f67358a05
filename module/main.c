// SPDX-License-Identifier: GPL-2.0
/*
 * shmdev - the misc device /dev/shmdev: open/release, ioctl dispatch and
 * the debugfs statistics. Regions and their limits are in region.c.
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

/* Handles come from their own accounted cache so that leaks show by name. */
static struct kmem_cache *shmdev_file_cache;

static struct dentry *shmdev_debugfs_dir;

static int shmdev_open(struct inode *inode, struct file *file)
{
	struct shmdev_file *sf;

	sf = kmem_cache_zalloc(shmdev_file_cache, GFP_KERNEL_ACCOUNT);
	if (!sf)
		return -ENOMEM;
	mutex_init(&sf->lock);
	sf->file = file;
	file->private_data = sf;
	atomic_long_inc(&shmdev_stats.handles);
	return nonseekable_open(inode, file);
}

static int shmdev_release(struct inode *inode, struct file *file)
{
	struct shmdev_file *sf = file->private_data;

	shmdev_file_unbind(sf);
	mutex_destroy(&sf->lock);
	kmem_cache_free(shmdev_file_cache, sf);
	atomic_long_dec(&shmdev_stats.handles);
	return 0;
}

static int shmdev_ioc_version(struct shmdev_version __user *uarg)
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
	struct shmdev_file *sf = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case SHMDEV_IOC_VERSION:
		return shmdev_ioc_version(argp);
	case SHMDEV_IOC_CREATE:
		return shmdev_ioc_create(sf, argp);
	case SHMDEV_IOC_OPEN:
		return shmdev_ioc_open(sf, argp);
	case SHMDEV_IOC_UNLINK:
		return shmdev_ioc_unlink(sf, argp);
	case SHMDEV_IOC_STAT:
		return shmdev_ioc_stat(sf, argp);
	case SHMDEV_IOC_LIST:
		return shmdev_ioc_list(sf, argp);
	case SHMDEV_IOC_GET_ACL:
		return shmdev_ioc_get_acl(sf, argp);
	case SHMDEV_IOC_SET_ACL:
		return shmdev_ioc_set_acl(sf, argp);
	case SHMDEV_IOC_SET_PERM:
		return shmdev_ioc_set_perm(sf, argp);
	case SHMDEV_IOC_SEM_WAIT:
		return shmdev_ioc_sem_wait(sf, argp);
	case SHMDEV_IOC_SEM_POST:
		return shmdev_ioc_sem_post(sf, argp);
	case SHMDEV_IOC_SEM_GET:
		return shmdev_ioc_sem_get(sf, argp);
	case SHMDEV_IOC_SEM_SET:
		return shmdev_ioc_sem_set(sf, argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations shmdev_fops = {
	.owner		= THIS_MODULE,
	.open		= shmdev_open,
	.release	= shmdev_release,
	.unlocked_ioctl	= shmdev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= shmdev_mmap,
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

	shmdev_file_cache = KMEM_CACHE(shmdev_file, SLAB_ACCOUNT);
	if (!shmdev_file_cache)
		return -ENOMEM;

	ret = shmdev_region_init();
	if (ret)
		goto err_destroy_cache;

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
err_destroy_cache:
	kmem_cache_destroy(shmdev_file_cache);
	return ret;
}

static void __exit shmdev_exit(void)
{
	debugfs_remove(shmdev_debugfs_dir);
	misc_deregister(&shmdev_misc);
	shmdev_region_exit();
	kmem_cache_destroy(shmdev_file_cache);
}

module_init(shmdev_init);
module_exit(shmdev_exit);

MODULE_AUTHOR("shmdev developers");
MODULE_DESCRIPTION("Named shared-memory regions with ACLs and kernel semaphores");
MODULE_LICENSE("GPL");

#include <linux/module.h>
#include <linux/init.h>
#include <linux/kernel.h>

static int counter;
int braze_hello_value(int x) { return x * 3 + counter; }
EXPORT_SYMBOL(braze_hello_value);

static int __init hello_init(void)
{
	counter = 7;
	pr_info("braze_hello: %d\n", braze_hello_value(2));
	return 0;
}

static void __exit hello_exit(void)
{
	pr_info("braze_hello: bye\n");
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("braze test module");

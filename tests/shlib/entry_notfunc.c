/* Entries the dynamic loader must not be pointed at: data, a COMMON block, an absolute value. */
int entry_data = 5;
int entry_common;                   /* COMMON with -fcommon */
__asm__(".globl entry_abs\n.set entry_abs, 0x1234");
int plain_function(void) { return entry_data + entry_common; }

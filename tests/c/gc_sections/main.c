/* -ffunction-sections -fdata-sections with --gc-sections: used code/data survives, functions
   only reachable through tables survive, __start_/__stop_ sections and retained sections survive. */
#include <stdio.h>
#include <string.h>

extern int used_fn(int);
extern int via_table(int);
extern int (*const fn_table[])(int);
extern const char used_data[];
extern int counter_data;

struct tag { const char *name; };
__attribute__((section("gc_tags"), used)) static const struct tag t1 = {"tag-main"};
extern const struct tag __start_gc_tags[], __stop_gc_tags[];

__attribute__((retain, used, section(".data.retained_blob"))) char retained_blob[] = "kept by SHF_GNU_RETAIN";

int main(void)
{
    printf("used_fn=%d table=%d direct_table=%d\n", used_fn(3), fn_table[0](4), via_table(5));
    printf("used_data=%s counter=%d\n", used_data, counter_data);
    for (const struct tag *t = __start_gc_tags; t < __stop_gc_tags; t++)
        printf("tag %s\n", t->name);
    printf("retained=%zu\n", strlen(retained_blob));
    return 0;
}

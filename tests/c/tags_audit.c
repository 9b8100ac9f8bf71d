/* An rtld-audit library: glibc loads it for DT_AUDIT/DT_DEPAUDIT of the main program. */
#define _GNU_SOURCE
#include <link.h>
#include <string.h>
#include <unistd.h>

unsigned int la_version(unsigned int version)
{
    static const char msg[] = "audit: la_version\n";
    write(1, msg, sizeof msg - 1);
    return version;
}

unsigned int la_objopen(struct link_map *map, Lmid_t lmid, uintptr_t *cookie)
{
    (void)lmid; (void)cookie;
    const char *slash = strrchr(map->l_name, '/');
    if (slash && strstr(slash, "tags")) {
        write(1, "audit: opened ", 14);
        write(1, slash + 1, strlen(slash + 1));
        write(1, "\n", 1);
    }
    return 0;
}

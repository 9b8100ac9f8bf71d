#include <stdio.h>

int tags_value(void);
const char *tags_who(void);

int main(void)
{
    printf("%s %d\n", tags_who(), tags_value());
    return 0;
}

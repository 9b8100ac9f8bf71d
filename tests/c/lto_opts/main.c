#include <stdio.h>
int compute(int);          /* wrapped with --wrap=compute */
int alias_fn(int);         /* --defsym=alias_fn=real_fn */
int kept_fn(int);
int main(int argc, char **argv) {
    (void)argv;
    printf("compute %d\n", compute(argc + 2));
    printf("alias %d\n", alias_fn(argc));
    printf("kept %d\n", kept_fn(argc));
    return 0;
}

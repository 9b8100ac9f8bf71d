/* The classic: a dynamically linked position-independent executable. */
#include <stdio.h>

int main(void)
{
    printf("Hello from a program linked by braze!\n");
    return 0;
}

/* Function pointers: const dispatch tables (relocated in PIE), callbacks, pointer-returning functions. */
#include <stdio.h>
#include <string.h>

typedef int (*binop)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
int divi(int a, int b) { return b ? a / b : 0; }
int mod(int a, int b) { return b ? a % b : 0; }

struct op {
    const char *name;
    binop fn;
    char symbol;
};

static const struct op ops[] = {
    {"add", add, '+'}, {"sub", sub, '-'}, {"mul", mul, '*'}, {"div", divi, '/'}, {"mod", mod, '%'},
};

binop mutable_table[5] = {add, sub, mul, divi, mod};
static binop *const table_ptr = mutable_table;
static const binop *const const_ptr_tab[] = {&mutable_table[0], &mutable_table[4]};

static binop lookup(const char *name)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].name, name) == 0)
            return ops[i].fn;
    return NULL;
}

static int fold(const int *v, int n, binop f, int init)
{
    int acc = init;
    for (int i = 0; i < n; i++)
        acc = f(acc, v[i]);
    return acc;
}

static binop (*get_lookup(void))(const char *) { return lookup; }

int main(void)
{
    int v[] = {3, 5, 7, 11};
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        printf("%s: 17 %c 5 = %d\n", ops[i].name, ops[i].symbol, ops[i].fn(17, 5));
    printf("fold add=%d mul=%d\n", fold(v, 4, lookup("add"), 0), fold(v, 4, lookup("mul"), 1));
    printf("lookup missing is NULL: %d\n", lookup("pow") == NULL);
    for (int i = 0; i < 5; i++)
        printf("table[%d](100,7)=%d\n", i, table_ptr[i](100, 7));
    printf("const_ptr_tab: %d %d\n", (*const_ptr_tab[0])(1, 2), (*const_ptr_tab[1])(9, 4));
    printf("same add ptr: %d\n", lookup("add") == mutable_table[0]);
    printf("via get_lookup: %d\n", get_lookup()("sub")(10, 4));
    mutable_table[0] = mul;
    printf("after swap: %d\n", mutable_table[0](6, 7));
    return 0;
}

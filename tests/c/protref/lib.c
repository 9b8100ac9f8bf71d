__attribute__((visibility("protected"))) int pf(int x) { return x + 1; }
__attribute__((visibility("protected"))) int pd = 3;
int (*lib_pf)(void) = (void*)pf;

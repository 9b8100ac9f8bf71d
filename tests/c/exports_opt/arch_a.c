int a_data = 5;
int a_func(void) { return 7 + a_data; }
__attribute__((visibility("protected"))) int a_prot(void) { return 3; }
__attribute__((weak)) int a_weak(void) { return 4; }

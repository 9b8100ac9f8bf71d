extern int explain_lib_fn(void);
int main(void) { return explain_lib_fn(); }

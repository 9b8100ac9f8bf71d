extern int cfunc(int);
int main(void) { return cfunc(1); }

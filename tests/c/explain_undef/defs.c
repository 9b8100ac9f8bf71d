int hello_world(void) { return 0; }
int cdef(int x) { return x; }
static int secret(void) { return 4; }
int use_secret(void) { return secret(); }

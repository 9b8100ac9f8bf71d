/* The local-dynamic model forced on another module's thread-local. */
extern __thread int tv;
int get_tv(void) { return tv; }

/* a library nothing uses: dropped under --as-needed, still traced */
int unused_fn(void) { return 9; }

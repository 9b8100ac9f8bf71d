int used_by_plain(void);
int plain_fn(void) { return used_by_plain() + 1; }

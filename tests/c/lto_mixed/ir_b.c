int ir_only_global(int);
int overridden(void);
int lto_entry(int x) { return ir_only_global(x) + overridden(); }

/* a shared library whose reference lib_missing nothing defines */
extern int lib_missing(void);
int lib_uses_missing(int x) { return x > 100 ? lib_missing() : x; }

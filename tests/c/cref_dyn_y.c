/* --cref: a library that needs libcrefx (DT_NEEDED) and references a weak undefined name. */
int xf(double);
__attribute__((weak)) extern int cref_y_absent(void);
int yf(void) { return xf(4.0) + (&cref_y_absent != 0); }

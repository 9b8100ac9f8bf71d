/* Built into a shared library without DT_SONAME and linked by path. */
int nos_value(void) { return 1234; }

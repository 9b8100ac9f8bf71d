void *memcpy(void *d, const void *s, unsigned long n){ char *x=d; const char *y=s; while(n--) *x++=*y++; return d; }

int never(void) { return 1; }       /* pulled in by -u never */

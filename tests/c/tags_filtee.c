/* The filtee: the definitions a filter library's users really get. */
int tags_value(void) { return 42; }
const char *tags_who(void) { return "filtee"; }

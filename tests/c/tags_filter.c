/* A filter library's stand-in definitions. With DT_FILTER (-F) the dynamic loader resolves these
   names in the filtee instead; with DT_AUXILIARY (-f) only when the filtee can be loaded. */
int tags_value(void) { return 1; }
const char *tags_who(void) { return "filter"; }

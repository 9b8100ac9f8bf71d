/* old_fn and older_fn carry .gnu.warning.SYM sections: bfd warns when the section is read if the
   symbol is referenced by then, else at the first reference that follows. */
static const char old_fn_warning[] __attribute__((used, section(".gnu.warning.old_fn"))) =
    "old_fn is deprecated; use new_fn";
static const char older_fn_warning[] __attribute__((used, section(".gnu.warning.older_fn"))) =
    "older_fn is obsolete";

int old_fn(int x) { return x + 1; }
int older_fn(int x) { return x + 2; }

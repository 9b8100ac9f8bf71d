/* Nothing here is referenced: under --gc-sections every section of this object goes, and bfd then
   writes none of its locals, not even its FILE symbol (tests/test_opt_locals.py). */
static int unused_counter;
static int unused_helper(int x) { return x + unused_counter++; }
int unused_entry(int x) { return unused_helper(x) * 2; }

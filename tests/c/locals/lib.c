/* The -shared variant: hidden functions become locals that -x keeps (bfd writes them after the
   objects' locals). */
extern int labels_fn(void);
__attribute__((visibility("hidden"))) int hidden_fn(int x) { return x + 1; }
static int lib_counter;
int lib_entry(void) { return hidden_fn(lib_counter++) + labels_fn(); }

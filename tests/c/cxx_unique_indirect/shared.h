// An STB_GNU_UNIQUE object defined by the executable and by libcxxinner.so, which the executable
// does not link directly: only libcxxouter.so needs it.  bfd still reads libcxxinner.so and
// exports the executable's copy, so that the dynamic linker makes one object of the two.
inline int &counter() { static int n = 0; return n; }
int inner_bump();                 // libcxxinner.so
const void *inner_counter();
int outer_bump();                 // libcxxouter.so -> inner_bump()
const void *outer_counter();

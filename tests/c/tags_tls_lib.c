/* A library using TLS descriptors (-mtls-dialect=gnu2: lazy TLSDESC trampoline in .plt) and calling
   an external function both directly and by address (.plt.got). */
extern __thread int tags_tv;
int tags_ext(int);

int tags_use_tls(void) { return tags_tv + tags_ext(1); }
int (*tags_get_ext(void))(int) { return tags_ext; }

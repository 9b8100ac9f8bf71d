#include "noisy.h"
Noisy b_mid __attribute__((init_priority(2000))) ("b@2000");
Noisy b_default("b@default");
Noisy b_early __attribute__((init_priority(102))) ("b@102");
__attribute__((destructor(150))) static void b_dtor_fn() { std::printf("dtor function b@150\n"); }
const char *early_name() { return b_early.name; }

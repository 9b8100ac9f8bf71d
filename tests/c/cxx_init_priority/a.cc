#include "noisy.h"
Noisy a_late __attribute__((init_priority(3000))) ("a@3000");
Noisy a_early __attribute__((init_priority(101))) ("a@101");
Noisy a_default("a@default");
__attribute__((constructor(150))) static void a_ctor_fn() { std::printf("ctor function a@150\n"); }

#include "shared.h"
int outer_bump() { return 100 + inner_bump(); }
const void *outer_counter() { return inner_counter(); }

#include "shared.h"
int inner_bump() { return ++counter(); }
const void *inner_counter() { return &counter(); }

// Exceptions thrown in the library and caught in the executable, and the other way round.
#include "cxx.h"
void lib_throw(int n) {
    if (n > 2) throw LibError("too big: " + std::to_string(n), n);
    if (n < 0) throw std::out_of_range("negative");
}
int lib_catch(void (*cb)(int), int n) {
    try { cb(n); return 0; }
    catch (const LibError &e) { return -e.code; }
    catch (const std::exception &e) { return (int)std::string(e.what()).size(); }
}

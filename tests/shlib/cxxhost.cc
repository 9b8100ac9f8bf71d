#include <cstdio>
#include "cxx.h"
static void cb(int n) { if (n == 5) throw std::logic_error("from the host"); if (n == 6) throw LibError("x", 6); }
int main() {
    for (int n = -1; n <= 3; n++) {
        try { lib_throw(n); std::printf("%d ok\n", n); }
        catch (const LibError &e) { std::printf("%d LibError %s %d\n", n, e.what(), e.code); }
        catch (const std::exception &e) { std::printf("%d exception %s\n", n, e.what()); }
    }
    std::printf("%d %d %d\n", lib_catch(cb, 5), lib_catch(cb, 6), lib_catch(cb, 1));
    return 0;
}

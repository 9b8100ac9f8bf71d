#include <string>

struct Counter {
    int base, n = 0;
    Counter();                   // dynamic initialization: needs __tls_init on first use
    ~Counter();
    int next() { return base + ++n; }
};
extern thread_local Counter tl_counter;          // defined in defs.cc: accessed via _ZTW wrapper
extern thread_local std::string tl_name;         // ditto, initialised from a function call
extern thread_local int tl_plain;                // constant-initialised: no wrapper needed
int bump_in_defs();

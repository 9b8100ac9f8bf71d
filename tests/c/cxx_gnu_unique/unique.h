#include <stdexcept>
#include <string>

// Objects with STB_GNU_UNIQUE binding: one instance per process even across the executable and
// the shared library (both define them), which the dynamic linker unifies.
inline int &shared_counter() { static int n = 0; return n; }
template <typename T> struct Stats {
    static int created;
    Stats() { ++created; }
};
template <typename T> int Stats<T>::created = 0;

struct LibError : std::runtime_error {        // key function in lib.cc: typeinfo in the library
    using std::runtime_error::runtime_error;
    ~LibError() override;
};

// libcxxunique.so
const void *lib_counter_addr();
const void *lib_stats_addr();
int lib_bump();
void lib_throw(int v);                         // throws LibError across the library boundary
int lib_call(void (*cb)(int), int v);          // calls back into the executable, catches its throw

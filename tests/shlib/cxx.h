#include <stdexcept>
#include <string>
struct LibError : std::runtime_error {
    int code;
    LibError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
};
void lib_throw(int n);
int lib_catch(void (*cb)(int), int n);

// A C++ library linked with -static-libstdc++ -static-libgcc --exclude-libs=ALL: only cxx_entry is
// exported, libstdc++.a and libgcc's definitions stay inside (the common use of --exclude-libs)
#include <sstream>
#include <stdexcept>
#include <string>
extern "C" int cxx_entry(int n)
{
    std::ostringstream os;
    os << "value " << n;
    try {
        if (n > 2)
            throw std::runtime_error(os.str());
    } catch (std::exception &e) {
        return (int)std::string(e.what()).size() + 100;
    }
    return n;
}

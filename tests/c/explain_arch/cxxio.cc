// libstdc++.a members with constructor/destructor variants that demangle alike (C1/C2, D0/D1/D2)
// and std::string/std::istream names bfd shows in their short form
#include <iostream>
#include <string>
#include <vector>
int main()
{
    std::vector<std::string> v{"a", "b"};
    for (auto &s : v)
        std::cout << s << std::endl;
    return 0;
}

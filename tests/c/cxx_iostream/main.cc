// iostreams: cin/cout/cerr, user-defined operators from another object, manipulators,
// stringstreams and an fstream round trip in the working directory.
#include "money.h"
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

int main()
{
    std::ios::sync_with_stdio(false);
    std::string name;
    std::vector<Money> amounts;
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream ls(line);
        Money m{};
        if (ls >> name >> m) amounts.push_back(m);
        else std::cerr << "bad line: '" << line << "'\n";
    }
    long sum = 0;
    for (const Money &m : amounts) sum += m.cents;
    std::cout << "entries: " << amounts.size() << " total " << Money{sum} << '\n';
    std::cout << std::hex << std::showbase << 255 << ' ' << std::oct << 8 << std::dec << ' '
              << std::setw(8) << std::left << "left" << '|' << std::right << std::setw(6) << 42 << '|'
              << std::fixed << std::setprecision(3) << 3.14159 << ' ' << std::scientific << 1e-5 << '\n';
    {
        std::ofstream out("ledger.txt");
        for (const Money &m : amounts) out << m << '\n';
    }
    std::ifstream in("ledger.txt");
    int lines = 0;
    while (std::getline(in, line)) lines++;
    std::cout << "file lines: " << lines << std::endl;
    std::ostringstream os;
    os << Money{-1234} << " and " << Money{5};
    std::cerr << "stringstream: " << os.str() << std::endl;
    std::clog << "clog works" << std::endl;
    return lines == static_cast<int>(amounts.size()) ? 0 : 1;
}

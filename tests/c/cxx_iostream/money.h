#include <iosfwd>
struct Money {
    long cents;
};
std::ostream &operator<<(std::ostream &os, const Money &m);   // money.cc
std::istream &operator>>(std::istream &is, Money &m);

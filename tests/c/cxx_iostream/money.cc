#include "money.h"
#include <iomanip>
#include <iostream>

std::ostream &operator<<(std::ostream &os, const Money &m)
{
    long c = m.cents < 0 ? -m.cents : m.cents;
    return os << (m.cents < 0 ? "-" : "") << '$' << c / 100 << '.' << std::setw(2) << std::setfill('0')
              << c % 100 << std::setfill(' ');
}

std::istream &operator>>(std::istream &is, Money &m)
{
    double d;
    if (is >> d) m.cents = static_cast<long>(d * 100 + (d < 0 ? -0.5 : 0.5));
    return is;
}

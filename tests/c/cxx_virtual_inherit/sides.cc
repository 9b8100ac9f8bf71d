#include "shapes.h"
Left::Left() : Base(1) { trail += "Left "; }
std::string Left::who() const { return "Left(" + std::to_string(l) + ")"; }
int Left::left_only() const { return 10 + l; }
Right::Right() : Base(2) { trail += "Right "; }
std::string Right::who() const { return "Right(" + std::to_string(r) + ")"; }
Right *Right::self() { return this; }

#include "shapes.h"
Bottom::Bottom() : Base(3) { trail += "Bottom "; }
std::string Bottom::who() const { return "Bottom<" + Left::who() + "," + Right::who() + ">"; }
Bottom *Bottom::self() { return this; }
int Bottom::left_only() const { return 100 + l + r; }
Base *make_bottom() { return new Bottom; }

#include "shapes.h"
Base::Base(int i) : id(i) { trail += "Base "; }
Base::~Base() {}
std::string Base::who() const { return "Base"; }

#include "widgets.h"
std::string Widget::draw() const { return "[widget " + std::to_string(size) + "]"; }
std::string Button::draw() const { return "<" + label + ">" + Widget::draw(); }

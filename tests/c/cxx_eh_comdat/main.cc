// C++: exceptions across objects, vtables, typeinfo, COMDAT templates/inline statics, iostream,
// global constructors with std::string.
#include "shapes.h"
#include <iostream>
#include <map>
#include <typeinfo>

static std::map<std::string, int> registry = {{"one", 1}, {"two", 2}};

int main()
{
    std::vector<std::unique_ptr<Shape>> shapes;
    const char *specs[] = {"c1", "r2,3", "x9", "", "r4", "c0.5"};
    for (const char *s : specs) {
        try {
            shapes.push_back(make_shape(s));
            std::cout << "made " << shapes.back()->name() << "\n";
        } catch (const ParseError &e) {
            std::cout << "ParseError(" << e.what() << ", pos=" << e.position << ")\n";
        } catch (const std::exception &e) {
            std::cout << "other: " << e.what() << "\n";
        }
    }
    std::cout << "areas main=" << accumulate_areas<double>(shapes)
              << " factory=" << areas_from_factory_tu(shapes)
              << " int=" << accumulate_areas<int>(shapes) << "\n";
    bump_from_factory_tu();
    ++inline_counter();
    std::cout << "inline counter shared: " << inline_counter() << "\n";
    std::cout << "banner=" << global_banner << " registry=" << registry.size() << "\n";
    try {
        throw 42;
    } catch (int v) {
        std::cout << "caught int " << v << "\n";
    }
    try {
        shapes.at(100);
    } catch (const std::out_of_range &) {
        std::cout << "caught out_of_range\n";
    }
    Shape *s = shapes.empty() ? nullptr : shapes[0].get();
    std::cout << "typeid name non-empty: " << (s && typeid(*s).name()[0] != 0) << "\n";
    return static_cast<int>(shapes.size());
}

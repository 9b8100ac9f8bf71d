#include "shapes.h"
#include <cstdio>

namespace {
struct Circle : Shape {
    double r;
    explicit Circle(double r) : r(r) {}
    double area() const override { return 3.0 * r * r; }
    std::string name() const override { return "circle"; }
};
struct Rect : Shape {
    double w, h;
    Rect(double w, double h) : w(w), h(h) {}
    double area() const override { return w * h; }
    std::string name() const override { return "rect"; }
};
}  // namespace

std::string global_banner = std::string("shapes") + "-v" + std::to_string(2);

std::unique_ptr<Shape> make_shape(const std::string &spec)
{
    if (spec.empty()) throw ParseError("empty spec", 0);
    char kind = spec[0];
    double a = 0, b = 0;
    int n = std::sscanf(spec.c_str() + 1, "%lf,%lf", &a, &b);
    if (kind == 'c' && n == 1) return std::make_unique<Circle>(a);
    if (kind == 'r' && n == 2) return std::make_unique<Rect>(a, b);
    throw ParseError("bad spec: " + spec, n < 0 ? 1 : n + 1);
}

double areas_from_factory_tu(const std::vector<std::unique_ptr<Shape>> &v) { return accumulate_areas<double>(v); }
int bump_from_factory_tu() { return ++inline_counter(); }

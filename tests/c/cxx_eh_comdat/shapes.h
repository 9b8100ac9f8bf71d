#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

struct Shape {
    virtual ~Shape() = default;
    virtual double area() const = 0;
    virtual std::string name() const = 0;
};

// Instantiated in several translation units: COMDAT groups that the linker must deduplicate.
template <typename T> T accumulate_areas(const std::vector<std::unique_ptr<Shape>> &v)
{
    T total{};
    for (const auto &s : v) total += static_cast<T>(s->area());
    return total;
}

inline int &inline_counter() { static int c = 0; return c; }

struct ParseError : std::runtime_error {
    int position;
    ParseError(const std::string &m, int pos) : std::runtime_error(m), position(pos) {}
};

std::unique_ptr<Shape> make_shape(const std::string &spec);  // throws ParseError
double areas_from_factory_tu(const std::vector<std::unique_ptr<Shape>> &v);
int bump_from_factory_tu();
extern std::string global_banner;

#include <string>
#include <typeinfo>

// Widget's key function (its first non-inline virtual, draw) is in widget.cc: its vtable and
// typeinfo exist only there and every other object refers to them.  Gadget's virtuals are all
// inline, so every object using it emits the vtable in a COMDAT group (vague linkage).
struct Widget {
    int size;
    explicit Widget(int s) : size(s) {}
    virtual ~Widget() {}
    virtual std::string draw() const;
    virtual int area() const { return size * size; }
};
struct Button : Widget {
    std::string label;
    Button(int s, std::string l) : Widget(s), label(std::move(l)) {}
    std::string draw() const override;
};
struct Gadget {
    virtual ~Gadget() {}
    virtual std::string kind() const { return "gadget"; }
    virtual int weight() const { return 1; }
};
template <int N> struct Heavy : Gadget {
    std::string kind() const override { return "heavy" + std::to_string(N); }
    int weight() const override { return N; }
};
Gadget *make_heavy3();                 // factory.cc
Widget *make_button(const char *l);    // factory.cc
const std::type_info &gadget_type_in_factory();
const void *gadget_vtable_probe(const Gadget *g);

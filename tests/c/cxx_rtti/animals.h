#include <string>
#include <typeinfo>

struct Animal {
    virtual ~Animal();                  // key function: vtable and typeinfo in animals.cc
    virtual std::string sound() const = 0;
};
struct Pet {
    virtual ~Pet();
    virtual std::string owner() const { return "nobody"; }
};
struct Dog : Animal, Pet {
    std::string sound() const override;
    std::string owner() const override;
};
struct Puppy final : Dog {
    std::string sound() const override;
};
struct Fish : Animal {                  // no key function outside the class: vague linkage
    std::string sound() const override { return "..."; }
};
template <typename T> struct Box : Animal {
    std::string sound() const override { return "box"; }
};

Animal *make_animal(int i);            // animals.cc
const std::type_info &fish_type_in_animals();
const std::type_info &box_int_type_in_animals();
void throw_dog();

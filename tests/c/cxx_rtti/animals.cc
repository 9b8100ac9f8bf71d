#include "animals.h"
Animal::~Animal() {}
Pet::~Pet() {}
std::string Dog::sound() const { return "woof"; }
std::string Dog::owner() const { return "alice"; }
std::string Puppy::sound() const { return "yip"; }
Animal *make_animal(int i)
{
    switch (i % 4) {
    case 0: return new Dog;
    case 1: return new Puppy;
    case 2: return new Fish;
    default: return new Box<int>;
    }
}
const std::type_info &fish_type_in_animals() { return typeid(Fish); }
const std::type_info &box_int_type_in_animals() { return typeid(Box<int>); }
void throw_dog() { throw Puppy(); }

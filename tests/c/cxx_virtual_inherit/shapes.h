#include <string>

// A diamond with virtual bases; each class's key function is in a different object.
struct Base {
    std::string trail;
    int id;
    explicit Base(int i);
    virtual ~Base();
    virtual std::string who() const;
    virtual Base *self() { return this; }
};
struct Left : virtual Base {
    int l = 1;
    Left();
    std::string who() const override;
    virtual int left_only() const;
};
struct Right : virtual Base {
    int r = 2;
    Right();
    std::string who() const override;
    Right *self() override;                 // covariant return through a virtual base: thunk
};
struct Bottom : Left, Right {
    Bottom();
    std::string who() const override;
    Bottom *self() override;
    int left_only() const override;
};
Base *make_bottom();

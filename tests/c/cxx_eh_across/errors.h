#include <stdexcept>
#include <string>

// An exception hierarchy whose typeinfo lives in thrower.cc (key function: ~AppError).
struct AppError : std::runtime_error {
    int code;
    AppError(const std::string &m, int c) : std::runtime_error(m), code(c) {}
    ~AppError() override;
};
struct IoError : AppError {
    using AppError::AppError;
};
struct Tracer {  // prints when unwinding runs its destructor
    const char *what;
    explicit Tracer(const char *w);
    ~Tracer();
};

void throw_kind(int kind);                 // thrower.cc
int pass_through(int kind);                // middle.cc: lets everything through, with cleanups
int translate(int kind);                   // middle.cc: catches and rethrows as another type
std::exception_ptr capture(int kind);      // middle.cc
void throw_nested(int kind);               // middle.cc

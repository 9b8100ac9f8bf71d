// C++ with exceptions thrown in parser.o and caught here, RAII cleanup during
// unwinding, virtual dispatch and the standard library.
#include "parser.hpp"

#include <iostream>
#include <memory>
#include <vector>

struct Guard {
    explicit Guard(int n) : n(n) {}
    ~Guard() { unwound++; }
    int n;
    static int unwound;
};
int Guard::unwound = 0;

struct Reporter {
    virtual ~Reporter() = default;
    virtual void report(const std::string &expr, const std::string &result) = 0;
};

struct ConsoleReporter : Reporter {
    void report(const std::string &expr, const std::string &result) override
    {
        std::cout << "  " << expr << "  =>  " << result << "\n";
    }
};

int main()
{
    std::unique_ptr<Reporter> out = std::make_unique<ConsoleReporter>();
    const std::vector<std::string> inputs = {
        "1 + 2 * 3", "(1 + 2) * 3", "-(4 - 10) * 7", "100 / (5 - 5)", "2 * (3 + 4",
        "12 $ 4", "", "((((42))))",
    };
    int errors = 0;
    for (const auto &in : inputs) {
        Guard g(errors);
        try {
            out->report(in, std::to_string(evaluate(in)));
        } catch (const ParseError &e) {
            errors++;
            out->report(in, std::string("parse error: ") + e.what());
        } catch (const std::exception &e) {
            errors++;
            out->report(in, std::string("error: ") + e.what());
        }
    }
    std::cout << errors << " errors, " << Guard::unwound << " guards destroyed\n";
    return 0;
}

// A recursive-descent evaluator that reports errors by throwing; the
// exceptions are caught in another object file (main.cpp).
#include "parser.hpp"

#include <cctype>

namespace {
class Parser {
public:
    explicit Parser(const std::string &s) : s_(s) {}
    long parse()
    {
        long v = expr();
        skip();
        if (i_ != s_.size())
            throw ParseError("unexpected '" + std::string(1, s_[i_]) + "'", i_);
        return v;
    }

private:
    void skip() { while (i_ < s_.size() && std::isspace((unsigned char)s_[i_])) i_++; }
    long expr()
    {
        long v = term();
        for (;;) {
            skip();
            if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) {
                char op = s_[i_++];
                long r = term();
                v = op == '+' ? v + r : v - r;
            } else {
                return v;
            }
        }
    }
    long term()
    {
        long v = factor();
        for (;;) {
            skip();
            if (i_ < s_.size() && (s_[i_] == '*' || s_[i_] == '/')) {
                char op = s_[i_++];
                skip();
                size_t at = i_;
                long r = factor();
                if (op == '/' && r == 0)
                    throw std::domain_error("division by zero at position " + std::to_string(at));
                v = op == '*' ? v * r : v / r;
            } else {
                return v;
            }
        }
    }
    long factor()
    {
        skip();
        if (i_ >= s_.size())
            throw ParseError("unexpected end of input", i_);
        if (s_[i_] == '(') {
            i_++;
            long v = expr();
            skip();
            if (i_ >= s_.size() || s_[i_] != ')')
                throw ParseError("missing ')'", i_);
            i_++;
            return v;
        }
        if (s_[i_] == '-') {
            i_++;
            return -factor();
        }
        if (!std::isdigit((unsigned char)s_[i_]))
            throw ParseError("expected a number", i_);
        long v = 0;
        while (i_ < s_.size() && std::isdigit((unsigned char)s_[i_]))
            v = v * 10 + (s_[i_++] - '0');
        return v;
    }

    const std::string &s_;
    size_t i_ = 0;
};
}  // namespace

long evaluate(const std::string &expr)
{
    return Parser(expr).parse();
}

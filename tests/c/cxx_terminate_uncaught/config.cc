#include <stdexcept>
#include <string>

struct ConfigError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

void lookup(const char *key)
{
    throw ConfigError(std::string("no such key: '") + key + "'");
}

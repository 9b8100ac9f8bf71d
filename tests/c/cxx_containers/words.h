#include <map>
#include <string>
#include <unordered_map>
#include <vector>

struct Key {
    std::string text;
    int len;
    bool operator==(const Key &o) const { return text == o.text && len == o.len; }
};
struct KeyHash {
    std::size_t operator()(const Key &k) const;    // defined in words.cc
};
using Freq = std::unordered_map<Key, int, KeyHash>;
std::vector<std::string> split_words(const std::string &text);
void count_into(Freq &f, const std::vector<std::string> &words);
std::map<int, std::vector<std::string>> by_length(const Freq &f);

#include "words.h"
#include <cctype>
#include <functional>

std::size_t KeyHash::operator()(const Key &k) const { return std::hash<std::string>()(k.text) * 31 + k.len; }

std::vector<std::string> split_words(const std::string &text)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c))) cur += static_cast<char>(std::tolower(c));
        else if (!cur.empty()) out.push_back(std::move(cur)), cur.clear();
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

void count_into(Freq &f, const std::vector<std::string> &words)
{
    for (const auto &w : words) f[Key{w, int(w.size())}]++;
}

std::map<int, std::vector<std::string>> by_length(const Freq &f)
{
    std::map<int, std::vector<std::string>> m;
    for (const auto &[k, n] : f) m[k.len].push_back(k.text + "x" + std::to_string(n));
    return m;
}

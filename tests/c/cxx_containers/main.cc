// std::map / std::unordered_map / std::set / std::multimap with a hash functor from another
// object; sorted output only (hash iteration order never reaches stdout).
#include "words.h"
#include <algorithm>
#include <cstdio>
#include <set>

int main()
{
    const char *text = "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs! "
                       "A fox, a dog and a cat.";
    Freq f;
    auto words = split_words(text);
    count_into(f, words);
    count_into(f, split_words("cat CAT Cat"));
    std::printf("words=%zu distinct=%zu buckets>0=%d\n", words.size(), f.size(), f.bucket_count() > 0);
    for (auto &[len, list] : by_length(f)) {
        std::sort(list.begin(), list.end());
        std::printf("%d:", len);
        for (auto &s : list) std::printf(" %s", s.c_str());
        std::printf("\n");
    }
    std::set<std::string> uniq(words.begin(), words.end());
    std::printf("set first=%s last=%s\n", uniq.begin()->c_str(), uniq.rbegin()->c_str());
    std::multimap<char, std::string> initials;
    for (auto &w : uniq) initials.emplace(w[0], w);
    std::printf("initial 'd' count=%zu, 'f' count=%zu\n", initials.count('d'), initials.count('f'));
    auto it = f.find(Key{"fox", 3});
    std::printf("fox=%d missing=%d\n", it == f.end() ? -1 : it->second, int(f.count(Key{"fox", 4})));
    return 0;
}

extern int greet_count;
const char *greet_word(int i);
void greet(const char *who);

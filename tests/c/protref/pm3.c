extern int pd; int main(void) { return pd - 3; }

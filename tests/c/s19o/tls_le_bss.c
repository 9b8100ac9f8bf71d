__thread int a = 5;
__thread long b __attribute__((aligned(64)));
int c;
int main(void) { return a + b + c; }

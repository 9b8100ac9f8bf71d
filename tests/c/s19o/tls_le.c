__thread int a = 5;
__thread long b __attribute__((aligned(16)));
int main(void) { return a + b; }

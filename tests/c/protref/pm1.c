int pf(int); int main(void) { return pf(1) - 2; }

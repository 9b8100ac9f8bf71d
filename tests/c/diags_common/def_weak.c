__attribute__((weak)) int weakdef = 3;

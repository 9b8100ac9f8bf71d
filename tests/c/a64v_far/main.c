void entry(void);
int main(void) { entry(); return 0; }

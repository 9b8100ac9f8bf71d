extern int helo_world(void);
int main(void) { return helo_world(); }

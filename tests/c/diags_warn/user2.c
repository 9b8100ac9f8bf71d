int old_fn(int);
int user1(int);
int main(int argc, char **argv) { (void)argv; return user1(argc) + old_fn(argc) > 100; }

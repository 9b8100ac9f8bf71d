int other(int); int sig(int); int cdef(int);
int main() { return other(1) + sig(2) + cdef(3); }

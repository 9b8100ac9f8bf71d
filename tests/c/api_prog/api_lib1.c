extern int api_deeper(int);
int api_helper(int x) { return api_deeper(x) + 1; }
int api_helper_unused(int x) { return x - 1; }

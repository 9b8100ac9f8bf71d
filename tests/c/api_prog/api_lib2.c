static const char api_table[] = "a table of bytes that the size map shows";
int api_deeper(int x) { return x * 2 + api_table[x & 7]; }

extern int secret(void);
int main(void) { return secret(); }

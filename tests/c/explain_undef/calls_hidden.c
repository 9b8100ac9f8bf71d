extern int hidden_fn(void);
int main(void) { return hidden_fn(); }

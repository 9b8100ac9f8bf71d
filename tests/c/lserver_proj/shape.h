struct shape { int w, h; };
int shape_area(struct shape s);
int shape_count(void);
void shape_print(struct shape s);
int util_sum(const int *v, int n);
const char *util_name(int i);

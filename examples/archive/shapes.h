struct shape {
    const char *name;
    double (*area)(const struct shape *);
    double a, b;
};

extern const struct shape shape_table[];   /* defined in shapes.c (libshapes.a) */
extern const int shape_count;
double total_area(void);
const char *shout(const char *s);           /* strutil.c (libshapes.a) */

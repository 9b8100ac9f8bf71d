/* --warn-common: commons (compiled -fcommon) against commons and definitions, in both orders. */
int same;            /* also common in same.c: "multiple common" */
int grows;           /* larger common in big.c */
long shrinks[4];     /* smaller common in small.c */
int defined_later;   /* defined in def.c */
char aligned[100];   /* 32-aligned common; def_small.c defines it smaller and less aligned */
int weakdef;         /* def_weak.c has a weak definition: the common wins (bfd) */
int main(void) { return same + grows + (int)shrinks[0] + defined_later + aligned[0] + weakdef; }

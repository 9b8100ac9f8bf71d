int c1; char c2[3]; double c3[5]; __attribute__((aligned(64))) int c4[7];
int both;
extern int get(void);
#include <stdio.h>
int main(void){ c1=1; c2[1]=2; c3[2]=3; c4[6]=4; both+=10; printf("%d %d %g %d %d %d\n",c1,c2[1],c3[2],c4[6],both,get()); return 0; }

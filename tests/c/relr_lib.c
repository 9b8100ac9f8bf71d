/* -z pack-relative-relocs: many pointers (string and function pointer tables, a sparse table,
   pointers at odd and at 2-mod-8 offsets in packed structs) to be relocated at load time */
#include <stdio.h>
#include <string.h>
struct __attribute__((packed)) P { char c; const char *p; };
struct P pk[3] = {{1,"one"},{2,"two"},{3,"three"}};
struct __attribute__((packed)) Q { short c; const char *p; } pq[2] = {{1,"q1"},{2,"q2"}};
static const char *words[] = {"alpha","beta","gamma","delta","eps","zeta","eta","theta","iota","kappa","lambda","mu",
"nu","xi","omicron","pi","rho","sigma","tau","upsilon","phi","chi","psi","omega","a1","a2","a3","a4","a5","a6","a7","a8",
"b1","b2","b3","b4","b5","b6","b7","b8","c1","c2","c3","c4","c5","c6","c7","c8","d1","d2","d3","d4","d5","d6","d7","d8",
"e1","e2","e3","e4","e5","e6","e7","e8","f1","f2","f3","f4","f5"};
static int f0(int x){return x+1;} static int f1(int x){return x*2;} static int f2(int x){return x-3;}
int (*const ops[])(int) = {f0,f1,f2,f0,f1,f2};
static char *sparse[1000] = {[0]=(char*)"s0",[70]=(char*)"s70",[500]=(char*)"s500",[999]=(char*)"s999"};
static const void *iptr = &pk;
int lib_run(void){
  unsigned h = 0;
  for (unsigned i = 0; i < sizeof words/sizeof *words; i++) h = h*31 + strlen(words[i]) + words[i][0];
  for (int i = 0; i < 6; i++) h = h*7 + ops[i](i);
  for (int i = 0; i < 3; i++) h += strlen(pk[i].p);
  h += strlen(pq[1].p) + strlen(sparse[999]) + strlen(sparse[500]) + (iptr != 0);
  printf("lib %u %s %s %s\n", h, pk[2].p, pq[0].p, sparse[70]);
  return (int)(h & 0x7f);
}

#include <stdio.h>
#define STR(x) #x
#define PROBE(prov, name) __asm__ __volatile__ ( \
  "990: nop\n" \
  ".pushsection .note.stapsdt,\"?\",\"note\"\n" \
  ".balign 4\n" \
  ".4byte 992f-991f,994f-993f,3\n" \
  "991: .asciz \"stapsdt\"\n" \
  "992: .balign 4\n" \
  "993: .8byte 990b\n" \
  ".8byte _.stapsdt.base\n" \
  ".8byte 0\n" \
  ".asciz \"" #prov "\"\n" \
  ".asciz \"" #name "\"\n" \
  ".asciz \"\"\n" \
  "994: .balign 4\n" \
  ".popsection\n" \
  ".ifndef _.stapsdt.base\n" \
  ".pushsection .stapsdt.base,\"aG\",\"progbits\",.stapsdt.base,comdat\n" \
  ".weak _.stapsdt.base\n" \
  ".hidden _.stapsdt.base\n" \
  "_.stapsdt.base: .space 1\n" \
  ".size _.stapsdt.base,1\n" \
  ".popsection\n" \
  ".endif\n")
/* no caller: bfd keeps it, the probe note refers to it */
__attribute__((noinline)) void unused_fn(void) { PROBE(prov, unused); }
__attribute__((noinline)) void used_fn(void) { PROBE(prov, used); }
int main(void) { used_fn(); puts("hi"); return 0; }

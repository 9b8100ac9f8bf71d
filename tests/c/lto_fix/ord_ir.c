__thread int tl_ir = 5;
__thread long tl_ir_b;
int ir_get(void) { tl_ir_b += tl_ir; return (int)tl_ir_b; }

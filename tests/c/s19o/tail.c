char src[4096] = {1,2,3,4}; int tail_fn(void){return 4;}

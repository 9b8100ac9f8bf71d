int b_fn(void){return 2;}

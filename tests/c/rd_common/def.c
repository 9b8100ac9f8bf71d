int both = 5; long c5; short c1x;
int get(void){ return both + (int)c5 + c1x; }

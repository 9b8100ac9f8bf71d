__thread int ext_counter = 5;
__thread char ext_name[16] = "ext";
int bump_ext(void) { return ++ext_counter; }

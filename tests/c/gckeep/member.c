void lib_member(void){}

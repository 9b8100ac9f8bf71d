__thread int d_counter = 7;
__thread char d_tag[8] = "tag";

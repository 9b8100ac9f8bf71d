/* TLS definitions shared by all access models. */
__thread int tv_init = 11;
__thread int tv_zero;
__thread long tv_arr[8] = {1, 2, 3, 4, 5, 6, 7, 8};
